using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Curriculum.Tokenization;

/// <summary>
/// Byte-level BPE (GPT-2 and after; Microsoft.ML.Tokenizers' TiktokenTokenizer / BpeTokenizer):
/// special tokens are cut out first, the rest is split by the pre-tokenizer's pattern, each piece
/// is turned into its UTF-8 bytes and the bytes are merged pair by pair (<see cref="BytePairMerger"/>).
/// Every byte is a token, so no text is out of vocabulary.
/// Two merge rules: tiktoken's (a piece that is a token is that token; otherwise pairs merge by the
/// rank of their bytes) and Hugging Face's (pairs merge by their place in the merges list).
/// </summary>
public sealed class BpeTokenizer : Tokenizer
{
    readonly PreTokenizer _preTokenizer;
    readonly byte[]?[] _idToBytes;
    readonly ByteSequenceMap _bytesToId;
    readonly int[]? _twoByteRanks; // tiktoken's rule: ranks of two-byte tokens, for the first merges
    readonly int[] _byteIds = new int[256];
    readonly Dictionary<long, (int Rank, int Id)>? _mergeMap; // null: tiktoken's rank-by-bytes rule
    readonly List<(int Left, int Right)>? _merges;
    readonly bool _wholePieceFirst; // a piece that is a token is that token (tiktoken; HF's ignore_merges)
    readonly Dictionary<string, int> _specialTokens;
    readonly Dictionary<int, string> _specialById = [];
    readonly string[] _allSpecials;
    readonly ThreadLocal<PieceCache> _cache = new(() => new PieceCache());
    const int CachedPieceMaxBytes = 128;

    BpeTokenizer(PreTokenizer preTokenizer, byte[]?[] idToBytes, ByteSequenceMap bytesToId,
        List<(int, int)>? merges, IReadOnlyDictionary<string, int> specialTokens, bool ignoreMerges = false)
    {
        _wholePieceFirst = merges == null || ignoreMerges;
        _preTokenizer = preTokenizer;
        _idToBytes = idToBytes;
        _bytesToId = bytesToId;
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = bytesToId.Get([(byte)b]);
            if (_byteIds[b] < 0) throw new ArgumentException($"byte 0x{b:X2} is not in the vocabulary");
        }
        if (merges != null)
        {
            _merges = merges;
            _mergeMap = new Dictionary<long, (int, int)>(merges.Count);
            for (int r = 0; r < merges.Count; r++)
            {
                var (a, b) = merges[r];
                var merged = Concat(idToBytes[a]!, idToBytes[b]!);
                int id = bytesToId.Get(merged);
                if (id < 0) throw new ArgumentException($"merge {r} ({a}, {b}) makes a token that is not in the vocabulary");
                _mergeMap.TryAdd(MergeListRule.Key(a, b), (r, id));
            }
        }
        if (merges == null) _twoByteRanks = RankByBytesRule.TwoByteRanks(bytesToId);
        _specialTokens = new Dictionary<string, int>(specialTokens);
        foreach (var (t, id) in _specialTokens) _specialById[id] = t;
        _allSpecials = [.. _specialTokens.Keys];
        int max = idToBytes.Length - 1;
        foreach (var id in _specialTokens.Values) max = Math.Max(max, id);
        VocabularySize = max + 1;
    }

    /// <summary>A tokenizer from a <c>.tiktoken</c> rank file and its encoding's pattern and special tokens;
    /// ids identical to tiktoken's.</summary>
    public static BpeTokenizer LoadTiktoken(string rankFile, TiktokenEncoding encoding)
    {
        var map = TiktokenRankFile.Read(rankFile, out var tokens);
        return new BpeTokenizer(PreTokenizer.For(encoding.Pattern), [.. tokens], map, null, encoding.SpecialTokens);
    }

    /// <summary>A tokenizer with tiktoken's rule from token bytes by id (the id is the rank; null for unused ids).</summary>
    public static BpeTokenizer FromRanks(PreTokenizer preTokenizer, IReadOnlyList<byte[]?> vocabulary, IReadOnlyDictionary<string, int> specialTokens)
        => new(preTokenizer, [.. vocabulary], Index(vocabulary), null, specialTokens);

    static ByteSequenceMap Index(IReadOnlyList<byte[]?> vocabulary)
    {
        var map = new ByteSequenceMap(vocabulary.Count);
        for (int id = 0; id < vocabulary.Count; id++)
            if (vocabulary[id] is { } t)
            {
                if (map.Get(t) >= 0) throw new ArgumentException($"token id {id} repeats id {map.Get(t)}");
                map.Set(t, id);
            }
        return map;
    }

    /// <summary>A tokenizer from a vocabulary (token bytes by id; null for ids held by special tokens)
    /// and a merges list in priority order, as Hugging Face's BPE model. With <paramref name="ignoreMerges"/>
    /// a piece that is a token is taken whole before any merging (HF's <c>ignore_merges</c>, as tiktoken does).</summary>
    public static BpeTokenizer FromMerges(PreTokenizer preTokenizer, IReadOnlyList<byte[]?> vocabulary,
        IReadOnlyList<(int Left, int Right)> merges, IReadOnlyDictionary<string, int> specialTokens, bool ignoreMerges = false)
        => new(preTokenizer, [.. vocabulary], Index(vocabulary), [.. merges], specialTokens, ignoreMerges);

    /// <summary>Whether a piece that is a token is taken whole before merging.</summary>
    public bool IgnoresMerges => _wholePieceFirst;

    /// <summary>
    /// The merges list equivalent to tiktoken's rule: each token of rank r, merged using only tokens of
    /// lower rank, falls into exactly two pieces, and that pair is merge number r (how Hugging Face
    /// converts tiktoken vocabularies). Throws if some token is not reachable by merging.
    /// </summary>
    public List<(int Left, int Right)> DeriveMerges()
    {
        if (_merges != null) return [.. _merges];
        var merges = new List<(int, int)>();
        var parts = new List<int>();
        for (int id = 0; id < _idToBytes.Length; id++)
        {
            if (_idToBytes[id] is not { Length: > 1 } token) continue;
            parts.Clear();
            BytePairMerger.Merge(token, _byteIds, new RankBelowRule(_bytesToId, id), parts);
            if (parts.Count != 2) throw new InvalidOperationException($"token {id} ({Convert.ToHexString(token)}) is not one merge of two lower-ranked tokens");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    readonly struct RankBelowRule(ByteSequenceMap ranks, int limit) : IMergeRule
    {
        public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int rightEnd, int leftId, int rightId, out int rank, out int mergedId)
        {
            rank = mergedId = ranks.GetDirect(piece[leftStart..rightEnd]);
            return rank >= 0 && rank < limit;
        }
    }

    public PreTokenizer PreTokenizer => _preTokenizer;
    public override int VocabularySize { get; }
    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens;

    /// <summary>The merges in priority order (Hugging Face rule), or null for a tiktoken-rule tokenizer.</summary>
    public IReadOnlyList<(int Left, int Right)>? Merges => _merges;

    /// <summary>The bytes of a token (UTF-8 of a special token), or null if the id is unused.</summary>
    public byte[]? TokenBytes(int id)
    {
        if (id >= 0 && id < _idToBytes.Length && _idToBytes[id] is { } b) return b;
        return _specialById.TryGetValue(id, out var s) ? Encoding.UTF8.GetBytes(s) : null;
    }

    /// <summary>The id of the ordinary token with these bytes, or -1.</summary>
    public int BytesToId(ReadOnlySpan<byte> bytes) => _bytesToId.Get(bytes);

    /// <summary>Token bytes by id (null for special-token and unused ids).</summary>
    public IReadOnlyList<byte[]?> Vocabulary => _idToBytes;

    public override int? TokenToId(string token)
    {
        if (_specialTokens.TryGetValue(token, out int s)) return s;
        var bytes = ByteLevelAlphabet.Decode(token);
        if (bytes == null) return null;
        int id = _bytesToId.Get(bytes);
        return id < 0 ? null : id;
    }

    public override string? IdToToken(int id)
    {
        if (_specialById.TryGetValue(id, out var s)) return s;
        return id >= 0 && id < _idToBytes.Length && _idToBytes[id] is { } b ? ByteLevelAlphabet.Encode(b) : null;
    }

    /// <summary>The ids of <paramref name="text"/>, every special token recognised.</summary>
    public override IReadOnlyList<int> EncodeToIds(string text) => EncodeToIds(text, null);

    /// <summary>The ids of <paramref name="text"/>; only the special tokens in <paramref name="allowedSpecialTokens"/>
    /// are recognised (null: all; empty: none, so "&lt;|endoftext|&gt;" is encoded as ordinary text).</summary>
    public List<int> EncodeToIds(ReadOnlySpan<char> text, IReadOnlyCollection<string>? allowedSpecialTokens)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        var specials = Allowed(allowedSpecialTokens);
        int pos = 0;
        while (pos < text.Length)
        {
            int next = FindSpecial(text, pos, specials, out string? special);
            EncodeOrdinary(text[pos..next], ids);
            if (special == null) break;
            ids.Add(_specialTokens[special]);
            pos = next + special.Length;
        }
        return ids;
    }

    public override int CountTokens(string text) => EncodeToIds(text, null).Count;

    /// <summary>Ids of text that holds no special tokens (they would be encoded as ordinary text).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EncodeOrdinary(ReadOnlySpan<char> text, List<int> ids)
    {
        Span<byte> buffer = stackalloc byte[768];
        var cache = _cache.Value!;
        for (int i = 0; i < text.Length;)
        {
            int e = _preTokenizer.PieceEnd(text, i);
            EncodePiece(text[i..e], ids, buffer, cache);
            i = e;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void EncodePiece(ReadOnlySpan<char> piece, List<int> ids, Span<byte> buffer, PieceCache cache)
    {
        // fast path: a short ASCII piece is its own bytes; with tiktoken's rule, look it up whole
        if (piece.Length <= 8)
        {
            ulong packed = 0;
            int k = piece.Length - 1;
            for (; k >= 0 && piece[k] < 0x80; k--) packed = (packed << 8) | piece[k];
            if (k < 0)
            {
                if (piece.Length == 1) { ids.Add(_byteIds[(int)packed]); return; }
                if (_wholePieceFirst)
                {
                    int whole = _bytesToId.GetShort(packed, piece.Length);
                    if (whole >= 0) { ids.Add(whole); return; }
                }
            }
        }
        byte[]? rented = null;
        Span<byte> bytes = piece.Length * 3 <= buffer.Length ? buffer : (rented = ArrayPool<byte>.Shared.Rent(piece.Length * 3));
        Utf8.FromUtf16(piece, bytes, out _, out int n, replaceInvalidSequences: true);
        var b = bytes[..n];
        int id;
        if (n == 1) ids.Add(_byteIds[b[0]]);
        else if (_wholePieceFirst && (id = _bytesToId.Get(b)) >= 0) ids.Add(id); // a whole piece that is a token
        else if (n <= CachedPieceMaxBytes && cache.Get(b) is { } cached) ids.AddRange(cached);
        else
        {
            int before = ids.Count;
            if (_mergeMap == null) BytePairMerger.Merge(b, _byteIds, new RankByBytesRule(_bytesToId, _twoByteRanks, cache.PairRanks), ids);
            else BytePairMerger.Merge(b, _byteIds, new MergeListRule(_mergeMap), ids);
            if (n <= CachedPieceMaxBytes) cache.Add(b, ids.GetRange(before, ids.Count - before).ToArray());
        }
        if (rented != null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>The ids of raw bytes merged as one piece, without pre-tokenization (bytes need not be valid UTF-8).</summary>
    public List<int> EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        var ids = new List<int>();
        int id;
        if (bytes.Length == 1) ids.Add(_byteIds[bytes[0]]);
        else if (_wholePieceFirst && (id = _bytesToId.Get(bytes)) >= 0) ids.Add(id);
        else if (_mergeMap == null) BytePairMerger.Merge(bytes, _byteIds, new RankByBytesRule(_bytesToId, _twoByteRanks), ids);
        else BytePairMerger.Merge(bytes, _byteIds, new MergeListRule(_mergeMap), ids);
        return ids;
    }

    string[] Allowed(IReadOnlyCollection<string>? allowed)
    {
        if (allowed == null) return _allSpecials;
        var list = new List<string>();
        foreach (var s in allowed)
        {
            if (!_specialTokens.ContainsKey(s)) throw new ArgumentException($"'{s}' is not a special token of this tokenizer", nameof(allowed));
            list.Add(s);
        }
        return [.. list];
    }

    /// <summary>Leftmost occurrence of an allowed special token at or after <paramref name="from"/>
    /// (the longest one if several start there), or text.Length.</summary>
    static int FindSpecial(ReadOnlySpan<char> text, int from, string[] specials, out string? found)
    {
        found = null;
        int best = text.Length;
        foreach (var s in specials)
        {
            int at = text[from..].IndexOf(s, StringComparison.Ordinal);
            if (at < 0) continue;
            at += from;
            if (at < best || (at == best && s.Length > found!.Length)) { best = at; found = s; }
        }
        return best;
    }

    public override IReadOnlyList<EncodedToken> EncodeToTokens(string text) => EncodeToTokens(text, null);

    /// <summary>Tokens with the characters of <paramref name="text"/> each covers.</summary>
    public List<EncodedToken> EncodeToTokens(string text, IReadOnlyCollection<string>? allowedSpecialTokens)
    {
        var tokens = new List<EncodedToken>();
        var specials = Allowed(allowedSpecialTokens);
        var ids = new List<int>();
        Span<byte> buffer = stackalloc byte[768];
        var cache = _cache.Value!;
        int pos = 0;
        while (pos < text.Length)
        {
            int next = FindSpecial(text, pos, specials, out string? special);
            for (int i = pos; i < next;)
            {
                int e = _preTokenizer.PieceEnd(text.AsSpan(0, next), i);
                ids.Clear();
                EncodePiece(text.AsSpan(i, e - i), ids, buffer, cache);
                AddPieceTokens(text, i, e, ids, tokens);
                i = e;
            }
            if (special == null) break;
            tokens.Add(new EncodedToken(_specialTokens[special], special, new Range(next, next + special.Length)));
            pos = next + special.Length;
        }
        return tokens;
    }

    // Map each token's bytes back to the characters they came from.
    void AddPieceTokens(string text, int start, int end, List<int> ids, List<EncodedToken> tokens)
    {
        int ch = start, byteInChar = 0;
        foreach (int id in ids)
        {
            var bytes = _idToBytes[id]!;
            int first = ch, remaining = bytes.Length;
            while (remaining > 0)
            {
                System.Text.Rune.DecodeFromUtf16(text.AsSpan(ch, end - ch), out var rune, out int width);
                int need = rune.Utf8SequenceLength - byteInChar;
                if (remaining >= need) { remaining -= need; ch += width; byteInChar = 0; }
                else { byteInChar += remaining; remaining = 0; }
            }
            int last = byteInChar > 0 ? ch + (char.IsHighSurrogate(text[ch]) ? 2 : 1) : ch;
            tokens.Add(new EncodedToken(id, Encoding.UTF8.GetString(bytes), new Range(first, Math.Max(last, first + 1))));
        }
    }

    public override string Decode(IEnumerable<int> ids) => Encoding.UTF8.GetString(DecodeToBytes(ids));

    /// <summary>The bytes of <paramref name="ids"/>; UTF-8 decoding them may meet broken sequences (shown as U+FFFD).</summary>
    public byte[] DecodeToBytes(IEnumerable<int> ids)
    {
        var output = new List<byte>();
        foreach (int id in ids)
            output.AddRange(TokenBytes(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is not in the vocabulary (size {VocabularySize})"));
        return [.. output];
    }

    static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }
}
