using Curriculum.Data;
using Curriculum.Models;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Cli;

/// <summary>
/// Held-out loss of a GPT: the documents encoded and joined with the end-of-text token (as pre-training saw them),
/// cut into non-overlapping windows of the model's context, mean next-token cross-entropy over every predicted token.
/// Perplexity = exp(loss).
/// </summary>
static class HeldOutLoss
{
    public static (double Loss, long Tokens) Measure(GptModel gpt, Tokenizer tokenizer, IEnumerable<Document> documents, long maxTokens)
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
