using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>
/// o200k_base's split. Words are <c>[^\r\n\p{L}\p{N}]?U*W+C?</c> or <c>[^\r\n\p{L}\p{N}]?U+W*C?</c> with
/// U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}], C = a case-insensitive contraction;
/// then <c>\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// "HTTPServer don't" -> ["HTTPServer", " don't"]; "camelCase" -> ["camel", "Case"].
/// </summary>
public sealed class O200kPreTokenizer : PreTokenizer
{
    public static readonly O200kPreTokenizer Instance = new();

    public override string Pattern => @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public override PreTokenizerPattern Kind => PreTokenizerPattern.O200k;

    const byte U = CodePointClass.UpperSet, W = CodePointClass.LowerSet;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int PieceEnd(ReadOnlySpan<char> s, int i)
    {
        byte c = CodePointClass.At(s, i, out int w);
        bool prefix = (c & (CodePointClass.Letter | CodePointClass.Number)) == 0 && s[i] != '\r' && s[i] != '\n' && i + w < s.Length;
        // the two word alternatives, each first with the optional prefix character taken, then without
        int e = prefix ? UStarWPlus(s, i + w) : -1;
        if (e < 0) e = UStarWPlus(s, i);
        if (e < 0 && prefix) e = UPlusWStar(s, i + w);
        if (e < 0) e = UPlusWStar(s, i);
        if (e >= 0) return e < s.Length ? e + ContractionLength(s, e, ignoreCase: true) : e;
        if ((c & CodePointClass.Number) != 0)
        {
            e = i;
            for (int k = 0; k < 3 && e < s.Length; k++)
            {
                if ((CodePointClass.At(s, e, out int we) & CodePointClass.Number) == 0) break;
                e += we;
            }
            return e;
        }
        int j = i;
        if (s[i] == ' ' && i + 1 < s.Length && IsOther(CodePointClass.At(s, i + 1, out _))) { j = i + 1; c = 0; }
        if (IsOther(c))
        {
            e = OtherRunEnd(s, j);
            while (e < s.Length && (s[e] == '\r' || s[e] == '\n' || s[e] == '/')) e++;
            return e;
        }
        return WhitespaceEnd(s, i, newlineRule: true);
    }

    /// <summary><c>U*W+</c> at <paramref name="p"/> with backtracking: end, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int UStarWPlus(ReadOnlySpan<char> s, int p)
    {
        int uEnd = p, lastW = -1, lastWWidth = 0;
        while (uEnd < s.Length)
        {
            byte c = CodePointClass.At(s, uEnd, out int w);
            if ((c & U) == 0) break;
            if ((c & W) != 0) { lastW = uEnd; lastWWidth = w; }
            uEnd += w;
        }
        // U* took the whole run; W+ continues if a lower-case letter follows
        if (uEnd < s.Length && (CodePointClass.At(s, uEnd, out _) & W) != 0) return RunEnd(s, uEnd, W);
        // else U* gives back characters until W+ can take one: the run's last character in both sets
        return lastW >= 0 ? lastW + lastWWidth : -1;
    }

    /// <summary><c>U+W*</c> at <paramref name="p"/>: end, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int UPlusWStar(ReadOnlySpan<char> s, int p)
    {
        int uEnd = RunEnd(s, p, U);
        return uEnd == p ? -1 : RunEnd(s, uEnd, W);
    }
}
