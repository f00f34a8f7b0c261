namespace Curriculum.Data;

/// <summary>Gopher's repetition rule (Rae et al. 2021, appendix A, table A1): remove a document when
/// more than 30% of its non-empty lines are repeats of an earlier line, or when those repeated lines
/// hold more than 20% of its characters. Catches boilerplate, list spam and "buy now" blocks.</summary>
public sealed class RepeatedLineFilter(double maxDuplicateLineFraction = 0.30, double maxDuplicateCharFraction = 0.20) : TextFilter
{
    public double MaxDuplicateLineFraction { get; } = maxDuplicateLineFraction is >= 0 and <= 1 ? maxDuplicateLineFraction : throw new ArgumentOutOfRangeException(nameof(maxDuplicateLineFraction), "must be in [0,1]");
    public double MaxDuplicateCharFraction { get; } = maxDuplicateCharFraction is >= 0 and <= 1 ? maxDuplicateCharFraction : throw new ArgumentOutOfRangeException(nameof(maxDuplicateCharFraction), "must be in [0,1]");

    public override string Name => "repeated-lines";

    public override FilterOutcome Apply(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lines = 0, dupLines = 0;
        long chars = 0, dupChars = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            lines++;
            chars += line.Length;
            if (!seen.Add(line)) { dupLines++; dupChars += line.Length; }
        }
        if (lines < 2 || dupLines == 0) return FilterOutcome.Keep(text);
        double lineFraction = (double)dupLines / lines, charFraction = (double)dupChars / chars;
        if (lineFraction > MaxDuplicateLineFraction)
            return FilterOutcome.Remove("repeated lines", $"{dupLines} of {lines} lines repeat ({lineFraction:P0} > {MaxDuplicateLineFraction:P0})");
        if (charFraction > MaxDuplicateCharFraction)
            return FilterOutcome.Remove("repeated lines", $"repeated lines hold {charFraction:P0} of chars > {MaxDuplicateCharFraction:P0}");
        return FilterOutcome.Keep(text);
    }
}
