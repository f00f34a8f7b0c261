namespace Curriculum.Data;

/// <summary>The set of n-grams of evaluation texts (13 words by default, as GPT-3: Brown et al. 2020,
/// appendix C; or characters, <see cref="NgramUnit"/>), normalised like GPT-3's (lower case, punctuation
/// dropped; see <see cref="WordNgrams"/>), stored as 64-bit hashes with the first evaluation document that
/// holds each and how many do. A text shorter than n units but at least <see cref="MinContained"/> long is
/// indexed whole, so a training document containing it is caught too (<see cref="Contained"/>); shorter
/// ones are not indexed (counted in <see cref="TooShort"/>).</summary>
public sealed class NgramIndex
{
    readonly Dictionary<ulong, (int FirstDoc, int DocCount)> _grams = [];
    readonly List<string> _ids = [];
    readonly List<ulong> _words = [];
    readonly List<ulong> _ngrams = [];
    readonly SortedSet<int> _shortLengths = [];

    public int N { get; }
    public NgramUnit Unit { get; }
    /// <summary>The shortest evaluation text indexed whole (default n/2 + 1: long enough not to be a common phrase).</summary>
    public int MinContained { get; }
    public int TooShort { get; private set; }
    /// <summary>Evaluation texts shorter than n units indexed whole.</summary>
    public int Contained { get; private set; }
    public int Documents => _ids.Count;
    public int Count => _grams.Count;
    public IReadOnlyList<string> DocumentIds => _ids;
    /// <summary>The lengths (in units) of the evaluation texts indexed whole; a training document is searched for each.</summary>
    public IReadOnlyCollection<int> ContainedLengths => _shortLengths;

    public NgramIndex(int n = 13, NgramUnit unit = NgramUnit.Word, int? minContained = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "must be >= 1");
        N = n;
        Unit = unit;
        MinContained = minContained ?? n / 2 + 1;
        if (MinContained < 1) throw new ArgumentOutOfRangeException(nameof(minContained), "must be >= 1");
    }

    public NgramIndex(NgramSettings settings, int? minContained = null) : this(settings.N, settings.Unit, minContained) { }

    public void Add(Document doc)
    {
        int docIndex = _ids.Count;
        _ids.Add(doc.Id);
        _words.Clear(); _ngrams.Clear();
        WordNgrams.UnitHashes(doc.Text, Unit, _words);
        if (_words.Count < Math.Min(N, MinContained)) { TooShort++; return; }
        if (_words.Count < N) { Contained++; _shortLengths.Add(_words.Count); }
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
    public static NgramIndex Of(IEnumerable<Document> evaluation, int n = 13, int? ignoreCommonAbove = null, NgramUnit unit = NgramUnit.Word)
    {
        var index = new NgramIndex(n, unit);
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
