using System.Globalization;
using System.Text;

namespace Curriculum.Tokenization;

/// <summary>
/// BERT's text clean-up before splitting (Hugging Face BertNormalizer, the first half of BERT's BasicTokenizer), in order:
/// clean text (drop NUL, U+FFFD and control/format characters; any whitespace becomes a space),
/// put spaces around CJK ideographs (so each is its own word), strip accents (NFD, then drop
/// non-spacing marks), lower-case. "Héllo\t世界" -> "hello  世  界 " (lower-case, accents stripped).
/// </summary>
public sealed record BertNormalizer(bool CleanText = true, bool HandleChineseChars = true, bool? StripAccents = null, bool Lowercase = true)
{
    /// <summary>Accents are stripped when asked, or by default when lower-casing (as BERT uncased).</summary>
    public bool StripsAccents => StripAccents ?? Lowercase;

    /// <summary>The normalized text; <paramref name="origins"/>[k] is the index in <paramref name="text"/> of the
    /// character that normalized character k came from.</summary>
    public string Normalize(string text, out List<int> origins)
    {
        var sb = new StringBuilder(text.Length + 16);
        origins = new List<int>(text.Length + 16);
        var decomposed = new List<int>(4);
        for (int i = 0; i < text.Length;)
        {
            int origin = i;
            int cp = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            i += cp > 0xFFFF ? 2 : 1;
            if (CleanText)
            {
                if (cp == 0 || cp == 0xFFFD || IsControl(cp)) continue;
                if (IsWhitespace(cp)) cp = ' ';
            }
            if (HandleChineseChars && IsChineseChar(cp))
            {
                Append(sb, origins, ' ', origin);
                Append(sb, origins, cp, origin);
                Append(sb, origins, ' ', origin);
                continue;
            }
            decomposed.Clear();
            if (StripsAccents) CanonicalDecomposition.Decompose(cp, decomposed);
            else decomposed.Add(cp);
            foreach (int d in decomposed)
            {
                if (StripsAccents && CharUnicodeInfo.GetUnicodeCategory(d) == UnicodeCategory.NonSpacingMark) continue;
                if (Lowercase) AppendLower(sb, origins, d, origin);
                else Append(sb, origins, d, origin);
            }
        }
        return sb.ToString();
    }

    public string Normalize(string text) => Normalize(text, out _);

    static void Append(StringBuilder sb, List<int> origins, int cp, int origin)
    {
        if (cp > 0xFFFF) { sb.Append(char.ConvertFromUtf32(cp)); origins.Add(origin); origins.Add(origin); }
        else { sb.Append((char)cp); origins.Add(origin); }
    }

    // Unicode full lower-case mapping (Rust's char::to_lowercase): simple mapping except U+0130 -> "i̇"
    static void AppendLower(StringBuilder sb, List<int> origins, int cp, int origin)
    {
        if (cp == 0x130) { Append(sb, origins, 'i', origin); Append(sb, origins, 0x307, origin); return; }
        Append(sb, origins, Rune.IsValid(cp) ? Rune.ToLowerInvariant(new Rune(cp)).Value : cp, origin);
    }

    /// <summary>Tab, newline, carriage return and Unicode White_Space.</summary>
    public static bool IsWhitespace(int cp) => CodePointClass.IsWhiteSpace(cp);

    /// <summary>Control, format, surrogate and private-use characters (Cc, Cf, Cs, Co) except tab, newline,
    /// carriage return. Unassigned code points (Cn) are kept, as Hugging Face keeps them.</summary>
    public static bool IsControl(int cp)
    {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        var c = cp >= 0xD800 && cp <= 0xDFFF ? UnicodeCategory.Surrogate : CharUnicodeInfo.GetUnicodeCategory(cp);
        return c is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT treats as words of their own (not Hangul, kana).</summary>
    public static bool IsChineseChar(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}
