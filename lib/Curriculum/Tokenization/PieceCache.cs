using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>
/// The word cache of a tokenizer: the ids of pieces already merged, keyed by the piece's UTF-8 bytes
/// (repeated words are merged once). One per thread, so lookups take no lock; emptied when full.
/// </summary>
sealed class PieceCache
{
    const int Limit = 100_000;
    ByteSequenceMap _index = new(4096);
    readonly List<int[]> _ids = [];

    /// <summary>This thread's memo of pair lookups in the tokenizer's rank table.</summary>
    public ShortKeyMemo PairRanks { get; } = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[]? Get(ReadOnlySpan<byte> piece)
    {
        int k = _index.Get(piece);
        return k < 0 ? null : _ids[k];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> piece, int[] ids)
    {
        if (_ids.Count >= Limit) { _index = new ByteSequenceMap(4096); _ids.Clear(); }
        _index.Set(piece, _ids.Count);
        _ids.Add(ids);
    }
}
