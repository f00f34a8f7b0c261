namespace Curriculum.Data;

/// <summary>The set of word n-grams (13 by default, as GPT-3: Brown et al. 2020, appendix C) of
/// evaluation texts, normalised like GPT-3's (lower case, punctuation dropped; see
/// <see cref="WordNgrams"/>), stored as 64-bit hashes with the first evaluation document that holds
/// each and how many do. Texts shorter than n words are not indexed (counted in <see cref="TooShort"/>).</summary>
public sealed class NgramIndex
{
    readonly Dictionary<ulong, (int FirstDoc, int DocCount)> _grams = [];
    readonly List<string> _ids = [];
    readonly List<ulong> _words = [];
    readonly List<ulong> _ngrams = [];

    public int N { get; }
    public int TooShort { get; private set; }
    public int Documents => _ids.Count;
    public int Count => _grams.Count;
    public IReadOnlyList<string> DocumentIds => _ids;

    public NgramIndex(int n = 13)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "must be >= 1");
        N = n;
    }

    public void Add(Document doc)
    {
        int docIndex = _ids.Count;
        _ids.Add(doc.Id);
        _words.Clear(); _ngrams.Clear();
        WordNgrams.WordHashes(doc.Text, _words);
        if (_words.Count < N) { TooShort++; return; }
        WordNgrams.Ngrams(_words, N, _ngrams);
        var distinct = new HashSet<ulong>(_ngrams);
        foreach (var g in distinct)
            _grams[g] = _grams.TryGetValue(g, out var e) ? (e.FirstDoc, e.DocCount + 1) : (docIndex, 1);
    }

    public void AddRange(IEnumerable<Document> docs) { foreach (var d in docs) Add(d); }

    /// <summary>
    /// The index of <paramref name="evaluation"/>'s n-grams, without those found in more than
    /// <paramref name="ignoreCommonAbove"/> of its documents when that is given (see <see cref="PruneCommon"/>):
    /// <c>new Decontaminator(NgramIndex.Of(test, ignoreCommonAbove: 3)).Filter(train)</c>.
    /// </summary>
    public static NgramIndex Of(IEnumerable<Document> evaluation, int n = 13, int? ignoreCommonAbove = null)
    {
        var index = new NgramIndex(n);
        index.AddRange(evaluation);
        if (ignoreCommonAbove is int max) index.PruneCommon(max);
        return index;
    }

    /// <summary>Drops n-grams that occur in more than <paramref name="maxDocuments"/> evaluation
    /// documents (shared boilerplate such as a mailing-list footer, which would otherwise flag every
    /// training document carrying it); returns how many were dropped.</summary>
    public int PruneCommon(int maxDocuments)
    {
        var common = _grams.Where(kv => kv.Value.DocCount > maxDocuments).Select(kv => kv.Key).ToList();
        foreach (var g in common) _grams.Remove(g);
        return common.Count;
    }

    /// <summary>The evaluation document index holding this n-gram hash, or -1.</summary>
    public int Lookup(ulong ngram) => _grams.TryGetValue(ngram, out var e) ? e.FirstDoc : -1;
}
