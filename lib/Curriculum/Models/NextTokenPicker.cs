using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// One generation step from a row of logits (V): argmax, or a draw from softmax(z / temperature) over the top-k
/// logits (HF's <c>TemperatureLogitsWarper</c> then <c>TopKLogitsWarper</c>, then <c>torch.multinomial</c>).
/// Ties in the argmax go to the lowest id, as <c>torch.argmax</c>.
/// </summary>
public static class NextTokenPicker
{
    public static int Pick(ReadOnlySpan<float> logits, GenerationConfig config, Generator generator)
    {
        config.Validate();
        if (logits.Length == 0) throw new ArgumentException("NextTokenPicker: empty logits.", nameof(logits));
        if (!config.DoSample) return ArgMax(logits);
        int v = logits.Length, k = config.TopK == 0 ? v : Math.Min(config.TopK, v);
        // The k-th largest logit is the threshold; ties at the threshold are all kept (as HF's top-k).
        float threshold = float.NegativeInfinity;
        if (k < v)
        {
            var sorted = logits.ToArray();
            Array.Sort(sorted);
            threshold = sorted[v - k];
        }
        float max = logits[ArgMax(logits)];
        var weights = new double[v];
        double total = 0;
        for (int i = 0; i < v; i++)
        {
            if (logits[i] < threshold) continue;
            weights[i] = Math.Exp((logits[i] - max) / config.Temperature);
            total += weights[i];
        }
        double u = generator.NextDouble() * total, acc = 0;
        int last = 0;
        for (int i = 0; i < v; i++)
        {
            if (weights[i] == 0) continue;
            acc += weights[i];
            last = i;
            if (u < acc) return i;
        }
        return last;
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
