namespace Curriculum.Objectives;

/// <summary>
/// Objectives one after the other: objective 0 for the first <see cref="BatchesPerObjective"/>[0] batches, then
/// objective 1, ...; the last objective continues after its count.
/// </summary>
public sealed class SequentialObjectiveSchedule : IObjectiveSchedule
{
    readonly long[] batches;

    public IReadOnlyList<long> BatchesPerObjective => batches;

    public SequentialObjectiveSchedule(params long[] batchesPerObjective)
    {
        if (batchesPerObjective is null || batchesPerObjective.Length == 0)
            throw new ArgumentException("at least one objective is needed.", nameof(batchesPerObjective));
        foreach (long b in batchesPerObjective)
            if (b <= 0) throw new ArgumentOutOfRangeException(nameof(batchesPerObjective), b, "each objective needs > 0 batches.");
        batches = (long[])batchesPerObjective.Clone();
    }

    public int ObjectiveAt(long batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        long end = 0;
        for (int i = 0; i < batches.Length - 1; i++)
        {
            end += batches[i];
            if (batchIndex < end) return i;
        }
        return batches.Length - 1;
    }

    public string Describe() => $"sequential objectives, batches per objective [{string.Join(", ", batches)}]";
}
