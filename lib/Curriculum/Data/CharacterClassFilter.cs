namespace Curriculum.Data;

/// <summary>Removes documents whose non-space characters are mostly not letters (ASCII art, tables
/// of numbers, base64, line noise). Fractions are of non-whitespace characters: letters (any script,
/// so Chinese counts) at least <paramref name="minLetterFraction"/>, digits at most
/// <paramref name="maxDigitFraction"/>.</summary>
public sealed class CharacterClassFilter(double minLetterFraction = 0.6, double maxDigitFraction = 0.3) : TextFilter
{
    public double MinLetterFraction { get; } = minLetterFraction is >= 0 and <= 1 ? minLetterFraction : throw new ArgumentOutOfRangeException(nameof(minLetterFraction), "must be in [0,1]");
    public double MaxDigitFraction { get; } = maxDigitFraction is >= 0 and <= 1 ? maxDigitFraction : throw new ArgumentOutOfRangeException(nameof(maxDigitFraction), "must be in [0,1]");
    public override string Name => "char-classes";

    public override FilterOutcome Apply(string text)
    {
        int letters = 0, digits = 0, visible = 0;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c)) continue;
            visible++;
            if (char.IsLetter(c)) letters++;
            else if (char.IsDigit(c)) digits++;
        }
        if (visible == 0) return FilterOutcome.Remove("no visible characters", "only whitespace");
        double letterFraction = (double)letters / visible, digitFraction = (double)digits / visible;
        if (letterFraction < MinLetterFraction)
            return FilterOutcome.Remove("few letters", $"letters {letterFraction:P0} of visible chars < {MinLetterFraction:P0}");
        if (digitFraction > MaxDigitFraction)
            return FilterOutcome.Remove("many digits", $"digits {digitFraction:P0} of visible chars > {MaxDigitFraction:P0}");
        return FilterOutcome.Keep(text);
    }
}
