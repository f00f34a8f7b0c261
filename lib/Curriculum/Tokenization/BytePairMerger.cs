using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>
/// Byte-pair merging of one piece: start from one symbol per byte and repeatedly merge the adjacent
/// pair of lowest rank (the leftmost on ties) until no pair merges. "aaab" with ranks aa=0, ab=1:
/// [a,a,a,b] -> [aa,a,b] -> [aa,ab].
/// Short pieces use tiktoken's array scan, O(n^2); long ones a heap over a linked list, O(n log n),
/// so one megabyte without a space is not quadratic. Both give the same merges.
/// </summary>
public static class BytePairMerger
{
    /// <summary>Pieces up to this many bytes use the array scan.</summary>
    public const int ScanLimit = 96;

    /// <summary>Appends the ids of <paramref name="piece"/> to <paramref name="output"/>;
    /// <paramref name="byteIds"/>[b] is the id of the single byte b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Merge<TRule>(ReadOnlySpan<byte> piece, ReadOnlySpan<int> byteIds, TRule rule, List<int> output)
        where TRule : struct, IMergeRule
    {
        if (piece.Length <= ScanLimit) MergeByScan(piece, byteIds, rule, output);
        else MergeByHeap(piece, byteIds, rule, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MergeByScan<TRule>(ReadOnlySpan<byte> piece, ReadOnlySpan<int> byteIds, TRule rule, List<int> output)
        where TRule : struct, IMergeRule
    {
        int n = piece.Length;
        if (n == 0) return;
        // symbol k covers piece[start[k]..start[k+1]); rank[k]/merged[k] describe the pair (k, k+1)
        Span<int> start = n <= 256 ? stackalloc int[n + 1] : new int[n + 1];
        Span<int> id = n <= 256 ? stackalloc int[n] : new int[n];
        Span<int> rank = n <= 256 ? stackalloc int[n] : new int[n];
        Span<int> merged = n <= 256 ? stackalloc int[n] : new int[n];
        for (int k = 0; k < n; k++) { start[k] = k; id[k] = byteIds[piece[k]]; }
        start[n] = n;
        int count = n;
        for (int k = 0; k + 1 < count; k++) rank[k] = PairRank(piece, start, id, k, rule, out merged[k]);
        while (count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int k = 0; k + 1 < count; k++)
                if (rank[k] < bestRank) { bestRank = rank[k]; best = k; }
            if (best < 0) break;
            id[best] = merged[best];
            // remove symbol best+1
            for (int k = best + 1; k + 1 < count; k++)
            {
                start[k] = start[k + 1];
                id[k] = id[k + 1];
                rank[k] = rank[k + 1];
                merged[k] = merged[k + 1];
            }
            start[count - 1] = start[count];
            count--;
            if (best + 1 < count) rank[best] = PairRank(piece, start, id, best, rule, out merged[best]);
            if (best > 0) rank[best - 1] = PairRank(piece, start, id, best - 1, rule, out merged[best - 1]);
        }
        for (int k = 0; k < count; k++) output.Add(id[k]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static int PairRank<TRule>(ReadOnlySpan<byte> piece, Span<int> start, Span<int> id, int k, TRule rule, out int merged)
        where TRule : struct, IMergeRule
        => rule.TryMerge(piece, start[k], start[k + 2], id[k], id[k + 1], out int r, out merged) ? r : int.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MergeByHeap<TRule>(ReadOnlySpan<byte> piece, ReadOnlySpan<int> byteIds, TRule rule, List<int> output)
        where TRule : struct, IMergeRule
    {
        int n = piece.Length;
        if (n == 0) return;
        // symbols are named by their first byte; end[s] == 0 marks a symbol merged into its left neighbour
        var end = new int[n];
        var prev = new int[n];
        var id = new int[n];
        for (int k = 0; k < n; k++) { end[k] = k + 1; prev[k] = k - 1; id[k] = byteIds[piece[k]]; }
        // candidate merges ordered by (rank, left start): lowest rank, then leftmost, as the scan picks
        var heap = new PriorityQueue<(int Left, int RightEnd, int Merged), long>();
        for (int k = 0; k + 1 < n; k++) Push(heap, piece, rule, k, end[k + 1], id[k], id[k + 1]);
        while (heap.TryDequeue(out var m, out _))
        {
            int left = m.Left, mid = end[left];
            // stale if the left symbol is gone or either side has changed since the pair was queued
            if (mid == 0 || mid >= n || end[mid] != m.RightEnd) continue;
            end[left] = m.RightEnd;
            end[mid] = 0;
            id[left] = m.Merged;
            if (m.RightEnd < n) prev[m.RightEnd] = left;
            if (left > 0) { int p = prev[left]; Push(heap, piece, rule, p, m.RightEnd, id[p], id[left]); }
            if (m.RightEnd < n) Push(heap, piece, rule, left, end[m.RightEnd], id[left], id[m.RightEnd]);
        }
        for (int k = 0; k < n; k = end[k]) output.Add(id[k]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Push<TRule>(PriorityQueue<(int, int, int), long> heap, ReadOnlySpan<byte> piece, TRule rule,
        int left, int rightEnd, int leftId, int rightId) where TRule : struct, IMergeRule
    {
        if (rule.TryMerge(piece, left, rightEnd, leftId, rightId, out int rank, out int merged))
            heap.Enqueue((left, rightEnd, merged), ((long)rank << 32) | (uint)left);
    }
}
