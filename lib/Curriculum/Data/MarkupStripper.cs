using System.Net;
using System.Text.RegularExpressions;

namespace Curriculum.Data;

/// <summary>Strips what is display, not text: HTML tags (with script/style bodies and comments),
/// HTML entities (<c>&amp;amp;</c> -> &amp;), ANSI terminal escapes (<c>ESC[33m</c>) and nroff
/// backspace overstriking (<c>_\bw</c> underline, <c>w\bw</c> bold -> <c>w</c>).</summary>
public sealed partial class MarkupStripper : TextFilter
{
    public override string Name => "markup";

    // A tag needs a letter-led name followed by space, '/', or '>': "<foo@bar.com>" and "<http://x>" are not tags.
    [GeneratedRegex(@"</?[a-zA-Z][a-zA-Z0-9:]*(?:\s[^<>]*)?/?>")] private static partial Regex Tag();
    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)] private static partial Regex ScriptOrStyle();
    [GeneratedRegex(@"<!--.*?-->|<!DOCTYPE[^>]*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)] private static partial Regex Comment();
    [GeneratedRegex(@"<(?:br|p|div|tr|li|h[1-6]|table|blockquote)\b[^>]*>", RegexOptions.IgnoreCase)] private static partial Regex BlockTag();
    [GeneratedRegex(@"&(?:[a-zA-Z]{2,8}|#[0-9]{1,6}|#[xX][0-9a-fA-F]{1,6});")] private static partial Regex Entity();
    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B[@-Z\\-_]")] private static partial Regex Ansi();
    [GeneratedRegex(@"[^\x08\n]\x08")] private static partial Regex Overstrike();
    [GeneratedRegex(@"[ \t]*\n[ \t]*(?:\n[ \t]*){2,}")] private static partial Regex BlankLines();

    public override FilterOutcome Apply(string text)
    {
        var parts = new List<string>(4);
        string t = text;
        if (t.Contains('<'))
        {
            int tags = ScriptOrStyle().Count(t) + Comment().Count(t) + Tag().Count(t);
            if (tags > 0)
            {
                t = ScriptOrStyle().Replace(t, " ");
                t = Comment().Replace(t, " ");
                t = BlockTag().Replace(t, "\n");
                t = Tag().Replace(t, "");
                t = BlankLines().Replace(t, "\n\n");
                parts.Add($"{tags} html tags");
            }
        }
        if (t.Contains('&'))
        {
            int entities = Entity().Count(t);
            if (entities > 0)
            {
                t = Entity().Replace(t, m => WebUtility.HtmlDecode(m.Value));
                parts.Add($"{entities} entities");
            }
        }
        if (t.Contains('\x1B'))
        {
            int escapes = Ansi().Count(t);
            if (escapes > 0) { t = Ansi().Replace(t, ""); parts.Add($"{escapes} ANSI escapes"); }
        }
        if (t.Contains('\b'))
        {
            int struck = 0;
            string before;
            do { before = t; struck += Overstrike().Count(t); t = Overstrike().Replace(t, ""); } while (t != before && t.Contains('\b'));
            if (struck > 0) parts.Add($"{struck} overstruck characters");
        }
        if (parts.Count == 0) return FilterOutcome.Keep(text);
        return FilterOutcome.Change(t.Trim(), parts.Count == 1 ? Category(parts[0]) : "markup", string.Join(", ", parts));
    }

    static string Category(string part) => part[(part.IndexOf(' ') + 1)..];
}
