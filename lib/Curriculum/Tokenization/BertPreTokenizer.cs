using System.Globalization;

namespace Curriculum.Tokenization;

/// <summary>
/// BERT's word split (Hugging Face BertPreTokenizer): whitespace separates words and is dropped,
/// every punctuation character is a word of its own. "Hello, world!" -> ["Hello", ",", "world", "!"].
/// </summary>
public static class BertPreTokenizer
{
    /// <summary>The words of <paramref name="text"/> as ranges.</summary>
    public static List<Range> Split(ReadOnlySpan<char> text)
    {
        var words = new List<Range>();
        int start = -1;
        for (int i = 0; i < text.Length;)
        {
            int cp = char.IsSurrogatePair(text[i], i + 1 < text.Length ? text[i + 1] : '\0') ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            int w = cp > 0xFFFF ? 2 : 1;
            if (CodePointClass.IsWhiteSpace(cp))
            {
                if (start >= 0) { words.Add(new Range(start, i)); start = -1; }
            }
            else if (IsPunctuation(cp))
            {
                if (start >= 0) { words.Add(new Range(start, i)); start = -1; }
                words.Add(new Range(i, i + w));
            }
            else if (start < 0) start = i;
            i += w;
        }
        if (start >= 0) words.Add(new Range(start, text.Length));
        return words;
    }

    /// <summary>ASCII punctuation (including $ + &lt; = &gt; ^ ` | ~) or a Unicode punctuation category.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 128) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }
}
