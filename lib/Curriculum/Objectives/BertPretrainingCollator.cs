namespace Curriculum.Objectives;

/// <summary>
/// One BERT pre-training example: <c>[CLS] A [SEP] B [SEP]</c> masked for MLM, token type 0 up to and including the
/// first [SEP] and 1 after it, and the NSP label as Hugging Face's <c>next_sentence_label</c>: 0 = B follows A, 1 = B is random.
/// </summary>
public sealed record BertPretrainingExample(int[] InputIds, int[] TokenTypeIds, int[] MlmLabels, int NextSentenceLabel);

/// <summary>BERT examples padded to the maximum length: each matrix (B,T); NSP labels (B).</summary>
public sealed record BertPretrainingBatch(IntMatrix InputIds, IntMatrix TokenTypeIds, IntMatrix AttentionMask, IntMatrix MlmLabels, int[] NextSentenceLabels);

/// <summary>BERT's two objectives on one batch (Devlin et al. 2019, section 3.1): MLM on the pair built for NSP.</summary>
public sealed class BertPretrainingCollator
{
    public MaskedLmCollator Mlm { get; }
    public int ClsTokenId { get; }
    public int SepTokenId { get; }
    public int MaxSequenceLength { get; }

    public BertPretrainingCollator(MaskedLmCollator mlm, int clsTokenId, int sepTokenId, int maxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(mlm);
        if (!mlm.SpecialTokenIds.Contains(clsTokenId)) throw new ArgumentException($"{nameof(clsTokenId)} {clsTokenId} must be one of the MLM collator's special tokens.", nameof(clsTokenId));
        if (!mlm.SpecialTokenIds.Contains(sepTokenId)) throw new ArgumentException($"{nameof(sepTokenId)} {sepTokenId} must be one of the MLM collator's special tokens.", nameof(sepTokenId));
        ObjectiveArguments.Positive(maxSequenceLength, nameof(maxSequenceLength));
        (Mlm, ClsTokenId, SepTokenId, MaxSequenceLength) = (mlm, clsTokenId, sepTokenId, maxSequenceLength);
    }

    public BertPretrainingExample Build(SentencePair pair)
    {
        int length = pair.TokensA.Length + pair.TokensB.Length + 3;
        if (length > MaxSequenceLength)
            throw new ArgumentException($"the pair needs {length} tokens with [CLS]/[SEP], more than {nameof(MaxSequenceLength)} {MaxSequenceLength}.", nameof(pair));
        var tokens = new int[length];
        var types = new int[length];
        tokens[0] = ClsTokenId;
        pair.TokensA.CopyTo(tokens, 1);
        tokens[pair.TokensA.Length + 1] = SepTokenId;
        pair.TokensB.CopyTo(tokens, pair.TokensA.Length + 2);
        tokens[^1] = SepTokenId;
        types.AsSpan(pair.TokensA.Length + 2).Fill(1);
        var (inputs, labels) = Mlm.Mask(tokens);
        return new BertPretrainingExample(inputs, types, labels, pair.IsRandomNext ? 1 : 0);
    }

    public BertPretrainingBatch Collate(IReadOnlyList<SentencePair> pairs)
    {
        var examples = new BertPretrainingExample[pairs.Count];
        for (int i = 0; i < pairs.Count; i++) examples[i] = Build(pairs[i]);
        var inputs = Array.ConvertAll(examples, e => e.InputIds);
        return new BertPretrainingBatch(
            IntMatrix.Stack(inputs, Mlm.PadTokenId, MaxSequenceLength),
            IntMatrix.Stack(Array.ConvertAll(examples, e => e.TokenTypeIds), 0, MaxSequenceLength),
            IntMatrix.PresenceMask(inputs, MaxSequenceLength),
            IntMatrix.Stack(Array.ConvertAll(examples, e => e.MlmLabels), Labels.IgnoreIndex, MaxSequenceLength),
            Array.ConvertAll(examples, e => e.NextSentenceLabel));
    }
}
