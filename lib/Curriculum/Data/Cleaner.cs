namespace Curriculum.Data;

/// <summary>Runs <see cref="TextFilter"/>s in order over a stream of documents and records in
/// <see cref="Report"/> what each changed or removed and why, with the first
/// <c>samplesPerFilter</c> examples of each.</summary>
public sealed class Cleaner
{
    readonly TextFilter[] _filters;
    readonly int _samplesPerFilter;

    public CleaningReport Report { get; } = new();

    public Cleaner(IEnumerable<TextFilter> filters, int samplesPerFilter = 3)
    {
        _filters = filters.ToArray();
        _samplesPerFilter = samplesPerFilter;
        foreach (var f in _filters) Report.Filters.Add(new FilterStats(f.Name));
    }

    /// <summary>Markup, control characters, (NFKC), then the length, character-class and
    /// repeated-line filters with the thresholds of <paramref name="options"/> (default: <see cref="CleaningOptions.Defaults"/>).</summary>
    public static Cleaner Default(CleaningOptions? options = null, int samplesPerFilter = 3)
    {
        var o = options ?? CleaningOptions.Defaults;
        var filters = new List<TextFilter> { new MarkupStripper(), new ControlCharacterFilter() };
        if (o.Nfkc) filters.Add(new UnicodeNormalizer());
        filters.Add(new LengthFilter(o.MinChars, o.MaxChars, o.MinCharsCjk));
        filters.Add(new CharacterClassFilter(o.MinTextFraction, o.MaxDigitFraction));
        filters.Add(new RepeatedLineFilter(o.MaxRepeatedLineFraction, o.MaxRepeatedCharFraction));
        return new Cleaner(filters, samplesPerFilter);
    }

    /// <summary>The NFKC step, when the cleaner has one (its per-character tally of changes).</summary>
    public UnicodeNormalizer? Normalizer => _filters.OfType<UnicodeNormalizer>().FirstOrDefault();

    public IEnumerable<Document> Clean(IEnumerable<Document> docs)
    {
        foreach (var doc in docs)
        {
            var cleaned = Clean(doc);
            if (cleaned != null) yield return cleaned;
        }
    }

    /// <summary>One document through every filter; null when a filter removed it.</summary>
    public Document? Clean(Document doc)
    {
        Report.DocumentsIn++;
        Report.CharsIn += doc.Text.Length;
        string text = doc.Text;
        for (int i = 0; i < _filters.Length; i++)
        {
            var stats = Report.Filters[i];
            stats.Seen++;
            var outcome = _filters[i].Apply(text);
            if (outcome.Reason is null) continue;
            stats.Reasons[outcome.Reason] = stats.Reasons.GetValueOrDefault(outcome.Reason) + 1;
            if (outcome.Removed)
            {
                stats.Removed++;
                stats.CharsRemoved += text.Length;
                Sample(stats, doc.Id, outcome, text);
                return null;
            }
            stats.Changed++;
            stats.CharsRemoved += Math.Max(0, text.Length - outcome.Text!.Length);
            Sample(stats, doc.Id, outcome, text);
            text = outcome.Text!;
        }
        Report.DocumentsOut++;
        Report.CharsOut += text.Length;
        return ReferenceEquals(text, doc.Text) ? doc : doc with { Text = text };
    }

    void Sample(FilterStats stats, string id, FilterOutcome outcome, string before)
    {
        if (stats.Samples.Count >= _samplesPerFilter) return;
        stats.Samples.Add(new FilterSample(id, outcome.Reason!, outcome.Detail ?? "", Excerpt(before), outcome.Text is null ? null : Excerpt(outcome.Text)));
    }

    static string Excerpt(string s) => s.Length <= 160 ? s : s[..160] + "...";
}
