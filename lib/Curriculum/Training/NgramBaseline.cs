namespace Curriculum.Training;

/// <summary>
/// The losses a language model must beat to have learned anything beyond counting: a unigram model (each token's
/// frequency, no context) and a bigram model (the next token's frequency given the previous one), both counted on the
/// training stream and scored as mean cross-entropy in nats per token, like <c>F.CrossEntropy</c>.
/// <para>
/// Smoothing (add-k, Lidstone): p(b) = (c(b) + k) / (N + kV) and p(b | a) = (c(a, b) + k) / (c(a, ·) + kV), with c the
/// training counts, N the training tokens, c(a, ·) the bigrams that start with a and V the vocabulary size; a context
/// that starts no training bigram backs off to the unigram. k &gt; 0
/// keeps a token or pair never seen in training from scoring an infinite loss on held-out text; k = 0 with the
/// training stream as the evaluation stream gives the plain entropy of the frequencies.
/// </para>
/// <para>Example: train [1, 2, 1, 2, 1], V = 3, k = 0: p(1) = 3/5, p(2) = 2/5, p(2 | 1) = 2/2, p(1 | 2) = 2/2;
/// the unigram loss of [1, 2] is −(ln 0.6 + ln 0.4) / 2 = 0.714, its bigram loss −ln p(2 | 1) = 0.</para>
/// There is no PyTorch built-in; NLTK's <c>nltk.lm.Lidstone</c> is the same model.
/// </summary>
public sealed class NgramBaseline
{
    readonly long[] _unigram;                        // c(b)
    readonly long[] _rowTotals;                      // c(a, ·)
    readonly Dictionary<long, long> _bigram = new(); // c(a, b), keyed a * V + b
    readonly long _tokens;

    public int VocabSize { get; }
    public double K { get; }

    /// <param name="train">Training token streams; a bigram never spans two streams.</param>
    /// <param name="vocabSize">V: every id must be in [0, V).</param>
    /// <param name="k">Add-k smoothing constant (k ≥ 0).</param>
    public NgramBaseline(IEnumerable<int[]> train, int vocabSize, double k = 0.01)
    {
        if (vocabSize < 1) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "NgramBaseline: vocabSize must be at least 1.");
        if (!(k >= 0)) throw new ArgumentOutOfRangeException(nameof(k), k, "NgramBaseline: k must be 0 or more.");
        (VocabSize, K) = (vocabSize, k);
        _unigram = new long[vocabSize];
        _rowTotals = new long[vocabSize];
        int s = 0;
        foreach (var stream in train)
        {
            for (int t = 0; t < stream.Length; t++)
            {
                int b = Check(stream[t], $"training stream {s}, position {t}");
                _unigram[b]++;
                _tokens++;
                if (t == 0) continue;
                int a = stream[t - 1];
                _rowTotals[a]++;
                long key = (long)a * vocabSize + b;
                _bigram[key] = _bigram.GetValueOrDefault(key) + 1;
            }
            s++;
        }
        if (_tokens == 0) throw new ArgumentException("NgramBaseline: the training streams hold no tokens.", nameof(train));
    }

    /// <summary>A baseline counted on one training stream.</summary>
    public NgramBaseline(int[] train, int vocabSize, double k = 0.01) : this([train], vocabSize, k) { }

    /// <summary>Training tokens counted.</summary>
    public long TrainingTokens => _tokens;

    /// <summary>p(b) with add-k smoothing.</summary>
    public double UnigramProbability(int b) => (_unigram[Check(b, "unigram")] + K) / (_tokens + K * VocabSize);

    /// <summary>
    /// p(b | a) with add-k smoothing. A context a that starts no training bigram (a special token that never occurs in
    /// the training text, say) backs off to the unigram p(b): add-k alone would give it the uniform 1/V.
    /// </summary>
    public double BigramProbability(int a, int b)
    {
        long row = _rowTotals[Check(a, "bigram context")];
        if (row == 0) return UnigramProbability(b);
        return (_bigram.GetValueOrDefault((long)a * VocabSize + Check(b, "bigram")) + K) / (row + K * VocabSize);
    }

    /// <summary>Mean −ln p(x_t) over every token of <paramref name="eval"/>, in nats per token.</summary>
    public double UnigramLoss(ReadOnlySpan<int> eval)
    {
        if (eval.Length == 0) throw new ArgumentException("NgramBaseline: nothing to evaluate.", nameof(eval));
        double sum = 0;
        foreach (int b in eval) sum -= Math.Log(UnigramProbability(b));
        return sum / eval.Length;
    }

    /// <summary>Mean −ln p(x_t | x_{t−1}) over positions 1.. of <paramref name="eval"/> (the first token has no context).</summary>
    public double BigramLoss(ReadOnlySpan<int> eval)
    {
        if (eval.Length < 2) throw new ArgumentException("NgramBaseline: the bigram loss needs at least 2 tokens.", nameof(eval));
        double sum = 0;
        for (int t = 1; t < eval.Length; t++) sum -= Math.Log(BigramProbability(eval[t - 1], eval[t]));
        return sum / (eval.Length - 1);
    }

    /// <summary>
    /// Both losses on exactly the targets a language model is scored on: pairs (inputs[i], targets[i]) of a causal-LM
    /// batch, (B·T) each, targets the inputs shifted by one; pairs whose target is <paramref name="ignoreIndex"/> are skipped.
    /// </summary>
    public (double Unigram, double Bigram) Losses(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int ignoreIndex = -100)
    {
        if (inputs.Length != targets.Length) throw new ArgumentException($"NgramBaseline: {inputs.Length} inputs and {targets.Length} targets.");
        double uni = 0, bi = 0;
        long n = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] == ignoreIndex) continue;
            uni -= Math.Log(UnigramProbability(targets[i]));
            bi -= Math.Log(BigramProbability(inputs[i], targets[i]));
            n++;
        }
        if (n == 0) throw new ArgumentException("NgramBaseline: every target is ignored.", nameof(targets));
        return (uni / n, bi / n);
    }

    /// <summary>
    /// Nats per token to bits per byte: loss · tokens / (bytes · ln 2). Runs with different tokenizers compare in bits
    /// per byte of the same text, not per token.
    /// </summary>
    public static double BitsPerByte(double natsPerToken, long tokens, long bytes)
    {
        if (tokens <= 0 || bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), "NgramBaseline.BitsPerByte: tokens and bytes must be positive.");
        return natsPerToken * tokens / (bytes * Math.Log(2));
    }

    int Check(int id, string where) =>
        (uint)id < (uint)VocabSize ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"NgramBaseline: token {id} at {where} is outside the vocabulary [0, {VocabSize}).");
}
