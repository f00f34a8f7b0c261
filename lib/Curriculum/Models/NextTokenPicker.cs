using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// One generation step from a row of logits (V): the repetition rules over the tokens so far
/// (<see cref="LogitsProcessors"/>), then argmax, or a draw from softmax(z / temperature) over the top-k logits and
/// the top-p nucleus (HF's <c>TemperatureLogitsWarper</c>, <c>TopKLogitsWarper</c>, <c>TopPLogitsWarper</c>, then
/// <c>torch.multinomial</c>). Ties in the argmax go to the lowest id, as <c>torch.argmax</c>.
/// </summary>
public static class NextTokenPicker
{
    public static int Pick(ReadOnlySpan<float> logits, GenerationConfig config, Generator generator) => Pick(logits, config, generator, []);

    /// <param name="history">The tokens so far (prompt and generated), which the repetition rules look at.</param>
    public static int Pick(ReadOnlySpan<float> logits, GenerationConfig config, Generator generator, ReadOnlySpan<int> history)
    {
        config.Validate();
        if (logits.Length == 0) throw new ArgumentException("NextTokenPicker: empty logits.", nameof(logits));
        if (config.RepetitionPenalty != 1f || config.NoRepeatNgramSize > 0)
        {
            var processed = logits.ToArray();
            LogitsProcessors.RepetitionPenalty(processed, history, config.RepetitionPenalty);
            LogitsProcessors.NoRepeatNgram(processed, history, config.NoRepeatNgramSize);
            logits = processed;
        }
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
        if (config.TopP < 1f) total = KeepNucleus(weights, total, config.TopP);
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

    /// <summary>Zeroes all but the most likely weights whose share reaches <paramref name="topP"/> (the one that crosses it
    /// kept, at least one kept); returns the new total.</summary>
    static double KeepNucleus(double[] weights, double total, float topP)
    {
        var order = Enumerable.Range(0, weights.Length).Where(i => weights[i] > 0).OrderByDescending(i => weights[i]).ThenBy(i => i).ToArray();
        double acc = 0;
        int keep = 0;
        while (keep < order.Length && acc < topP * total) acc += weights[order[keep++]];
        for (int r = keep; r < order.Length; r++) weights[order[r]] = 0;
        return acc;
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
