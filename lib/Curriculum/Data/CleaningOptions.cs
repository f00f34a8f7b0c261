namespace Curriculum.Data;

/// <summary>
/// Every threshold of <see cref="Cleaner.Default(CleaningOptions, int)"/>, with the defaults the CLI and data.json use.
/// Lengths are in characters after markup is stripped; a document whose letters are mostly CJK is held to
/// <see cref="MinCharsCjk"/> instead of <see cref="MinChars"/>, because one Chinese character carries about
/// what an English word does (席不正，不坐。 is a whole sentence in 7 characters).
/// </summary>
/// <param name="Nfkc">Apply Unicode NFKC (folds full-width ，：？ to ASCII ,:? — the report counts each change).</param>
/// <param name="MinChars">Shortest document kept (space-separated scripts).</param>
/// <param name="MinCharsCjk">Shortest document kept when most of its letters are CJK.</param>
/// <param name="MaxChars">Longest document kept.</param>
/// <param name="MinTextFraction">Letters, marks and CJK punctuation as a share of visible characters, at least.</param>
/// <param name="MaxDigitFraction">Digits as a share of visible characters, at most.</param>
/// <param name="MaxRepeatedLineFraction">Share of non-empty lines that repeat an earlier line, at most (Gopher: 0.30).</param>
/// <param name="MaxRepeatedCharFraction">Share of characters in repeated lines, at most (Gopher: 0.20).</param>
public sealed record CleaningOptions(
    bool Nfkc = false,
    int MinChars = 20,
    int MinCharsCjk = 5,
    int MaxChars = 100_000,
    double MinTextFraction = 0.6,
    double MaxDigitFraction = 0.3,
    double MaxRepeatedLineFraction = 0.30,
    double MaxRepeatedCharFraction = 0.20)
{
    public static CleaningOptions Defaults { get; } = new();
}
