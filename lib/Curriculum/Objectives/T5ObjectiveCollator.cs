using Curriculum.Data;
namespace Curriculum.Objectives;

/// <summary>
/// T5's objective family as a collator (Raffel et al. 2020, section 3.3): a span of text in, an encoder input and a
/// decoder target out, as the T5 code's <c>denoise(noise_mask_fn, inputs_fn, targets_fn)</c> composes them.
/// Sentinels are <see cref="FirstSentinelId"/>, <see cref="FirstSentinelId"/> - 1, ... (T5: &lt;extra_id_0&gt; = vocab size - 1
/// downward); the mask token of the BERT- and MASS-style objectives is the first sentinel, as in T5's code.
/// </summary>
public sealed class T5ObjectiveCollator
{
    public T5Objective Objective { get; }
    public int VocabSize { get; }
    public int FirstSentinelId { get; }
    public int SentinelCount { get; }
    public double CorruptionRate { get; }
    public double MeanSpanLength { get; }
    /// <summary>Appended to inputs and targets when given (T5 appends EOS = 1 after corruption).</summary>
    public int? EosTokenId { get; }
    /// <summary>BERT-style: the share of corrupted tokens made random rather than masked (T5: 10%).</summary>
    public double RandomTokenProbability { get; }
    /// <summary>BERT-style random tokens are drawn from [RandomTokenMin, VocabSize) (T5 skips its 3 reserved ids: pad, EOS, UNK).</summary>
    public int RandomTokenMin { get; }
    public SplitMix64 Random { get; }

    public T5ObjectiveCollator(T5Objective objective, int vocabSize, int firstSentinelId, ulong seed,
        double corruptionRate = 0.15, double meanSpanLength = 3.0, int sentinelCount = 100, int? eosTokenId = null,
        double randomTokenProbability = 0.1, int randomTokenMin = 3)
    {
        if (!Enum.IsDefined(objective)) throw new ArgumentOutOfRangeException(nameof(objective), objective, "unknown T5 objective.");
        ObjectiveArguments.Positive(vocabSize, nameof(vocabSize));
        ObjectiveArguments.TokenId(firstSentinelId, vocabSize, nameof(firstSentinelId));
        ObjectiveArguments.Rate(corruptionRate, nameof(corruptionRate));
        if (!(meanSpanLength >= 1) || double.IsInfinity(meanSpanLength))
            throw new ArgumentOutOfRangeException(nameof(meanSpanLength), meanSpanLength, $"{nameof(meanSpanLength)} must be a finite number >= 1.");
        if (sentinelCount < 1 || sentinelCount > firstSentinelId + 1)
            throw new ArgumentOutOfRangeException(nameof(sentinelCount), sentinelCount, $"{nameof(sentinelCount)} must be in [1, {nameof(firstSentinelId)} + 1].");
        if (eosTokenId is int eos) ObjectiveArguments.TokenId(eos, vocabSize, nameof(eosTokenId));
        ObjectiveArguments.Rate(randomTokenProbability, nameof(randomTokenProbability));
        if (randomTokenMin < 0 || randomTokenMin >= vocabSize)
            throw new ArgumentOutOfRangeException(nameof(randomTokenMin), randomTokenMin, $"{nameof(randomTokenMin)} must be in [0, {nameof(vocabSize)}).");
        (Objective, VocabSize, FirstSentinelId, SentinelCount, CorruptionRate, MeanSpanLength) =
            (objective, vocabSize, firstSentinelId, sentinelCount, corruptionRate, meanSpanLength);
        (EosTokenId, RandomTokenProbability, RandomTokenMin) = (eosTokenId, randomTokenProbability, randomTokenMin);
        Random = new SplitMix64(seed);
    }

    /// <summary>The noise mask this objective draws for a sequence of <paramref name="length"/> tokens (none for deshuffling).</summary>
    public bool[] DrawNoiseMask(int length) => Objective switch
    {
        T5Objective.PrefixLm => NoiseMasks.RandomPrefix(length, Random),
        T5Objective.ReplaceCorruptedSpans => NoiseMasks.RandomSpans(length, CorruptionRate, MeanSpanLength, Random),
        T5Objective.Deshuffling => new bool[length],
        _ => NoiseMasks.Iid(length, CorruptionRate, Random),
    };

    /// <summary>One example from a span of text, with a freshly drawn noise mask.</summary>
    public Seq2SeqExample Corrupt(ReadOnlySpan<int> tokens) => Corrupt(tokens, DrawNoiseMask(tokens.Length));

    /// <summary>One example with the given noise mask (true = corrupted), e.g. to reproduce the paper's worked examples.</summary>
    public Seq2SeqExample Corrupt(ReadOnlySpan<int> tokens, ReadOnlySpan<bool> noiseMask)
    {
        if (noiseMask.Length != tokens.Length)
            throw new ArgumentException($"the noise mask has {noiseMask.Length} entries, the tokens {tokens.Length}.", nameof(noiseMask));
        int mask = FirstSentinelId;
        (int[] inputs, int[] targets) = Objective switch
        {
            T5Objective.PrefixLm => (T5Corruption.DropNoiseTokens(tokens, noiseMask), T5Corruption.DropNonNoiseTokens(tokens, noiseMask)),
            T5Objective.BertStyle => (T5Corruption.NoiseTokensToMaskOrRandom(tokens, noiseMask, mask, RandomTokenProbability, RandomTokenMin, VocabSize, Random), tokens.ToArray()),
            T5Objective.Deshuffling => (Shuffled(tokens), tokens.ToArray()),
            T5Objective.MassStyle => (T5Corruption.NoiseTokensToMask(tokens, noiseMask, mask), tokens.ToArray()),
            T5Objective.IidDropTokens => (T5Corruption.DropNoiseTokens(tokens, noiseMask), T5Corruption.DropNonNoiseTokens(tokens, noiseMask)),
            _ => (T5Corruption.NoiseSpansToSentinels(tokens, noiseMask, FirstSentinelId, SentinelCount),
                  T5Corruption.NonNoiseSpansToSentinels(tokens, noiseMask, FirstSentinelId, SentinelCount)),
        };
        return new Seq2SeqExample(WithEos(inputs), WithEos(targets));
    }

    /// <summary>Corrupts each sequence and stacks them (pad = decoder start = <paramref name="padTokenId"/>, as T5).</summary>
    public Seq2SeqBatch Collate(IReadOnlyList<int[]> sequences, int padTokenId = 0)
    {
        var examples = new Seq2SeqExample[sequences.Count];
        for (int i = 0; i < sequences.Count; i++) examples[i] = Corrupt(sequences[i]);
        return Seq2SeqBatch.Stack(examples, padTokenId, padTokenId);
    }

    int[] Shuffled(ReadOnlySpan<int> tokens)
    {
        var result = tokens.ToArray();
        Random.Shuffle(result.AsSpan());
        return result;
    }

    int[] WithEos(int[] tokens)
    {
        if (EosTokenId is not int eos) return tokens;
        var result = new int[tokens.Length + 1];
        tokens.CopyTo(result, 0);
        result[^1] = eos;
        return result;
    }
}
