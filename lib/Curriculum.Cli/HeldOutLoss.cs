using Curriculum.Data;
using Curriculum.Models;
using Curriculum.Objectives;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Cli;

/// <summary>
/// Held-out loss of a language model: the documents encoded and joined with the end-of-text token (as pre-training saw
/// them), cut into non-overlapping windows of the model's context. A GPT's loss is the mean next-token cross-entropy
/// over every predicted token (perplexity = exp(loss)); a BERT's is the mean masked-LM cross-entropy over the masked
/// tokens, 15% chosen per window (80% [MASK], 10% random, 10% kept) by a seeded generator, so the same seed scores
/// the same masks.
/// </summary>
static class HeldOutLoss
{
    static List<int> Stream(Tokenizer tokenizer, IEnumerable<Document> documents, long maxTokens)
    {
        int eos = TextEncoders.EosId(tokenizer);
        var stream = new List<int>();
        foreach (var d in documents)
        {
            stream.AddRange(tokenizer.EncodeToIds(d.Text));
            stream.Add(eos);
            if (stream.Count > maxTokens) break;
        }
        if (stream.Count > maxTokens + 1) stream.RemoveRange((int)maxTokens + 1, stream.Count - (int)maxTokens - 1);
        return stream;
    }

    /// <summary>BERT: (mean masked-LM loss, masked tokens scored).</summary>
    public static (double Loss, long Tokens) MeasureMasked(BertForPreTraining bert, Tokenizer tokenizer, IEnumerable<Document> documents, long maxTokens, ulong seed)
    {
        var stream = Stream(tokenizer, documents, maxTokens);
        int vocab = bert.Config.VocabSize, t = bert.Config.MaxPositions;
        int mask = tokenizer.TokenToId("[MASK]") ?? throw new InvalidDataException("the model's tokenizer has no [MASK] token; a BERT needs its WordPiece tokenizer.");
        int pad = tokenizer.TokenToId("[PAD]") ?? 0;
        var specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" }.Select(tokenizer.TokenToId).OfType<int>();
        var masking = new MaskedLmCollator(vocab, mask, pad, specials, seed);
        double sum = 0;
        long count = 0;
        bool training = bert.Training;
        bert.Eval();
        using (Autograd.NoGrad())
            for (int start = 0; start < stream.Count; start += t)
            {
                int len = Math.Min(t, stream.Count - start);
                var m = masking.Mask(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream).Slice(start, len));
                int masked = m.Labels.Count(l => l != Objectives.Labels.IgnoreIndex);
                if (masked == 0) continue;
                var logits = bert.MlmLogits(bert.Bert.Forward(new IntTensor(m.InputIds, 1, len)));       // (1,T,V)
                sum += F.CrossEntropy(logits.Reshape(len, vocab), new IntTensor(m.Labels, len)).Item() * masked;
                count += masked;
            }
        bert.Train(training);
        return (count == 0 ? double.NaN : sum / count, count);
    }

    /// <summary>GPT: (mean next-token loss, tokens predicted).</summary>
    public static (double Loss, long Tokens) Measure(GptModel gpt, Tokenizer tokenizer, IEnumerable<Document> documents, long maxTokens)
    {
        var stream = Stream(tokenizer, documents, maxTokens);
        int t = gpt.Config.MaxPositions;
        var windows = new List<int>();                                   // window starts; each predicts min(t, rest) tokens
        for (int s = 0; s + 1 < stream.Count; s += t) windows.Add(s);
        double sum = 0;
        long count = 0;
        bool training = gpt.Training;
        gpt.Eval();
        using (Autograd.NoGrad())
        {
            foreach (var start in windows)
            {
                int len = Math.Min(t, stream.Count - 1 - start);
                var ids = new IntTensor(stream.GetRange(start, len).ToArray(), 1, len);
                var targets = new IntTensor(stream.GetRange(start + 1, len).ToArray(), 1, len);
                sum += gpt.Loss(ids, targets).Item() * len;
                count += len;
            }
        }
        gpt.Train(training);
        return (count == 0 ? double.NaN : sum / count, count);
    }
}
