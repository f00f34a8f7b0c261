namespace Curriculum.Data;

/// <summary>
/// Which characters belong to scripts written without spaces (Chinese, Japanese, Korean), and the
/// punctuation those scripts use. The data steps ask this to pick their units: a length threshold or an
/// n-gram of 13 "words" means something else in 子曰：“巧言令色，鲜矣仁！” than in English.
/// </summary>
public static class Scripts
{
    /// <summary>Han ideographs: the unified block, extension A and the compatibility forms.</summary>
    public static bool IsHan(char c) => (c >= '\u4E00' && c <= '\u9FFF') || (c >= '\u3400' && c <= '\u4DBF') || (c >= '\uF900' && c <= '\uFAFF');

    /// <summary>Han ideographs, kana, Hangul syllables and jamo.</summary>
    public static bool IsCjk(char c) =>
        IsHan(c) || (c >= '\u3040' && c <= '\u30FF') || (c >= '\uAC00' && c <= '\uD7AF') || (c >= '\u1100' && c <= '\u11FF');

    /// <summary>Punctuation of CJK text: the CJK symbols block (。、「」《》), full-width forms (，：！？（）),
    /// and the quotation marks, dashes, ellipsis and middle dot it shares with Western typography (“”‘’—…·).</summary>
    public static bool IsWidePunctuation(char c) =>
        (c > '\u3000' && c <= '\u303F')
        || (c >= '\uFF00' && c <= '\uFFEF' && !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c))
        || c is '\u2018' or '\u2019' or '\u201C' or '\u201D' or '\u2014' or '\u2026' or '\u00B7' or '\u2027';

    /// <summary>Share of the letters of <paramref name="text"/> that are CJK (0 when it has no letters).</summary>
    public static double CjkFraction(ReadOnlySpan<char> text)
    {
        long letters = 0, cjk = 0;
        foreach (char c in text)
        {
            if (!char.IsLetter(c)) continue;
            letters++;
            if (IsCjk(c)) cjk++;
        }
        return letters == 0 ? 0 : (double)cjk / letters;
    }

    /// <summary>True when most letters are CJK: such text is measured in characters, not words.</summary>
    public static bool IsMostlyCjk(ReadOnlySpan<char> text) => CjkFraction(text) > 0.5;
}
