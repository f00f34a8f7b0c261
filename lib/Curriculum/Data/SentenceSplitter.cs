using System.Text.RegularExpressions;

namespace Curriculum.Data;

/// <summary>A plain sentence splitter: a break after '.', '!', '?' (or the Chinese '。！？') followed by
/// whitespace or end of text, and at blank lines. Good enough for NSP segments; not for abbreviations
/// like "e.g. this".</summary>
public static partial class SentenceSplitter
{
    [GeneratedRegex(@"(?<=[.!?])\s+|(?<=[。！？])|\n\s*\n")] private static partial Regex Break();

    public static List<string> Split(string text)
    {
        var list = new List<string>();
        foreach (var part in Break().Split(text))
        {
            var s = part.Trim();
            if (s.Length > 0) list.Add(s);
        }
        return list;
    }
}
