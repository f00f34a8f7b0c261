namespace Curriculum.Precision;

/// <summary>
/// Sums and dot products whose running total is kept in a given format (rounded after every addition), the way a
/// matrix product's accumulator behaves in that format. Shows swamping: adding 1 to an fp16 total of 2048 gives
/// 2048 (the spacing there is 2, and 2049 ties to the even 2048), so a long fp16 sum stalls; fp32 accumulation avoids it.
/// </summary>
public static class Accumulation
{
    /// <summary>Σ values[i], the total rounded to <paramref name="accumulator"/> after each addition.</summary>
    public static float Sum(ReadOnlySpan<float> values, FloatFormat accumulator)
    {
        float total = 0;
        for (int i = 0; i < values.Length; i++) total = FloatRounding.Round(total + values[i], accumulator);
        return total;
    }

    /// <summary>Σ a[i]·b[i], each product and the total rounded to <paramref name="accumulator"/> (an fp16 FMA unit rounds once; this rounds twice, like separate multiply and add).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, FloatFormat accumulator)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}", nameof(b));
        float total = 0;
        for (int i = 0; i < a.Length; i++)
            total = FloatRounding.Round(total + FloatRounding.Round(a[i] * b[i], accumulator), accumulator);
        return total;
    }
}
