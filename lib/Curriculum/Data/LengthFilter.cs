namespace Curriculum.Data;

/// <summary>Removes documents shorter than <paramref name="minChars"/> (<paramref name="minCharsCjk"/> when most of
/// their letters are CJK, see <see cref="Scripts"/>) or longer than <paramref name="maxChars"/> characters (after the
/// earlier steps have run).</summary>
public sealed class LengthFilter(int minChars = 20, int maxChars = 100_000, int? minCharsCjk = null) : TextFilter
{
    public int MinChars { get; } = minChars >= 0 ? minChars : throw new ArgumentOutOfRangeException(nameof(minChars), "must be >= 0");
    public int MinCharsCjk { get; } = (minCharsCjk ?? minChars) >= 0 ? minCharsCjk ?? minChars : throw new ArgumentOutOfRangeException(nameof(minCharsCjk), "must be >= 0");
    public int MaxChars { get; } = maxChars >= Math.Max(minChars, minCharsCjk ?? 0) ? maxChars : throw new ArgumentOutOfRangeException(nameof(maxChars), $"must be >= the minimum lengths ({minChars}, {minCharsCjk})");
    public override string Name => "length";

    public override FilterOutcome Apply(string text)
    {
        var trimmed = text.AsSpan().Trim();
        int n = trimmed.Length;
        bool cjk = Scripts.IsMostlyCjk(trimmed);
        int min = cjk ? MinCharsCjk : MinChars;
        if (n < min) return FilterOutcome.Remove("too short", $"{n} chars < {min}{(cjk ? " (CJK text)" : "")}");
        if (n > MaxChars) return FilterOutcome.Remove("too long", $"{n} chars > {MaxChars}");
        return FilterOutcome.Keep(text);
    }
}
