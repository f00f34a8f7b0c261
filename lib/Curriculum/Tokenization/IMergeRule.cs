namespace Curriculum.Tokenization;

/// <summary>
/// Which adjacent pair of symbols may merge, how early (lower rank first) and into which id.
/// tiktoken looks the concatenated bytes up in its rank table; Hugging Face looks the pair of ids
/// up in its merges list.
/// </summary>
public interface IMergeRule
{
    /// <summary>The left symbol is piece[leftStart..mid) with id <paramref name="leftId"/>, the right
    /// one piece[mid..rightEnd) with id <paramref name="rightId"/>.</summary>
    bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int rank, out int mergedId);
}

/// <summary>tiktoken's rule: a pair merges if its bytes are a token, at that token's rank.
/// <paramref name="twoByteRanks"/>[b0 * 256 + b1] (or null) answers two-byte pairs, the first round of every
/// merge, from a 256 KiB table that stays in the CPU's cache; <paramref name="memo"/> (or null) remembers
/// the answers for longer pairs of up to 8 bytes.</summary>
public readonly struct RankByBytesRule(ByteSequenceMap ranks, int[]? twoByteRanks = null, ShortKeyMemo? memo = null) : IMergeRule
{
    /// <summary>The rank of every two-byte token, -1 where none: the table for the constructor.</summary>
    public static int[] TwoByteRanks(ByteSequenceMap ranks)
    {
        var table = new int[65536];
        for (int i = 0; i < table.Length; i++) table[i] = ranks.GetDirect([(byte)(i >> 8), (byte)i]);
        return table;
    }

    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int rank, out int mergedId)
    {
        rank = mergedId = twoByteRanks != null && rightEnd - leftStart == 2
            ? twoByteRanks[(piece[leftStart] << 8) | piece[leftStart + 1]]
            : memo != null ? ranks.GetDirect(piece[leftStart..rightEnd], memo) : ranks.GetDirect(piece[leftStart..rightEnd]);
        return rank >= 0;
    }
}

/// <summary>Hugging Face's rule: (left id, right id) -> (position in the merges list, merged id).</summary>
public readonly struct MergeListRule(Dictionary<long, (int Rank, int Id)> merges) : IMergeRule
{
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int rank, out int mergedId)
    {
        if (merges.TryGetValue(Key(leftId, rightId), out var m)) { rank = m.Rank; mergedId = m.Id; return true; }
        rank = mergedId = -1;
        return false;
    }
}
