namespace Curriculum.Plotting;

/// <summary>Smoothing of noisy training curves.</summary>
public static class Smoothing
{
    /// <summary>
    /// TensorBoard's debiased exponential moving average: m_i = w m_{i-1} + (1 - w) v_i with
    /// m_{-1} = 0, shown as m_i / (1 - w^(n_i)) where n_i counts the values seen so far, so the
    /// start is not pulled towards 0. <paramref name="weight"/> w in [0, 1): 0 returns the values,
    /// 0.9 averages over ~10 points. Non-finite values are skipped (NaN out, state unchanged).
    /// Example: [1, 2, 3] with w = 0.5 gives [1, 5/3, 17/7].
    /// </summary>
    public static double[] Ema(ReadOnlySpan<double> values, double weight)
    {
        if (!(weight >= 0 && weight < 1))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "EMA weight must be in [0, 1).");
        var result = new double[values.Length];
        double m = 0, decay = 1;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) { result[i] = double.NaN; continue; }
            m = weight * m + (1 - weight) * v;
            decay *= weight;
            result[i] = m / (1 - decay);
        }
        return result;
    }
}
