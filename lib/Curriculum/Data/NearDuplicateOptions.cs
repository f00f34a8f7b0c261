namespace Curriculum.Data;

/// <summary>Knobs of MinHash/LSH near-duplicate detection. Shingles are word 3-grams by default:
/// most documents here are short (a fortune is ~40 words), and with n-word shingles one changed
/// word removes n shingles, so 5-grams would push a one-word edit of a short text below 0.8.
/// 128 permutations give a Jaccard standard error of at most 0.044 (at J = 0.5).</summary>
public sealed record NearDuplicateOptions(double Threshold = 0.8, int ShingleSize = 3, int NumPermutations = 128, ulong Seed = 42)
{
    /// <summary>Bands x rows chosen for <see cref="Threshold"/> (see <see cref="LshParameters.Optimal"/>).</summary>
    public LshParameters Lsh => LshParameters.Optimal(Threshold, NumPermutations);
}
