namespace Curriculum.Data;

/// <summary>Removes documents whose non-space characters are mostly not text (ASCII art, tables of numbers, base64,
/// line noise). Fractions are of non-whitespace characters. Text is letters of any script, combining marks, and the
/// punctuation of CJK writing (<see cref="Scripts.IsWidePunctuation"/>: ，。：“”！), so 子曰：“巧言令色，鲜矣仁！” is
/// all text; at least <paramref name="minTextFraction"/> of it. Digits at most <paramref name="maxDigitFraction"/>.</summary>
public sealed class CharacterClassFilter(double minTextFraction = 0.6, double maxDigitFraction = 0.3) : TextFilter
{
    public double MinTextFraction { get; } = minTextFraction is >= 0 and <= 1 ? minTextFraction : throw new ArgumentOutOfRangeException(nameof(minTextFraction), "must be in [0,1]");
    public double MaxDigitFraction { get; } = maxDigitFraction is >= 0 and <= 1 ? maxDigitFraction : throw new ArgumentOutOfRangeException(nameof(maxDigitFraction), "must be in [0,1]");
    public override string Name => "char-classes";

    public override FilterOutcome Apply(string text)
    {
        int textChars = 0, digits = 0, visible = 0;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c)) continue;
            visible++;
            if (char.IsLetter(c) || IsMark(c) || Scripts.IsWidePunctuation(c)) textChars++;
            else if (char.IsDigit(c)) digits++;
        }
        if (visible == 0) return FilterOutcome.Remove("no visible characters", "only whitespace");
        double textFraction = (double)textChars / visible, digitFraction = (double)digits / visible;
        if (textFraction < MinTextFraction)
            return FilterOutcome.Remove("few letters", $"letters and CJK punctuation {textFraction:P0} of visible chars < {MinTextFraction:P0}");
        if (digitFraction > MaxDigitFraction)
            return FilterOutcome.Remove("many digits", $"digits {digitFraction:P0} of visible chars > {MaxDigitFraction:P0}");
        return FilterOutcome.Keep(text);
    }

    // Vowel signs of Indic scripts and other combining marks are part of words.
    static bool IsMark(char c) => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
