namespace Curriculum.Data;

/// <summary>Unicode NFKC normalisation (<see cref="Nfkc"/>; Python's unicodedata.normalize("NFKC")):
/// compatibility forms fold to their plain letters (full-width "Ａ" -> "A", ligature "ﬁ" -> "fi",
/// "①" -> "1") and combining sequences compose ("e" + U+0301 -> "é"). NFKC also folds the full-width
/// digits and punctuation of Chinese text ("（９４６）" -> "(946)", "，" -> ","), so every change is tallied
/// per character in <see cref="Changes"/> for the report to show.</summary>
public sealed class UnicodeNormalizer : TextFilter
{
    readonly Dictionary<string, string> _single = new(StringComparer.Ordinal);

    public override string Name => "nfkc";

    /// <summary>How often each character was replaced, keyed "，->,", over every document seen.</summary>
    public Dictionary<string, long> Changes { get; } = new(StringComparer.Ordinal);

    /// <summary>Characters replaced over every document seen.</summary>
    public long CharactersChanged { get; private set; }

    public override FilterOutcome Apply(string text)
    {
        var normalized = Nfkc.Normalize(text);
        if (normalized == text) return FilterOutcome.Keep(text);
        var inDocument = new Dictionary<string, int>(StringComparer.Ordinal);
        int changed = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            string s = rune.ToString();
            if (!_single.TryGetValue(s, out var folded)) _single[s] = folded = Nfkc.Normalize(s);
            if (folded == s) continue;
            string key = $"{s}->{folded}";
            inDocument[key] = inDocument.GetValueOrDefault(key) + 1;
            Changes[key] = Changes.GetValueOrDefault(key) + 1;
            changed++;
        }
        CharactersChanged += changed;
        string detail = changed == 0
            ? "combining sequences composed"
            : $"{changed} characters changed: " + string.Join(", ", inDocument.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(5).Select(kv => $"{kv.Key} x{kv.Value}"));
        return FilterOutcome.Change(normalized, "not " + Name.ToUpperInvariant(), detail);
    }

    /// <summary>The <paramref name="top"/> most frequent changes, "，->, 1,234 times".</summary>
    public IEnumerable<(string Change, long Count)> TopChanges(int top) =>
        Changes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top).Select(kv => (kv.Key, kv.Value));
}
