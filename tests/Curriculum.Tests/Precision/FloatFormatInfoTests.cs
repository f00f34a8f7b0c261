using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>Format descriptors against the IEEE 754 binary16/binary32 parameters, .NET's own constants and torch.finfo (fixture).</summary>
public class FloatFormatInfoTests
{
    [Fact]
    public void Fp16_matches_IEEE_binary16()
    {
        var f = FloatFormatInfo.Fp16;
        Assert.Equal((16, 2, 15, 15, -14), (f.Bits, f.Bytes, f.ExponentBias, f.MaxExponent, f.MinExponent));
        Assert.Equal(65504.0, f.Max);                 // (2 - 2^-10) · 2^15
        Assert.Equal(6.103515625e-05, f.MinNormal);   // 2^-14
        Assert.Equal(5.9604644775390625e-08, f.MinSubnormal); // 2^-24
        Assert.Equal(0.0009765625, f.Epsilon);        // 2^-10
        Assert.Equal(3, f.DecimalDigits);
        Assert.Equal((double)Half.MaxValue, f.Max);
        Assert.Equal((double)Half.Epsilon, f.MinSubnormal); // .NET's Half.Epsilon is the smallest subnormal
    }

    [Fact]
    public void Fp32_matches_IEEE_binary32_and_dotnet_float()
    {
        var f = FloatFormatInfo.Fp32;
        Assert.Equal((32, 4, 127), (f.Bits, f.Bytes, f.ExponentBias));
        Assert.Equal(float.MaxValue, f.Max);
        Assert.Equal(float.Epsilon, f.MinSubnormal); // 2^-149
        Assert.Equal(BitConverter.UInt32BitsToSingle(0x00800000), f.MinNormal);
        Assert.Equal(MathF.BitIncrement(1f) - 1f, f.Epsilon);
        Assert.Equal(6, f.DecimalDigits);
    }

    [Fact]
    public void Bf16_keeps_fp32_range_with_8_bits_of_precision()
    {
        var f = FloatFormatInfo.Bf16;
        Assert.Equal(FloatFormatInfo.Fp32.MinNormal, f.MinNormal);
        Assert.Equal((double)(float)BFloat16.MaxValue, f.Max);        // bits 0x7F7F
        Assert.Equal((double)(float)BFloat16.Epsilon, f.MinSubnormal); // bits 0x0001 = 2^-133
        Assert.Equal(Math.ScaleB(1.0, -133), f.MinSubnormal);
        Assert.Equal(0.0078125, f.Epsilon); // 2^-7
        Assert.Equal(2, f.DecimalDigits);
    }

    [Theory]
    [InlineData("fp32", FloatFormat.Fp32)]
    [InlineData("fp16", FloatFormat.Fp16)]
    [InlineData("bf16", FloatFormat.Bf16)]
    public void Matches_torch_finfo(string key, FloatFormat format)
    {
        var t = PrecisionFixtures.Load("finfo.json").GetProperty("finfo").GetProperty(key);
        var f = FloatFormatInfo.Of(format);
        Assert.Equal(t.GetProperty("bits").GetInt32(), f.Bits);
        Assert.Equal(t.GetProperty("eps").GetDouble(), f.Epsilon);
        Assert.Equal(t.GetProperty("max").GetDouble(), f.Max);
        Assert.Equal(t.GetProperty("min").GetDouble(), -f.Max);
        Assert.Equal(t.GetProperty("tiny").GetDouble(), f.MinNormal);
        Assert.Equal(t.GetProperty("smallest_normal").GetDouble(), f.MinNormal);
        Assert.Equal(t.GetProperty("resolution").GetDouble(), f.Resolution, 15);
    }

    [Fact]
    public void Unknown_format_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FloatFormatInfo.Of((FloatFormat)7));
        Assert.Contains("Fp32, Bf16 or Fp16", e.Message);
    }
}
