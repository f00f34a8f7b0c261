namespace Curriculum.Data;

/// <summary>One training row of <c>seq_len</c> token ids. <see cref="DocumentIds"/>[t] is the index
/// (in input order) of the document that token t belongs to, -1 for padding; attention masks that
/// stop a token seeing the previous document, and position ids that restart per document, are built
/// from it. <see cref="Length"/> tokens are real; the rest (only in the last row) is padding.</summary>
public sealed record PackedRow(int[] Tokens, int[] DocumentIds, int Length)
{
    /// <summary>Positions where a document starts or continues from the previous row (position 0).</summary>
    public int[] SegmentStarts()
    {
        var starts = new List<int>();
        for (int t = 0; t < Length; t++)
            if (t == 0 || DocumentIds[t] != DocumentIds[t - 1]) starts.Add(t);
        return [.. starts];
    }
}
