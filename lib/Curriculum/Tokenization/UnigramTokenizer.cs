using System.Text;

namespace Curriculum.Tokenization;

/// <summary>
/// A Unigram language-model tokenizer as SentencePiece writes it (Kudo 2018, arXiv:1804.10959; Kudo &amp;
/// Richardson 2018): each piece has a log-probability, and a text is cut into the pieces whose log-probabilities
/// sum highest (the Viterbi path of <see cref="UnigramLattice"/>). Spaces are part of the text: every space
/// becomes "▁" (U+2581) and one "▁" is put in front, so "Hello world" is read as "▁Hello▁world" and decodes
/// back exactly. A character no piece covers becomes its UTF-8 bytes as &lt;0xNN&gt; pieces (byte fallback,
/// as Llama's tokenizer) or, without them, &lt;unk&gt; (runs of unknown characters fused into one, as Hugging
/// Face's Unigram does). Special tokens typed in the text are read as text (SentencePiece's rule).
/// Hugging Face: <c>models.Unigram</c> with a Prepend("▁") + Replace(" ", "▁") normalizer.
/// </summary>
public sealed class UnigramTokenizer : Tokenizer
{
    public const char WordBoundary = '\u2581';
    public const string Unknown = "<unk>", Begin = "<s>", End = "</s>";

    readonly UnigramPiece[] _pieces;
    readonly Dictionary<string, int> _ids;
    readonly UnigramLattice _lattice;
    readonly int[] _latticeToId;       // lattice index -> vocabulary id (normal pieces only)
    readonly int[] _byteIds = new int[256];

    /// <param name="pieces">The vocabulary in id order.</param>
    /// <param name="byteFallback">Write uncovered characters as byte pieces (all 256 must be present) instead of &lt;unk&gt;.</param>
    public UnigramTokenizer(IReadOnlyList<UnigramPiece> pieces, bool byteFallback = true)
    {
        _pieces = [.. pieces];
        _ids = new Dictionary<string, int>(pieces.Count);
        var normal = new List<string>();
        var scores = new List<double>();
        var latticeToId = new List<int>();
        UnknownId = -1;
        for (int id = 0; id < _pieces.Length; id++)
        {
            var p = _pieces[id];
            if (!_ids.TryAdd(p.Piece, id)) throw new ArgumentException($"piece '{p.Piece}' appears twice (ids {_ids[p.Piece]} and {id})");
            if (!double.IsFinite(p.Score)) throw new ArgumentException($"piece '{p.Piece}' (id {id}) has score {p.Score}; expected a finite log-probability");
            switch (p.Kind)
            {
                case UnigramPieceKind.Normal: normal.Add(p.Piece); scores.Add(p.Score); latticeToId.Add(id); break;
                case UnigramPieceKind.Byte:
                    if (p.Piece.Length != 6 || !p.Piece.StartsWith("<0x", StringComparison.Ordinal) || p.Piece[5] != '>'
                        || !byte.TryParse(p.Piece.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out byte b) || p.Piece != BytePiece(b))
                        throw new ArgumentException($"byte piece '{p.Piece}' (id {id}) is not written <0xNN> with upper-case hex digits");
                    break;
                case UnigramPieceKind.Unknown:
                    if (UnknownId >= 0) throw new ArgumentException($"two unknown pieces: ids {UnknownId} and {id}");
                    UnknownId = id;
                    break;
            }
        }
        if (UnknownId < 0) throw new ArgumentException("the vocabulary has no unknown piece (<unk>)");
        _lattice = new UnigramLattice(normal, scores);
        _latticeToId = [.. latticeToId];
        ByteFallback = byteFallback;
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = _ids.TryGetValue(BytePiece((byte)b), out int id) && _pieces[id].Kind == UnigramPieceKind.Byte ? id : -1;
            if (byteFallback && _byteIds[b] < 0) throw new ArgumentException($"byte fallback needs the byte piece {BytePiece((byte)b)}");
        }
    }

    /// <summary>The text of a byte piece: &lt;0x0A&gt;.</summary>
    public static string BytePiece(byte b) => $"<0x{b:X2}>";

    public IReadOnlyList<UnigramPiece> Pieces => _pieces;
    public int UnknownId { get; }
    public bool ByteFallback { get; }
    public override int VocabularySize => _pieces.Length;
    public override int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;
    public override string? IdToToken(int id) => id >= 0 && id < _pieces.Length ? _pieces[id].Piece : null;

    /// <summary>The text the lattice reads: "▁" in front and for every space ("a b" -> "▁a▁b"); empty stays empty.</summary>
    public static string Normalize(string text) => text.Length == 0 ? "" : WordBoundary + text.Replace(' ', WordBoundary);

    /// <summary>The log-probability of the best segmentation of <paramref name="text"/> (the sum of its pieces' scores;
    /// an uncovered character scores the lowest piece score - 10, as in SentencePiece's lattice).</summary>
    public double LogProbability(string text) => _lattice.Viterbi(Normalize(text), []);

    public override IReadOnlyList<int> EncodeToIds(string text)
    {
        var tokens = EncodeToTokens(text);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = tokens[i].Id;
        return ids;
    }

    /// <summary>The pieces of <paramref name="text"/>; a piece's offset is the characters of the input it covers
    /// (the "▁" put in front covers nothing of the input).</summary>
    public override IReadOnlyList<EncodedToken> EncodeToTokens(string text)
    {
        string normalized = Normalize(text);
        var path = new List<LatticeEdge>();
        _lattice.Viterbi(normalized, path);
        var tokens = new List<EncodedToken>(path.Count);
        Span<byte> bytes = stackalloc byte[4];
        // normalized character k > 0 is input character k - 1
        Range Offset(int start, int end) => new(Math.Max(0, start - 1), Math.Max(0, end - 1));
        for (int i = 0; i < path.Count; i++)
        {
            var e = path[i];
            if (e.Piece >= 0)
            {
                int id = _latticeToId[e.Piece];
                tokens.Add(new EncodedToken(id, _pieces[id].Piece, Offset(e.Start, e.End)));
            }
            else if (ByteFallback)
            {
                int n = Encoding.UTF8.GetBytes(normalized.AsSpan(e.Start, e.End - e.Start), bytes);
                for (int k = 0; k < n; k++) tokens.Add(new EncodedToken(_byteIds[bytes[k]], BytePiece(bytes[k]), Offset(e.Start, e.End)));
            }
            else
            {
                int end = e.End;
                while (i + 1 < path.Count && path[i + 1].Piece < 0) end = path[++i].End;
                tokens.Add(new EncodedToken(UnknownId, Unknown, Offset(e.Start, end)));
            }
        }
        return tokens;
    }

    /// <summary>The text of <paramref name="ids"/>: pieces joined, byte pieces decoded as UTF-8 (an invalid
    /// sequence as U+FFFD), "▁" back to spaces, the one in front dropped; &lt;unk&gt; and control pieces skipped.</summary>
    public override string Decode(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        var bytes = new List<byte>();
        void FlushBytes()
        {
            if (bytes.Count == 0) return;
            sb.Append(Encoding.UTF8.GetString([.. bytes]));
            bytes.Clear();
        }
        foreach (int id in ids)
        {
            if (id < 0 || id >= _pieces.Length) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is not in the vocabulary (size {VocabularySize})");
            var p = _pieces[id];
            switch (p.Kind)
            {
                case UnigramPieceKind.Byte: bytes.Add(Convert.ToByte(p.Piece[3..5], 16)); break;
                case UnigramPieceKind.Normal: FlushBytes(); sb.Append(p.Piece); break;
            }
        }
        FlushBytes();
        sb.Replace(WordBoundary, ' ');
        if (sb.Length > 0 && sb[0] == ' ') sb.Remove(0, 1);
        return sb.ToString();
    }
}
