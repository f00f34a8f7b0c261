namespace Curriculum.Objectives;

/// <summary>
/// Objectives take turns batch by batch following <see cref="Pattern"/>, repeated: [0, 1] alternates A and B,
/// [0, 0, 1] gives A two batches for each of B's.
/// </summary>
public sealed class AlternatingObjectiveSchedule : IObjectiveSchedule
{
    readonly int[] pattern;

    public IReadOnlyList<int> Pattern => pattern;

    public AlternatingObjectiveSchedule(params int[] pattern)
    {
        if (pattern is null || pattern.Length == 0) throw new ArgumentException("the pattern needs at least one objective index.", nameof(pattern));
        foreach (int p in pattern)
            if (p < 0) throw new ArgumentOutOfRangeException(nameof(pattern), p, "objective indices must be >= 0.");
        this.pattern = (int[])pattern.Clone();
    }

    public int ObjectiveAt(long batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        return pattern[batchIndex % pattern.Length];
    }

    public string Describe() => $"alternating objectives [{string.Join(", ", pattern)}], repeated";
}
