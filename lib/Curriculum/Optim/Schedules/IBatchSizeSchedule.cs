namespace Curriculum.Optim;

/// <summary>The global batch size (in sequences) as a pure function of the tokens trained on so far.</summary>
public interface IBatchSizeSchedule
{
    int BatchSize(long tokensSeen);

    string Describe();
}
