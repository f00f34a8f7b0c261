using System.Globalization;
using System.Text;

namespace Curriculum.Data;

/// <summary>Removes control characters (Unicode category Cc: NUL, BEL, ESC, DEL, C1 controls) and
/// zero-width format characters (U+200B..U+200F, U+2060, U+FEFF), keeping newline and tab;
/// carriage returns become newlines.</summary>
public sealed class ControlCharacterFilter : TextFilter
{
    public override string Name => "control-chars";

    static bool IsRemoved(char c) =>
        c != '\n' && c != '\t' && c != '\r' &&
        (char.GetUnicodeCategory(c) == UnicodeCategory.Control || (c >= '\u200B' && c <= '\u200F') || c == '\u2060' || c == '\uFEFF');

    public override FilterOutcome Apply(string text)
    {
        int first = -1;
        for (int i = 0; i < text.Length; i++)
            if (IsRemoved(text[i]) || text[i] == '\r') { first = i; break; }
        if (first < 0) return FilterOutcome.Keep(text);
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, first);
        var seen = new SortedSet<int>();
        int removed = 0;
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r') { if (i + 1 < text.Length && text[i + 1] == '\n') continue; sb.Append('\n'); continue; }
            if (IsRemoved(c)) { removed++; seen.Add(c); continue; }
            sb.Append(c);
        }
        if (removed == 0) return FilterOutcome.Change(sb.ToString(), "carriage returns", "CR/CRLF -> LF");
        var codes = string.Join(" ", seen.Take(6).Select(c => $"U+{c:X4}"));
        return FilterOutcome.Change(sb.ToString(), "control characters", $"{removed} removed ({codes})");
    }
}
