namespace Curriculum.Data;

/// <summary>Locality-sensitive hashing over MinHash signatures: the signature is cut into b bands of
/// r rows; two documents become candidates when all r rows of at least one band agree. For Jaccard
/// similarity s that happens with probability P(s) = 1 - (1 - s^r)^b, an S-curve whose steepest
/// point is near s* = (1/b)^(1/r) (Leskovec, Rajaraman and Ullman, Mining of Massive Datasets, ch. 3.4).</summary>
public sealed record LshParameters(int Bands, int Rows)
{
    /// <summary>(1/b)^(1/r): the similarity where the S-curve rises most steeply.</summary>
    public double ApproximateThreshold => Math.Pow(1.0 / Bands, 1.0 / Rows);

    /// <summary>P(candidate | Jaccard s) = 1 - (1 - s^r)^b.</summary>
    public double CandidateProbability(double s) => 1 - Math.Pow(1 - Math.Pow(s, Rows), Bands);

    /// <summary>The (b, r) with b·r ≤ numPermutations that minimises
    /// fpWeight·∫₀ᵗ P(s) ds + fnWeight·∫ₜ¹ (1 - P(s)) ds: the false-positive area below the
    /// threshold t plus the false-negative area above it (the rule datasketch's MinHashLSH uses).</summary>
    public static LshParameters Optimal(double threshold, int numPermutations, double falsePositiveWeight = 0.5, double falseNegativeWeight = 0.5)
    {
        if (threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), $"{threshold}: must be in (0, 1)");
        if (numPermutations < 1) throw new ArgumentOutOfRangeException(nameof(numPermutations), "must be >= 1");
        double best = double.PositiveInfinity;
        var opt = new LshParameters(1, 1);
        for (int b = 1; b <= numPermutations; b++)
            for (int r = 1; r <= numPermutations / b; r++)
            {
                var p = new LshParameters(b, r);
                double fp = Integrate(p.CandidateProbability, 0, threshold);
                double fn = Integrate(s => 1 - p.CandidateProbability(s), threshold, 1);
                double error = falsePositiveWeight * fp + falseNegativeWeight * fn;
                if (error < best) { best = error; opt = p; }
            }
        return opt;
    }

    /// <summary>Composite Simpson's rule with 200 intervals (the integrands are smooth polynomials).</summary>
    static double Integrate(Func<double, double> f, double lo, double hi)
    {
        const int n = 200;
        double h = (hi - lo) / n, sum = f(lo) + f(hi);
        for (int i = 1; i < n; i++) sum += f(lo + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
    }
}
