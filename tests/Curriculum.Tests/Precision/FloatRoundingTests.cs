using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>
/// In-place round trips through bf16/fp16 over spans (vector body and scalar tail) against torch's
/// x.bfloat16().float() / x.half().float() (fixture) and against the one-value conversions.
/// </summary>
public class FloatRoundingTests
{
    static (uint[] inputs, uint[] bf16, uint[] fp16) Fixture()
    {
        var root = PrecisionFixtures.Load("rounding.json");
        return (PrecisionFixtures.UInts(root.GetProperty("input_f32_bits")), PrecisionFixtures.UInts(root.GetProperty("bf16_bits")),
                PrecisionFixtures.UInts(root.GetProperty("fp16_bits")));
    }

    static float[] Floats(uint[] bits) => Array.ConvertAll(bits, BitConverter.UInt32BitsToSingle);

    [Theory]
    [InlineData(FloatFormat.Bf16)]
    [InlineData(FloatFormat.Fp16)]
    public void Span_round_trip_matches_torch(FloatFormat format)
    {
        var (inputs, bf16, fp16) = Fixture();
        var x = Floats(inputs);
        FloatRounding.Round(x, format);
        for (int i = 0; i < x.Length; i++)
        {
            float torch = format == FloatFormat.Bf16
                ? (float)BFloat16.FromBits((ushort)bf16[i])
                : (float)BitConverter.UInt16BitsToHalf((ushort)fp16[i]);
            if (float.IsNaN(torch)) Assert.True(float.IsNaN(x[i]), $"0x{inputs[i]:X8}");
            else Assert.True(BitConverter.SingleToUInt32Bits(torch) == BitConverter.SingleToUInt32Bits(x[i]),
                $"0x{inputs[i]:X8}: torch {torch:R}, ours {x[i]:R}");
        }
    }

    [Theory]
    [InlineData(FloatFormat.Bf16)]
    [InlineData(FloatFormat.Fp16)]
    public void Vector_body_equals_scalar_conversion_bit_for_bit_including_NaN(FloatFormat format)
    {
        var rng = new Random(3);
        var bits = new uint[100_003]; // not a multiple of any vector width: the tail runs too
        for (int i = 0; i < bits.Length; i++)
            bits[i] = i % 3 == 0 ? (uint)rng.NextInt64(0, 1L << 32)                          // anything, NaNs included
                : BitConverter.SingleToUInt32Bits((float)(rng.NextDouble() * Math.ScaleB(1.0, rng.Next(-28, 18))));
        var x = Floats(bits);
        FloatRounding.Round(x, format);
        for (int i = 0; i < bits.Length; i++)
        {
            float one = BitConverter.UInt32BitsToSingle(bits[i]);
            float expected = format == FloatFormat.Bf16 ? (float)(BFloat16)one : (float)(Half)one;
            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(x[i]),
                $"0x{bits[i]:X8}: scalar 0x{BitConverter.SingleToUInt32Bits(expected):X8}, span 0x{BitConverter.SingleToUInt32Bits(x[i]):X8}");
        }
    }

    [Fact]
    public void Fp32_leaves_values_unchanged_and_one_value_form_agrees()
    {
        float[] x = [1.0000001f, float.NaN, 1e-45f];
        FloatRounding.Round(x, FloatFormat.Fp32);
        Assert.Equal([1.0000001f, float.NaN, 1e-45f], x);
        Assert.Equal(1f, FloatRounding.Round(1.0000001f, FloatFormat.Bf16));
        Assert.Equal(0f, FloatRounding.Round(1e-8f, FloatFormat.Fp16));          // below 2^-25: fp16 gradient underflow
        Assert.Equal(1e-8f, FloatRounding.Round(1e-8f, FloatFormat.Bf16), 1e-10f); // bf16 keeps fp32's range
        Assert.Throws<ArgumentOutOfRangeException>(() => FloatRounding.Round(x, (FloatFormat)9));
    }
}
