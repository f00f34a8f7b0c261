using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>
/// cl100k_base's split: <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// "I'LL pay 12345 $.\r\n" -> ["I", "'LL", " pay", " ", "123", "45", " $.\r\n"].
/// </summary>
public sealed class Cl100kPreTokenizer : PreTokenizer
{
    public static readonly Cl100kPreTokenizer Instance = new();

    public override string Pattern => @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public override PreTokenizerPattern Kind => PreTokenizerPattern.Cl100k;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int PieceEnd(ReadOnlySpan<char> s, int i)
    {
        int n = ContractionLength(s, i, ignoreCase: true);
        if (n > 0) return i + n;
        byte c = CodePointClass.At(s, i, out int w);
        if ((c & CodePointClass.Letter) != 0) return RunEnd(s, i, CodePointClass.Letter);
        // one non-letter, non-number, non-newline character may lead a letter run
        if ((c & CodePointClass.Number) == 0 && s[i] != '\r' && s[i] != '\n' && i + w < s.Length
            && (CodePointClass.At(s, i + w, out _) & CodePointClass.Letter) != 0)
            return RunEnd(s, i + w, CodePointClass.Letter);
        if ((c & CodePointClass.Number) != 0)
        {
            int e = i;
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
            int e = OtherRunEnd(s, j);
            while (e < s.Length && (s[e] == '\r' || s[e] == '\n')) e++;
            return e;
        }
        return WhitespaceEnd(s, i, newlineRule: true);
    }
}
