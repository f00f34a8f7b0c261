using Curriculum.Data;
namespace Curriculum.Objectives;

/// <summary>
/// The T5 code's inputs_fn / targets_fn: what happens to the tokens a noise mask marks. Sentinels count down from
/// <c>firstSentinelId</c> (T5: &lt;extra_id_0&gt; = vocab size - 1, &lt;extra_id_1&gt; = vocab size - 2, ...).
/// Worked example (Raffel et al. 2020, Table 3), noise on "for inviting" and "last":
/// inputs "Thank you &lt;X&gt; me to your party &lt;Y&gt; week ." targets "&lt;X&gt; for inviting &lt;Y&gt; last &lt;Z&gt;".
/// </summary>
public static class T5Corruption
{
    /// <summary>
    /// Each run of noise tokens becomes one sentinel, numbered in order (T5 <c>noise_span_to_unique_sentinel</c>).
    /// </summary>
    public static int[] NoiseSpansToSentinels(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask, int firstSentinelId, int sentinelCount) =>
        SpansToSentinels(tokens, noiseMask, true, firstSentinelId, sentinelCount);

    /// <summary>
    /// The target of span corruption: each run of non-noise tokens becomes a sentinel (T5 <c>nonnoise_span_to_unique_sentinel</c>).
    /// When the mask starts with a kept token (always, for <see cref="NoiseMasks.RandomSpans"/>), sentinel i precedes
    /// the tokens that input sentinel i replaced; as in T5's code, a mask starting with noise shifts the numbering by one.
    /// </summary>
    public static int[] NonNoiseSpansToSentinels(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask, int firstSentinelId, int sentinelCount) =>
        SpansToSentinels(tokens, noiseMask, false, firstSentinelId, sentinelCount);

    /// <summary>The tokens not marked (T5 <c>drop_noise_tokens</c>).</summary>
    public static int[] DropNoiseTokens(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask) => Keep(tokens, noiseMask, false);

    /// <summary>The tokens marked (T5 <c>drop_nonnoise_tokens</c>).</summary>
    public static int[] DropNonNoiseTokens(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask) => Keep(tokens, noiseMask, true);

    /// <summary>Every noise token replaced by <paramref name="maskTokenId"/> (T5 <c>noise_token_to_sentinel</c>; MASS-style).</summary>
    public static int[] NoiseTokensToMask(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask, int maskTokenId)
    {
        CheckLengths(tokens, noiseMask);
        var result = tokens.ToArray();
        for (int i = 0; i < result.Length; i++) if (noiseMask[i]) result[i] = maskTokenId;
        return result;
    }

    /// <summary>
    /// Every noise token replaced by a random token in [<paramref name="randomTokenMin"/>, <paramref name="vocabSize"/>) with
    /// probability <paramref name="randomProbability"/>, else by the mask token (T5 <c>noise_token_to_random_token_or_sentinel</c>;
    /// BERT-style: 90% mask, 10% random).
    /// </summary>
    public static int[] NoiseTokensToMaskOrRandom(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask, int maskTokenId,
        double randomProbability, int randomTokenMin, int vocabSize, SplitMix64 random)
    {
        CheckLengths(tokens, noiseMask);
        var result = tokens.ToArray();
        for (int i = 0; i < result.Length; i++)
            if (noiseMask[i])
                result[i] = random.NextDouble() < randomProbability ? randomTokenMin + random.NextInt(vocabSize - randomTokenMin) : maskTokenId;
        return result;
    }

    static int[] SpansToSentinels(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> mask, bool replaceWhere, int firstSentinelId, int sentinelCount)
    {
        CheckLengths(tokens, mask);
        var result = new List<int>(tokens.Length);
        int sentinel = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            if (mask[i] != replaceWhere) { result.Add(tokens[i]); continue; }
            if (i > 0 && mask[i - 1] == replaceWhere) continue; // inside a span: already replaced
            if (sentinel == sentinelCount)
                throw new InvalidOperationException($"the sequence has more than {nameof(sentinelCount)} = {sentinelCount} spans to replace; lower the corruption rate or pass more sentinels.");
            result.Add(firstSentinelId - sentinel++);
        }
        return result.ToArray();
    }

    static int[] Keep(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> mask, bool keepWhere)
    {
        CheckLengths(tokens, mask);
        var result = new List<int>(tokens.Length);
        for (int i = 0; i < tokens.Length; i++) if (mask[i] == keepWhere) result.Add(tokens[i]);
        return result.ToArray();
    }

    static void CheckLengths(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> mask)
    {
        if (tokens.Length != mask.Length)
            throw new ArgumentException($"the noise mask has {mask.Length} entries, the tokens {tokens.Length}.", "noiseMask");
    }
}
