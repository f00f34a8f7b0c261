namespace Curriculum.Data;

/// <summary>Knobs of MinHash/LSH near-duplicate detection. Shingles are word 3-grams by default:
/// most documents here are short (a fortune is ~40 words), and with n-word shingles one changed
/// word removes n shingles, so 5-grams would push a one-word edit of a short text below 0.8.
/// 128 permutations give a Jaccard standard error of at most 0.044 (at J = 0.5).
/// Bands x rows weigh a missed pair <see cref="FalseNegativeWeight"/> against a false candidate
/// (1 - it): every candidate is verified by its estimated Jaccard, so a false candidate costs one
/// signature comparison while a miss leaves a duplicate in. At 0.9 (threshold 0.8, 128
/// permutations) that gives 14 bands x 9 rows, P(candidate | J = 0.85) = 0.975; equal weights (the
/// datasketch default) give 9 x 13, which finds only 40% of pairs at J = 0.8 and 69% at 0.85.</summary>
public sealed record NearDuplicateOptions(double Threshold = 0.8, int ShingleSize = 3, int NumPermutations = 128, ulong Seed = 42, double FalseNegativeWeight = 0.9)
{
    /// <summary>Bands x rows chosen for <see cref="Threshold"/> (see <see cref="LshParameters.Optimal"/>).</summary>
    public LshParameters Lsh => LshParameters.Optimal(Threshold, NumPermutations, 1 - FalseNegativeWeight, FalseNegativeWeight);
}
