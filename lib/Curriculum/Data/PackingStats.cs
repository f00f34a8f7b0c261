namespace Curriculum.Data;

/// <summary>Token accounting for a way of making rows: real tokens kept, tokens dropped by
/// truncation, padding, and the waste ratio = padding / (rows x seq_len).</summary>
public sealed record PackingStats(long Documents, long Rows, int SeqLen, long TokensKept, long TokensDropped, long PadTokens)
{
    public double WasteRatio => Rows == 0 ? 0 : (double)PadTokens / (Rows * (long)SeqLen);
    public double DroppedFraction => TokensKept + TokensDropped == 0 ? 0 : (double)TokensDropped / (TokensKept + TokensDropped);

    /// <summary>Truncate-and-pad: each document (+ EOS) becomes one row of its own; what does not fit
    /// is lost, what is short is padded. <paramref name="documentLengths"/> are without the EOS.</summary>
    public static PackingStats TruncateAndPad(IEnumerable<int> documentLengths, int seqLen)
    {
        if (seqLen < 1) throw new ArgumentOutOfRangeException(nameof(seqLen), "must be >= 1");
        long docs = 0, kept = 0, dropped = 0, pad = 0;
        foreach (int len in documentLengths)
        {
            int n = len + 1;
            int k = Math.Min(n, seqLen);
            docs++; kept += k; dropped += n - k; pad += seqLen - k;
        }
        return new PackingStats(docs, docs, seqLen, kept, dropped, pad);
    }

    /// <summary>Packing: documents + EOS concatenated and cut every seq_len tokens; only the last
    /// row is padded and nothing is dropped.</summary>
    public static PackingStats Packed(IEnumerable<int> documentLengths, int seqLen)
    {
        if (seqLen < 1) throw new ArgumentOutOfRangeException(nameof(seqLen), "must be >= 1");
        long docs = 0, tokens = 0;
        foreach (int len in documentLengths) { docs++; tokens += len + 1; }
        long rows = (tokens + seqLen - 1) / seqLen;
        return new PackingStats(docs, rows, seqLen, tokens, 0, rows * seqLen - tokens);
    }
}
