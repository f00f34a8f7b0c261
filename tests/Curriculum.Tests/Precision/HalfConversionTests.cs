namespace Curriculum.Tests.Precision;

/// <summary>
/// System.Half, which the library uses for fp16, checked against the IEEE binary16 definition and torch's .half()
/// (fixture): round to nearest even, subnormals, overflow to infinity at 65520, NaN.
/// </summary>
public class HalfConversionTests
{
    static ushort H(float x) => BitConverter.HalfToUInt16Bits((Half)x);

    [Theory]
    [InlineData(65504f, 0x7BFF)]                 // max
    [InlineData(65519.996f, 0x7BFF)]             // just below max + half an ulp
    [InlineData(65520f, 0x7C00)]                 // half-way above max, odd mantissa -> rounds up into inf
    [InlineData(1e5f, 0x7C00)]
    [InlineData(5.9604645e-08f, 0x0001)]         // 2^-24, smallest subnormal
    [InlineData(2.9802322e-08f, 0x0000)]         // 2^-25: half-way between 0 and 2^-24 -> ties to even 0
    [InlineData(2.9802326e-08f, 0x0001)]         // just above 2^-25 -> 2^-24
    [InlineData(8.940697e-08f, 0x0002)]          // 3·2^-25: half-way between 2^-24 (odd) and 2^-23 -> even 2^-23
    [InlineData(6.1035156e-05f, 0x0400)]         // 2^-14, smallest normal
    [InlineData(1.00048828125f, 0x3C00)]         // 1 + 2^-11: half-way, even -> 1
    [InlineData(1.00146484375f, 0x3C02)]         // 1 + 3·2^-11: half-way, odd -> up
    [InlineData(-0f, 0x8000)]
    public void Rounds_per_IEEE_binary16(float x, int expected) => Assert.Equal((ushort)expected, H(x));

    [Fact]
    public void NaN_stays_NaN_and_infinity_stays_infinity()
    {
        Assert.True(Half.IsNaN((Half)BitConverter.UInt32BitsToSingle(0x7F800001))); // payload only in dropped bits
        Assert.True(Half.IsNaN((Half)BitConverter.UInt32BitsToSingle(0xFFC00000)));
        Assert.Equal(0x7C00, H(float.PositiveInfinity));
        Assert.Equal(0xFC00, H(float.NegativeInfinity));
    }

    [Fact]
    public void Widening_is_exact_for_every_bit_pattern()
    {
        for (int b = 0; b < 65536; b++)
        {
            double expected = IeeeReference.Decode(b, 5, 10);
            float actual = (float)BitConverter.UInt16BitsToHalf((ushort)b);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"0x{b:X4}");
            else Assert.Equal(expected, (double)actual);
        }
    }

    [Fact]
    public void Matches_the_IEEE_definition_on_random_floats_across_exponents()
    {
        var reference = new IeeeReference(5, 10);
        var rng = new Random(2);
        for (int i = 0; i < 200_000; i++)
        {
            // exponents 2^-30 .. 2^17 cover underflow to zero, subnormals, normals and overflow
            float x = (float)((1 + rng.NextDouble()) * Math.ScaleB(1.0, rng.Next(-30, 18))) * (rng.Next(2) == 0 ? 1 : -1);
            x = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) ^ (uint)rng.Next(4)); // land on neighbours of ties too
            Assert.True(reference.RoundBits(x) == H(x), $"{x:R}: expected 0x{reference.RoundBits(x):X4}, got 0x{H(x):X4}");
        }
    }

    [Fact]
    public void Matches_torch_half_on_fixture_values()
    {
        var root = PrecisionFixtures.Load("rounding.json");
        var inputs = PrecisionFixtures.UInts(root.GetProperty("input_f32_bits"));
        var torch = PrecisionFixtures.UInts(root.GetProperty("fp16_bits"));
        for (int i = 0; i < inputs.Length; i++)
        {
            var ours = H(BitConverter.UInt32BitsToSingle(inputs[i]));
            if (Half.IsNaN(BitConverter.UInt16BitsToHalf((ushort)torch[i]))) Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(ours)), $"0x{inputs[i]:X8}");
            else Assert.True(torch[i] == ours, $"0x{inputs[i]:X8}: torch 0x{torch[i]:X4}, ours 0x{ours:X4}");
        }
    }
}
