using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>
/// GPT-2's split: <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// "Hello world's  42!" -> ["Hello", " world", "'s", " ", " 42", "!"].
/// </summary>
public sealed class Gpt2PreTokenizer : PreTokenizer
{
    public static readonly Gpt2PreTokenizer Instance = new();

    public override string Pattern => @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public override PreTokenizerPattern Kind => PreTokenizerPattern.Gpt2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int PieceEnd(ReadOnlySpan<char> s, int i)
    {
        int n = ContractionLength(s, i, ignoreCase: false);
        if (n > 0) return i + n;
        byte c = CodePointClass.At(s, i, out int w);
        // " ?X+" for X = letters, numbers, others: an optional leading space joins the run after it.
        int j = i;
        if (s[i] == ' ' && i + 1 < s.Length)
        {
            byte next = CodePointClass.At(s, i + 1, out _);
            if ((next & (CodePointClass.Letter | CodePointClass.Number)) != 0 || IsOther(next)) { j = i + 1; c = next; }
        }
        if ((c & CodePointClass.Letter) != 0) return RunEnd(s, j, CodePointClass.Letter);
        if ((c & CodePointClass.Number) != 0) return RunEnd(s, j, CodePointClass.Number);
        if (IsOther(c)) return OtherRunEnd(s, j);
        return WhitespaceEnd(s, i, newlineRule: false);
    }
}
