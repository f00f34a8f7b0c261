namespace Curriculum.Precision;

/// <summary>
/// bfloat16: the top 16 bits of an fp32 value (sign, 8 exponent bits, 7 mantissa bits), so it keeps fp32's range
/// and drops precision (PyTorch: torch.bfloat16). Conversion from float rounds to nearest, ties to even:
/// <c>bits(x) + 0x7FFF + (bit 16 of x)</c>, then the low 16 bits dropped; overflow carries into infinity,
/// fp32 subnormals round to bf16 subnormals, NaN stays NaN with the quiet bit set.
/// Worked example: 1 + 2^-8 (0x3F808000) is half-way between 1 (0x3F80) and 1 + 2^-7 (0x3F81): ties to the even 0x3F80.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    public ushort Bits { get; }

    BFloat16(ushort bits) => Bits = bits;

    public static BFloat16 FromBits(ushort bits) => new(bits);

    public static readonly BFloat16 PositiveInfinity = new(0x7F80);
    public static readonly BFloat16 NegativeInfinity = new(0xFF80);
    public static readonly BFloat16 NaN = new(0x7FC0);
    public static readonly BFloat16 MaxValue = new(0x7F7F);
    public static readonly BFloat16 Epsilon = new(0x0001);

    public static bool IsNaN(BFloat16 x) => (x.Bits & 0x7FFF) > 0x7F80;
    public static bool IsInfinity(BFloat16 x) => (x.Bits & 0x7FFF) == 0x7F80;
    public static bool IsFinite(BFloat16 x) => (x.Bits & 0x7F80) != 0x7F80;
    public static bool IsSubnormal(BFloat16 x) => (x.Bits & 0x7F80) == 0 && (x.Bits & 0x007F) != 0;

    /// <summary>Round to nearest, ties to even (PyTorch: <c>tensor.bfloat16()</c>).</summary>
    public static explicit operator BFloat16(float value) => new(RoundBits(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Exact: every bf16 value is an fp32 value.</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    internal static ushort RoundBits(uint bits)
    {
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (ushort)((bits >> 16) | 0x0040); // NaN: keep sign and payload top, quiet
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>Converts a span (PyTorch: <c>x.bfloat16()</c>); destination at least as long as source.</summary>
    public static void ConvertFrom(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination has {destination.Length} elements, source {source.Length}", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = (BFloat16)source[i];
    }

    /// <summary>Widens a span exactly (PyTorch: <c>x.float()</c>); destination at least as long as source.</summary>
    public static void ConvertTo(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination has {destination.Length} elements, source {source.Length}", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = (float)source[i];
    }

    /// <summary>IEEE comparison: NaN is not equal to itself, +0 equals -0.</summary>
    public static bool operator ==(BFloat16 a, BFloat16 b) => (float)a == (float)b;
    public static bool operator !=(BFloat16 a, BFloat16 b) => (float)a != (float)b;

    /// <summary>Like float.Equals: NaN equals NaN, so values can be dictionary keys.</summary>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);
    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);
    public override int GetHashCode() => ((float)this).GetHashCode();
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
