using System.Text;

namespace Curriculum.Data;

/// <summary>Unicode normalisation, NFKC by default: compatibility forms fold to their plain letters
/// (full-width "Ａ" -> "A", ligature "ﬁ" -> "fi", "①" -> "1"). Note NFKC also folds the full-width
/// digits and punctuation of Chinese text ("（９４６）" -> "(946)").</summary>
public sealed class UnicodeNormalizer(NormalizationForm form = NormalizationForm.FormKC) : TextFilter
{
    public override string Name => form switch
    {
        NormalizationForm.FormC => "nfc",
        NormalizationForm.FormD => "nfd",
        NormalizationForm.FormKD => "nfkd",
        _ => "nfkc",
    };

    public override FilterOutcome Apply(string text)
    {
        if (text.IsNormalized(form)) return FilterOutcome.Keep(text);
        var normalized = text.Normalize(form);
        int changed = 0;
        int n = Math.Min(text.Length, normalized.Length);
        for (int i = 0; i < n; i++) if (text[i] != normalized[i]) changed++;
        changed += Math.Abs(text.Length - normalized.Length);
        return FilterOutcome.Change(normalized, "not " + Name.ToUpperInvariant(), $"about {changed} characters changed");
    }
}
