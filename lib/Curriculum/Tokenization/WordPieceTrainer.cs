namespace Curriculum.Tokenization;

/// <summary>Settings of <see cref="WordPieceTrainer"/>.</summary>
/// <param name="VocabularySize">Target size including special tokens and the alphabet.</param>
/// <param name="MinFrequency">Pairs seen fewer times are never merged.</param>
/// <param name="SpecialTokens">Ids 0, 1, ... in order; default [PAD] [UNK] [CLS] [SEP] [MASK].</param>
/// <param name="MaxAlphabetSize">Keep only this many most frequent characters (null: all); the rest become [UNK].</param>
public sealed record WordPieceTrainerOptions(
    int VocabularySize,
    long MinFrequency = 2,
    IReadOnlyList<string>? SpecialTokens = null,
    BertNormalizer? Normalizer = null,
    int? MaxAlphabetSize = null);

/// <summary>
/// Learns a WordPiece vocabulary as Hugging Face's WordPieceTrainer does: BPE over BERT's words where
/// every character after a word's first is written "##c", merging the most frequent adjacent pair
/// ("##i" + "##n" -> "##in", "t" + "##he" -> "the"). Ties go to the smaller pair of ids.
/// </summary>
public sealed class WordPieceTrainer(WordPieceTrainerOptions options, IProgress<TrainingProgress>? progress = null)
{
    readonly Dictionary<string, long> _wordCounts = [];
    readonly BertNormalizer _normalizer = options.Normalizer ?? new BertNormalizer();

    public int InvalidUtf8Sequences { get; private set; }

    /// <summary>Entries the alphabet took in the last <see cref="Train"/> (special tokens, characters and their ## forms):
    /// the floor of the vocabulary size, which can exceed the target for text with thousands of characters.</summary>
    public int AlphabetEntries { get; private set; }

    public void AddText(string text)
    {
        string normalized = _normalizer.Normalize(text);
        var lookup = _wordCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var r in BertPreTokenizer.Split(normalized))
        {
            var word = normalized.AsSpan()[r];
            lookup[word] = lookup.TryGetValue(word, out long c) ? c + 1 : 1;
        }
    }

    public void AddFiles(IEnumerable<string> paths) => InvalidUtf8Sequences += Utf8TextFile.CountFiles(paths, AddText, progress);

    public WordPieceTokenizer Train()
    {
        var vocabulary = new List<string>(options.SpecialTokens ?? WordPieceTokenizer.DefaultSpecialTokens);
        var ids = new Dictionary<string, int>();
        for (int i = 0; i < vocabulary.Count; i++) ids[vocabulary[i]] = i;
        if (!ids.ContainsKey(WordPieceTokenizer.Unknown)) throw new ArgumentException($"the special tokens must include {WordPieceTokenizer.Unknown}");

        // alphabet: characters by frequency (then by code point), as word-initial and "##" forms
        var charCounts = new Dictionary<string, long>();
        foreach (var (word, count) in _wordCounts)
            foreach (var rune in word.EnumerateRunes())
            {
                string c = rune.ToString();
                charCounts[c] = charCounts.GetValueOrDefault(c) + count;
            }
        var alphabet = charCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(options.MaxAlphabetSize ?? int.MaxValue).Select(kv => kv.Key).ToHashSet();

        int Id(string token)
        {
            if (!ids.TryGetValue(token, out int id)) { id = vocabulary.Count; ids[token] = id; vocabulary.Add(token); }
            return id;
        }
        var words = new List<int[]>();
        var counts = new List<long>();
        foreach (var (word, count) in _wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var symbols = new List<int>();
            bool covered = true;
            foreach (var rune in word.EnumerateRunes())
            {
                string c = rune.ToString();
                if (!alphabet.Contains(c)) { covered = false; break; }
                symbols.Add(Id(symbols.Count == 0 ? c : "##" + c));
            }
            if (!covered) continue; // such a word can only be [UNK]
            words.Add([.. symbols]);
            counts.Add(count);
        }
        (int, bool) Merged(int a, int b)
        {
            string right = vocabulary[b];
            string token = vocabulary[a] + (right.StartsWith("##", StringComparison.Ordinal) ? right[2..] : right);
            if (ids.TryGetValue(token, out int id)) return (id, false);
            return (Id(token), true);
        }
        AlphabetEntries = vocabulary.Count;
        var lengths = words.Select(w => w.Length).ToArray();
        PairMergeLearner.Learn([.. words], lengths, [.. counts], Merged, Math.Max(0, options.VocabularySize - vocabulary.Count),
            options.MinFrequency, progress);
        return new WordPieceTokenizer(vocabulary, _normalizer, specialTokens: options.SpecialTokens ?? WordPieceTokenizer.DefaultSpecialTokens);
    }

}
