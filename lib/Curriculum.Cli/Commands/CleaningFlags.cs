using System.CommandLine;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary>The command-line form of <see cref="CleaningOptions"/>: one option per threshold, defaults from
/// <see cref="CleaningOptions.Defaults"/> (data.json's "clean" step takes the same names in snake_case).</summary>
sealed class CleaningFlags
{
    static readonly CleaningOptions D = CleaningOptions.Defaults;
    readonly Option<bool> _nfkc = new("--nfkc") { Description = "Also apply Unicode NFKC normalisation (folds full-width ，：？ to ,:?; the report counts every change)." };
    readonly Option<int> _minChars = new("--min-chars") { Description = "Remove documents shorter than this (characters).", DefaultValueFactory = _ => D.MinChars };
    readonly Option<int> _minCharsCjk = new("--min-chars-cjk") { Description = "Remove documents shorter than this when most of their letters are CJK.", DefaultValueFactory = _ => D.MinCharsCjk };
    readonly Option<int> _maxChars = new("--max-chars") { Description = "Remove documents longer than this.", DefaultValueFactory = _ => D.MaxChars };
    readonly Option<double> _minText = new("--min-text-fraction") { Description = "Remove documents whose letters (and CJK punctuation) are a smaller share of visible characters.", DefaultValueFactory = _ => D.MinTextFraction };
    readonly Option<double> _maxDigits = new("--max-digit-fraction") { Description = "Remove documents whose digits are a larger share of visible characters.", DefaultValueFactory = _ => D.MaxDigitFraction };
    readonly Option<double> _maxRepeatedLines = new("--max-repeated-lines") { Description = "Remove documents where a larger share of lines repeat an earlier line (Gopher: 0.3).", DefaultValueFactory = _ => D.MaxRepeatedLineFraction };
    readonly Option<double> _maxRepeatedChars = new("--max-repeated-chars") { Description = "Remove documents where repeated lines hold a larger share of characters (Gopher: 0.2).", DefaultValueFactory = _ => D.MaxRepeatedCharFraction };

    Option[] All => [_nfkc, _minChars, _minCharsCjk, _maxChars, _minText, _maxDigits, _maxRepeatedLines, _maxRepeatedChars];

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    /// <summary>The options given on the command line (not left at their defaults).</summary>
    public IEnumerable<Option> Given(ParseResult p) => All.Where(o => p.GetResult(o) is { Implicit: false });

    public CleaningOptions Read(ParseResult p) => new(p.GetValue(_nfkc), p.GetValue(_minChars), p.GetValue(_minCharsCjk), p.GetValue(_maxChars),
        p.GetValue(_minText), p.GetValue(_maxDigits), p.GetValue(_maxRepeatedLines), p.GetValue(_maxRepeatedChars));
}
