namespace Curriculum.Objectives;

/// <summary>Which objective (an index into the caller's list) the batch with a given index trains on.</summary>
public interface IObjectiveSchedule
{
    int ObjectiveAt(long batchIndex);

    string Describe();
}
