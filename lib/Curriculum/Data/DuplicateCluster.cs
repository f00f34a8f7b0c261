namespace Curriculum.Data;

/// <summary>A group of near-duplicates: the document kept (the first seen) and the ones removed,
/// each with its estimated Jaccard similarity to the one kept. Indexes are positions in input order.</summary>
public sealed record DuplicateCluster(int Kept, int[] Removed, double[] EstimatedJaccard);

/// <summary>The result of a near-duplicate search.</summary>
public sealed class NearDuplicateResult
{
    public required LshParameters Lsh { get; init; }
    public required int Documents { get; init; }
    /// <summary>Pairs whose band hashes matched (before verification).</summary>
    public required long CandidatePairs { get; init; }
    /// <summary>Candidate pairs whose estimated Jaccard reached the threshold and were merged.</summary>
    public required long VerifiedPairs { get; init; }
    /// <summary>Clusters of two or more documents, ordered by the index of the kept one.</summary>
    public required List<DuplicateCluster> Clusters { get; init; }
    /// <summary>keep[i] is false for every document removed as a near-duplicate of an earlier one.</summary>
    public required bool[] Keep { get; init; }

    public int RemovedCount { get { int n = 0; foreach (var k in Keep) if (!k) n++; return n; } }
}
