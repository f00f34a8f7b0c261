namespace Curriculum.Models;

/// <summary>
/// Rules that change a row of next-token logits (V) from the tokens so far, before temperature, top-k and top-p
/// (Hugging Face's LogitsProcessors, applied in the same order). Both fight the loops small models fall into
/// (子曰：有：“有有有…).
/// </summary>
public static class LogitsProcessors
{
    /// <summary>
    /// CTRL's repetition penalty (Keskar et al. 2019) as HF's <c>RepetitionPenaltyLogitsProcessor</c>: every token that
    /// occurs in <paramref name="history"/> has its logit divided by <paramref name="penalty"/> when positive and
    /// multiplied by it when negative, so a penalty above 1 always makes it less likely (once per token, however often
    /// it occurred). Example: logits [2, -1, 0.5, 3], history [0, 1, 1], penalty 2 -> [1, -2, 0.5, 3].
    /// </summary>
    public static void RepetitionPenalty(Span<float> logits, ReadOnlySpan<int> history, float penalty)
    {
        if (penalty == 1f) return;
        var seen = new HashSet<int>();
        foreach (int id in history)
        {
            if ((uint)id >= (uint)logits.Length || !seen.Add(id)) continue;
            logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
        }
    }

    /// <summary>
    /// HF's <c>NoRepeatNGramLogitsProcessor</c>: a token that would complete an n-gram already present in
    /// <paramref name="history"/> gets logit -inf. With n = 2 and history [5, 7, 5], token 7 is banned (5 7 occurred).
    /// </summary>
    public static void NoRepeatNgram(Span<float> logits, ReadOnlySpan<int> history, int n)
    {
        if (n <= 0 || history.Length + 1 < n) return;
        var prefix = history[(history.Length - (n - 1))..];            // the last n-1 tokens
        for (int start = 0; start + n <= history.Length; start++)
        {
            if (!history.Slice(start, n - 1).SequenceEqual(prefix)) continue;
            int banned = history[start + n - 1];
            if ((uint)banned < (uint)logits.Length) logits[banned] = float.NegativeInfinity;
        }
    }
}
