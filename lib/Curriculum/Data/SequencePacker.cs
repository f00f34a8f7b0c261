namespace Curriculum.Data;

/// <summary>Packs tokenised documents into rows of exactly <c>seqLen</c> ids: each document is
/// followed by <c>eosId</c>, documents are concatenated, and the stream is cut every seqLen tokens,
/// so a long document continues into the next row instead of being truncated (GPT-2/3 style;
/// see CURRICULUM.md section 2). Only the final row is padded with <c>padId</c>. Streams: one row
/// is held at a time. Token ids come from any tokenizer (int[] per document).</summary>
public sealed class SequencePacker
{
    public int SeqLen { get; }
    public int EosId { get; }
    public int PadId { get; }

    public long Documents { get; private set; }
    public long Rows { get; private set; }
    public long Tokens { get; private set; }
    public long PadTokens { get; private set; }

    public SequencePacker(int seqLen, int eosId, int padId = -1)
    {
        if (seqLen < 2) throw new ArgumentOutOfRangeException(nameof(seqLen), $"{seqLen}: a row needs at least 2 tokens");
        SeqLen = seqLen; EosId = eosId; PadId = padId < 0 ? eosId : padId;
    }

    public PackingStats Stats => new(Documents, Rows, SeqLen, Tokens, 0, PadTokens);

    public IEnumerable<PackedRow> Pack(IEnumerable<int[]> documents)
    {
        var tokens = new int[SeqLen];
        var docIds = new int[SeqLen];
        int fill = 0;
        int doc = 0;
        foreach (var ids in documents)
        {
            // The document's tokens then its EOS, spilled across as many rows as needed.
            int offset = 0;
            while (offset <= ids.Length)
            {
                if (offset < ids.Length)
                {
                    int n = Math.Min(ids.Length - offset, SeqLen - fill);
                    ids.AsSpan(offset, n).CopyTo(tokens.AsSpan(fill));
                    docIds.AsSpan(fill, n).Fill(doc);
                    fill += n; offset += n;
                }
                else
                {
                    tokens[fill] = EosId; docIds[fill] = doc; fill++; offset++;
                }
                if (fill == SeqLen)
                {
                    Rows++; Tokens += SeqLen;
                    yield return new PackedRow(tokens, docIds, SeqLen);
                    tokens = new int[SeqLen]; docIds = new int[SeqLen]; fill = 0;
                }
            }
            doc++;
            Documents++;
        }
        if (fill > 0)
        {
            tokens.AsSpan(fill).Fill(PadId);
            docIds.AsSpan(fill).Fill(-1);
            Rows++; Tokens += fill; PadTokens += SeqLen - fill;
            yield return new PackedRow(tokens, docIds, fill);
        }
    }
}
