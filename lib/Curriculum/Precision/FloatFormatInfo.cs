namespace Curriculum.Precision;

/// <summary>
/// A binary floating-point format described from its bit layout, like <c>torch.finfo</c>.
/// With e exponent bits and m stored mantissa bits: bias = 2^(e-1) - 1, max = (2 - 2^-m) * 2^bias,
/// smallest normal = 2^(1-bias), smallest subnormal = 2^(1-bias-m), epsilon = 2^-m (IEEE 754-2019, 3.3).
/// </summary>
public sealed record FloatFormatInfo(FloatFormat Format, string Name, int ExponentBits, int MantissaBits)
{
    public static readonly FloatFormatInfo Fp32 = new(FloatFormat.Fp32, "float32", 8, 23);
    public static readonly FloatFormatInfo Bf16 = new(FloatFormat.Bf16, "bfloat16", 8, 7);
    public static readonly FloatFormatInfo Fp16 = new(FloatFormat.Fp16, "float16", 5, 10);

    /// <summary>The descriptor of a format (PyTorch: <c>torch.finfo(dtype)</c>).</summary>
    public static FloatFormatInfo Of(FloatFormat format) => format switch
    {
        FloatFormat.Fp32 => Fp32,
        FloatFormat.Bf16 => Bf16,
        FloatFormat.Fp16 => Fp16,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "expected Fp32, Bf16 or Fp16"),
    };

    /// <summary>Total bits: sign + exponent + stored mantissa.</summary>
    public int Bits => 1 + ExponentBits + MantissaBits;
    public int Bytes => Bits / 8;
    public int ExponentBias => (1 << (ExponentBits - 1)) - 1;
    /// <summary>Largest unbiased exponent of a finite value (all-ones is reserved for inf/NaN).</summary>
    public int MaxExponent => ExponentBias;
    /// <summary>Unbiased exponent of the smallest normal value.</summary>
    public int MinExponent => 1 - ExponentBias;
    /// <summary>Largest finite value (torch.finfo.max).</summary>
    public double Max => (2.0 - Math.ScaleB(1.0, -MantissaBits)) * Math.ScaleB(1.0, MaxExponent);
    /// <summary>Smallest positive normal value (torch.finfo.tiny / smallest_normal).</summary>
    public double MinNormal => Math.ScaleB(1.0, MinExponent);
    /// <summary>Smallest positive subnormal value: below half of it everything rounds to zero.</summary>
    public double MinSubnormal => Math.ScaleB(1.0, MinExponent - MantissaBits);
    /// <summary>Distance from 1 to the next representable value (torch.finfo.eps).</summary>
    public double Epsilon => Math.ScaleB(1.0, -MantissaBits);
    /// <summary>Decimal digits every value keeps: floor(-log10(eps)) (numpy's finfo.precision).</summary>
    public int DecimalDigits => (int)Math.Floor(-Math.Log10(Epsilon));
    /// <summary>10^-DecimalDigits (torch.finfo.resolution).</summary>
    public double Resolution => Math.Pow(10, -DecimalDigits);

    public override string ToString() =>
        $"{Name}: {ExponentBits} exponent + {MantissaBits} mantissa bits, max {Max:G6}, min normal {MinNormal:G6}, " +
        $"min subnormal {MinSubnormal:G6}, eps {Epsilon:G6}, {DecimalDigits} decimal digits";
}
