using System.Globalization;
using System.Runtime.CompilerServices;

namespace Curriculum.Tokenization;

/// <summary>
/// The Unicode classes the pre-tokenizer patterns ask about, as bit flags per code point:
/// <c>\p{L}</c>, <c>\p{N}</c>, <c>\s</c> (White_Space), <c>\p{M}</c>, and o200k's two letter sets
/// U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and W = [\p{Ll}\p{Lm}\p{Lo}\p{M}].
/// Works on code points, not UTF-16 units, so an emoji or a letter outside the BMP is one character
/// as it is for tiktoken's Rust regex.
/// </summary>
public static class CodePointClass
{
    public const byte Letter = 1, Number = 2, Space = 4, Mark = 8, UpperSet = 16, LowerSet = 32;

    // One byte per BMP code point, filled once (64 KiB).
    static readonly byte[] Bmp = BuildBmp();

    static byte[] BuildBmp()
    {
        var t = new byte[65536];
        for (int c = 0; c < 65536; c++)
            t[c] = (c >= 0xD800 && c <= 0xDFFF) ? (byte)0 : Compute(c);
        return t;
    }

    /// <summary>The flags of code point <paramref name="cp"/>.</summary>
    public static byte Of(int cp) => cp < 65536 ? Bmp[cp] : Compute(cp);

    /// <summary>Flags of the code point starting at <paramref name="i"/>; <paramref name="width"/> is 1 or 2 UTF-16 units.
    /// A lone surrogate is read as U+FFFD (a symbol: no flags), as UTF-8 encoding will turn it into.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte At(ReadOnlySpan<char> s, int i, out int width)
    {
        char c = s[i];
        width = 1;
        if (!char.IsSurrogate(c)) return Bmp[c];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return Compute(char.ConvertToUtf32(c, s[i + 1]));
        }
        return 0;
    }

    /// <summary>Unicode White_Space (what Rust's and .NET's <c>\s</c> match).</summary>
    public static bool IsWhiteSpace(int c) =>
        (c >= 9 && c <= 13) || c == 32 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;

    static byte Compute(int cp)
    {
        if (IsWhiteSpace(cp)) return Space;
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Letter | UpperSet,
            UnicodeCategory.LowercaseLetter => Letter | LowerSet,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter | UpperSet | LowerSet,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                => Mark | UpperSet | LowerSet,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => 0,
        };
    }
}
