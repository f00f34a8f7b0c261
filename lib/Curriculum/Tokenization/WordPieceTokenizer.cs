using System.Text;

namespace Curriculum.Tokenization;

/// <summary>
/// BERT's WordPiece (Microsoft.ML.Tokenizers' WordPieceTokenizer + BertTokenizer; Hugging Face's
/// WordPiece model with BertNormalizer and BertPreTokenizer): normalize, split into words, then cut
/// each word greedily into the longest vocabulary entries from the left, pieces after the first
/// written with "##": "unaffable" -> ["un", "##aff", "##able"]. A word that cannot be covered, or is
/// longer than <see cref="MaxInputCharsPerWord"/> characters, becomes [UNK] whole.
/// </summary>
public sealed class WordPieceTokenizer : Tokenizer
{
    public const string Pad = "[PAD]", Unknown = "[UNK]", Cls = "[CLS]", Sep = "[SEP]", Mask = "[MASK]";
    public static IReadOnlyList<string> DefaultSpecialTokens { get; } = [Pad, Unknown, Cls, Sep, Mask];

    readonly string[] _idToToken;
    readonly Dictionary<string, int> _vocab;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    readonly string[] _specials;

    public WordPieceTokenizer(IReadOnlyList<string> vocabulary, BertNormalizer? normalizer = null, string unknownToken = Unknown,
        string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100, IReadOnlyList<string>? specialTokens = null)
    {
        _idToToken = [.. vocabulary];
        _vocab = new Dictionary<string, int>(vocabulary.Count);
        for (int i = 0; i < vocabulary.Count; i++)
            if (!_vocab.TryAdd(vocabulary[i], i)) throw new ArgumentException($"token '{vocabulary[i]}' appears twice (ids {_vocab[vocabulary[i]]} and {i})");
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        Normalizer = normalizer ?? new BertNormalizer();
        if (!_vocab.ContainsKey(unknownToken)) throw new ArgumentException($"the unknown token '{unknownToken}' is not in the vocabulary");
        UnknownToken = unknownToken;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
        var specials = new List<string>();
        foreach (var s in specialTokens ?? DefaultSpecialTokens)
            if (_vocab.ContainsKey(s)) specials.Add(s);
        _specials = [.. specials];
    }

    public BertNormalizer Normalizer { get; }
    public string UnknownToken { get; }
    public int UnknownId => _vocab[UnknownToken];
    public string ContinuingSubwordPrefix { get; }
    public int MaxInputCharsPerWord { get; }
    /// <summary>Tokens recognised whole in the input and skipped by <see cref="Decode(IEnumerable{int}, bool)"/>.</summary>
    public IReadOnlyList<string> SpecialTokens => _specials;
    public IReadOnlyList<string> Vocabulary => _idToToken;
    public override int VocabularySize => _idToToken.Length;

    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;
    public override string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Reads a BERT vocab.txt: one token per line, the id is the line number from 0.</summary>
    public static WordPieceTokenizer LoadVocabTxt(string path, BertNormalizer? normalizer = null)
    {
        var lines = File.ReadAllLines(path, new UTF8Encoding(false, true));
        int n = lines.Length;
        while (n > 0 && lines[n - 1].Length == 0) n--;
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < n; i++)
        {
            if (lines[i].Length == 0) throw new FormatException($"{path}:{i + 1}: empty token");
            if (!seen.TryAdd(lines[i], i)) throw new FormatException($"{path}:{i + 1}: token '{lines[i]}' already on line {seen[lines[i]] + 1}");
        }
        if (!seen.ContainsKey(Unknown)) throw new FormatException($"{path}: no {Unknown} line");
        return new WordPieceTokenizer(lines[..n], normalizer);
    }

    /// <summary>Writes vocab.txt (atomically).</summary>
    public void SaveVocabTxt(string path) => AtomicFile.WriteAllText(path, string.Join('\n', _idToToken) + "\n");

    public override IReadOnlyList<int> EncodeToIds(string text)
    {
        var ids = new List<int>();
        foreach (var t in EncodeToTokens(text)) ids.Add(t.Id);
        return ids;
    }

    /// <summary>Tokens of <paramref name="text"/> with offsets into it; special tokens typed in the text are recognised whole.</summary>
    public override IReadOnlyList<EncodedToken> EncodeToTokens(string text)
    {
        var tokens = new List<EncodedToken>();
        int pos = 0;
        while (pos < text.Length)
        {
            int next = text.Length;
            string? special = null;
            foreach (var s in _specials)
            {
                int at = text.IndexOf(s, pos, StringComparison.Ordinal);
                if (at >= 0 && (at < next || (at == next && s.Length > special!.Length))) { next = at; special = s; }
            }
            EncodeSegment(text, pos, next, tokens);
            if (special == null) break;
            tokens.Add(new EncodedToken(_vocab[special], special, new Range(next, next + special.Length)));
            pos = next + special.Length;
        }
        return tokens;
    }

    void EncodeSegment(string text, int start, int end, List<EncodedToken> tokens)
    {
        string normalized = Normalizer.Normalize(text[start..end], out var origins);
        // normalized characters [a, b) came from text[Origin(a) .. OriginEnd(b))
        int Origin(int k) => start + origins[k];
        int OriginEnd(int k) { int o = Origin(k - 1); return o + (char.IsSurrogatePair(text, o) ? 2 : 1); }
        foreach (var word in BertPreTokenizer.Split(normalized))
        {
            var (ws, we) = (word.Start.Value, word.End.Value);
            int before = tokens.Count;
            if (!SplitWord(normalized.AsSpan(ws, we - ws), tokens, ws, Origin, OriginEnd))
            {
                tokens.RemoveRange(before, tokens.Count - before);
                tokens.Add(new EncodedToken(UnknownId, UnknownToken, new Range(Origin(ws), OriginEnd(we))));
            }
        }
    }

    // Greedy longest-match-first; false if some part of the word matches nothing.
    bool SplitWord(ReadOnlySpan<char> word, List<EncodedToken> tokens, int wordOffset, Func<int, int> origin, Func<int, int> originEnd)
    {
        int chars = 0;
        foreach (var _ in word.EnumerateRunes()) chars++;
        if (chars > MaxInputCharsPerWord) return false;
        int prefix = ContinuingSubwordPrefix.Length;
        Span<char> buffer = word.Length + prefix <= 256 ? stackalloc char[word.Length + prefix] : new char[word.Length + prefix];
        ContinuingSubwordPrefix.AsSpan().CopyTo(buffer);
        for (int start = 0; start < word.Length;)
        {
            int end = word.Length, id = -1;
            while (end > start)
            {
                scoped ReadOnlySpan<char> candidate;
                if (start == 0) candidate = word[..end];
                else
                {
                    word[start..end].CopyTo(buffer[prefix..]);
                    candidate = buffer[..(prefix + end - start)];
                }
                if (_lookup.TryGetValue(candidate, out id)) break;
                id = -1;
                end -= end >= 2 && char.IsLowSurrogate(word[end - 1]) && char.IsHighSurrogate(word[end - 2]) ? 2 : 1;
            }
            if (id < 0) return false;
            int os = origin(wordOffset + start), oe = originEnd(wordOffset + end);
            tokens.Add(new EncodedToken(id, _idToToken[id], new Range(os, Math.Max(oe, os))));
            start = end;
        }
        return true;
    }

    /// <summary>BERT's input for one text or a pair: [CLS] A [SEP] (B [SEP]) with token type ids.</summary>
    public BertEncoding EncodeForModel(string text, string? pair = null)
    {
        var ids = new List<int>();
        var types = new List<int>();
        var tokens = new List<string>();
        var offsets = new List<Range>();
        void Add(int id, string token, Range offset, int type) { ids.Add(id); tokens.Add(token); offsets.Add(offset); types.Add(type); }
        int cls = _vocab.TryGetValue(Cls, out int c) ? c : throw new InvalidOperationException($"{Cls} is not in the vocabulary");
        int sep = _vocab.TryGetValue(Sep, out int s) ? s : throw new InvalidOperationException($"{Sep} is not in the vocabulary");
        Add(cls, Cls, default, 0);
        foreach (var t in EncodeToTokens(text)) Add(t.Id, t.Value, t.Offset, 0);
        Add(sep, Sep, default, 0);
        if (pair != null)
        {
            foreach (var t in EncodeToTokens(pair)) Add(t.Id, t.Value, t.Offset, 1);
            Add(sep, Sep, default, 1);
        }
        var mask = new int[ids.Count];
        Array.Fill(mask, 1);
        return new BertEncoding(ids, types, tokens, offsets, mask);
    }

    public override string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: true);

    /// <summary>Joins the tokens with spaces, gluing "##" pieces to the one before, and tidies each token's
    /// leading space before punctuation and contractions, as Hugging Face's WordPiece decoder (cleanup) does.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var sb = new StringBuilder();
        bool first = true;
        foreach (int id in ids)
        {
            string token = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is not in the vocabulary (size {VocabularySize})");
            if (skipSpecialTokens && Array.IndexOf(_specials, token) >= 0) continue;
            if (!first) token = token.StartsWith(ContinuingSubwordPrefix, StringComparison.Ordinal) ? token[ContinuingSubwordPrefix.Length..] : " " + token;
            sb.Append(token.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
                .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s")
                .Replace(" 've", "'ve").Replace(" 're", "'re"));
            first = false;
        }
        return sb.ToString();
    }
}
