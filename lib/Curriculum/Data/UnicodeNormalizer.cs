namespace Curriculum.Data;

/// <summary>Unicode NFKC normalisation (<see cref="Nfkc"/>; Python's unicodedata.normalize("NFKC")):
/// compatibility forms fold to their plain letters (full-width "Ａ" -> "A", ligature "ﬁ" -> "fi",
/// "①" -> "1") and combining sequences compose ("e" + U+0301 -> "é"). Note NFKC also folds the
/// full-width digits and punctuation of Chinese text ("（９４６）" -> "(946)").</summary>
public sealed class UnicodeNormalizer : TextFilter
{
    public override string Name => "nfkc";

    public override FilterOutcome Apply(string text)
    {
        var normalized = Nfkc.Normalize(text);
        if (normalized == text) return FilterOutcome.Keep(text);
        int changed = 0;
        int n = Math.Min(text.Length, normalized.Length);
        for (int i = 0; i < n; i++) if (text[i] != normalized[i]) changed++;
        changed += Math.Abs(text.Length - normalized.Length);
        return FilterOutcome.Change(normalized, "not " + Name.ToUpperInvariant(), $"about {changed} characters changed");
    }
}
