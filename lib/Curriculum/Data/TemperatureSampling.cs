namespace Curriculum.Data;

/// <summary>Temperature sampling over sources of n_i tokens: p_i = n_i^alpha / sum_j n_j^alpha.
/// alpha = 1 samples in proportion to size, alpha = 0 uniformly; in between, small sources are
/// up-sampled. XLM used alpha = 0.5 (Lample and Conneau 2019), XLM-R and mT5 alpha = 0.3
/// (Conneau et al. 2020; Xue et al. 2021). Written with T = 1/alpha in some papers.</summary>
public static class TemperatureSampling
{
    public static double[] Weights(IReadOnlyList<long> tokens, double alpha)
    {
        if (!double.IsFinite(alpha) || alpha < 0) throw new ArgumentOutOfRangeException(nameof(alpha), $"{alpha}: must be >= 0");
        if (tokens.Count == 0) throw new ArgumentException("no sources", nameof(tokens));
        var w = new double[tokens.Count];
        // Work with n / max so n^alpha does not overflow for large counts.
        double max = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] <= 0) throw new ArgumentOutOfRangeException(nameof(tokens), $"source {i}: {tokens[i]} tokens must be > 0");
            max = Math.Max(max, tokens[i]);
        }
        double sum = 0;
        for (int i = 0; i < w.Length; i++) { w[i] = Math.Pow(tokens[i] / max, alpha); sum += w[i]; }
        for (int i = 0; i < w.Length; i++) w[i] /= sum;
        return w;
    }

    /// <summary>Sources with their weights replaced by temperature-sampling weights.</summary>
    public static List<MixtureSource> Apply(IReadOnlyList<MixtureSource> sources, double alpha)
    {
        var w = Weights(sources.Select(s => s.Tokens).ToArray(), alpha);
        return sources.Select((s, i) => s with { Weight = w[i] }).ToList();
    }
}
