using Curriculum.Data;
namespace Curriculum.Objectives;

/// <summary>Which tokens a T5 objective corrupts (true = noise), as the T5 code's noise_mask_fn functions (Raffel et al. 2020, section 3.3).</summary>
public static class NoiseMasks
{
    /// <summary>Each token independently with probability <paramref name="noiseDensity"/> (T5 <c>iid_noise_mask</c>).</summary>
    public static bool[] Iid(int length, double noiseDensity, SplitMix64 random)
    {
        ObjectiveArguments.Rate(noiseDensity, nameof(noiseDensity));
        var mask = new bool[length];
        for (int i = 0; i < length; i++) mask[i] = random.NextDouble() < noiseDensity;
        return mask;
    }

    /// <summary>
    /// T5 <c>random_spans_noise_mask</c>: exactly round(length * density) noise tokens (at least 1, at most length-1)
    /// in round(noise / meanSpanLength) spans (at least 1); the noise and the non-noise tokens are each cut into that
    /// many spans at uniformly random places, and the spans alternate, non-noise first:
    /// <c>[keep][noise][keep][noise]...</c>. T5's final objective: density 0.15, mean span 3.
    /// Spans are also capped at the number of non-noise tokens, where T5's code fails.
    /// </summary>
    public static bool[] RandomSpans(int length, double noiseDensity, double meanSpanLength, SplitMix64 random)
    {
        ObjectiveArguments.Rate(noiseDensity, nameof(noiseDensity));
        if (!(meanSpanLength >= 1) || double.IsInfinity(meanSpanLength))
            throw new ArgumentOutOfRangeException(nameof(meanSpanLength), meanSpanLength, $"{nameof(meanSpanLength)} must be a finite number >= 1.");
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (noiseDensity == 0) return new bool[length];
        int n = Math.Max(length, 2);
        int noise = Math.Clamp((int)Math.Round(n * noiseDensity), 1, n - 1);
        int spans = Math.Clamp((int)Math.Round(noise / meanSpanLength), 1, n - noise);
        int[] noiseLengths = RandomSegmentation(noise, spans, random);
        int[] keepLengths = RandomSegmentation(n - noise, spans, random);
        var full = new bool[n];
        int p = 0;
        for (int s = 0; s < spans; s++)
        {
            p += keepLengths[s];
            full.AsSpan(p, noiseLengths[s]).Fill(true);
            p += noiseLengths[s];
        }
        return length == n ? full : full[..length];
    }

    /// <summary>
    /// <paramref name="items"/> cut into <paramref name="segments"/> non-empty runs at uniformly random places
    /// (T5 <c>_random_segmentation</c>: shuffle segments-1 "starts here" marks among the items-1 gaps). Returns the lengths.
    /// </summary>
    public static int[] RandomSegmentation(int items, int segments, SplitMix64 random)
    {
        if (segments < 1 || segments > items)
            throw new ArgumentOutOfRangeException(nameof(segments), segments, $"{nameof(segments)} must be in [1, items = {items}].");
        var startsHere = new bool[items - 1];
        startsHere.AsSpan(0, segments - 1).Fill(true);
        random.Shuffle(startsHere.AsSpan());
        var lengths = new int[segments];
        int segment = 0;
        lengths[0] = 1;
        for (int i = 0; i < startsHere.Length; i++)
        {
            if (startsHere[i]) segment++;
            lengths[segment]++;
        }
        return lengths;
    }

    /// <summary>
    /// T5 <c>random_prefix_noise_mask</c> (density 0.5) for prefix LM: the first k tokens are kept (the prefix,
    /// the encoder's input), the rest are noise (the target), k uniform in [1, length-1].
    /// </summary>
    public static bool[] RandomPrefix(int length, SplitMix64 random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int maxInput = length - 1;
        int minInput = Math.Min(maxInput, 1);
        int prefix = maxInput <= 0 ? 0 : random.NextIntInclusive(minInput, maxInput);
        var mask = new bool[length];
        mask.AsSpan(prefix).Fill(true);
        return mask;
    }
}
