namespace Curriculum.Data;

/// <summary>Removes documents shorter than <paramref name="minChars"/> or longer than
/// <paramref name="maxChars"/> characters (after the earlier steps have run).</summary>
public sealed class LengthFilter(int minChars = 20, int maxChars = 100_000) : TextFilter
{
    public int MinChars { get; } = minChars >= 0 ? minChars : throw new ArgumentOutOfRangeException(nameof(minChars), "must be >= 0");
    public int MaxChars { get; } = maxChars >= minChars ? maxChars : throw new ArgumentOutOfRangeException(nameof(maxChars), $"must be >= minChars ({minChars})");
    public override string Name => "length";

    public override FilterOutcome Apply(string text)
    {
        int n = text.Trim().Length;
        if (n < MinChars) return FilterOutcome.Remove("too short", $"{n} chars < {MinChars}");
        if (n > MaxChars) return FilterOutcome.Remove("too long", $"{n} chars > {MaxChars}");
        return FilterOutcome.Keep(text);
    }
}
