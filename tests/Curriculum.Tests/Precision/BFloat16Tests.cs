using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>float -> bf16 against the IEEE definition (round to nearest, ties to even) and against torch's .bfloat16() (fixture).</summary>
public class BFloat16Tests
{
    static ushort Bf(uint floatBits) => ((BFloat16)BitConverter.UInt32BitsToSingle(floatBits)).Bits;

    [Theory]
    [InlineData(0x3F808000u, 0x3F80)] // 1 + 2^-8: half-way between 1 and 1 + 2^-7, kept part even -> down
    [InlineData(0x3F818000u, 0x3F82)] // half-way, kept part odd -> up to even
    [InlineData(0x3F807FFFu, 0x3F80)] // just below half-way -> down
    [InlineData(0x3F808001u, 0x3F81)] // just above half-way -> up
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue is beyond bf16's max + half an ulp -> +inf
    [InlineData(0x7F7F7FFFu, 0x7F7F)] // just below that -> bf16 max
    [InlineData(0x7F7F8000u, 0x7F80)] // the half-way point above bf16 max, odd kept part -> rounds up into inf
    [InlineData(0xFF7FFFFFu, 0xFF80)] // -> -inf
    [InlineData(0x00008000u, 0x0000)] // subnormal half-way to the smallest bf16 subnormal: ties to even 0
    [InlineData(0x00018000u, 0x0002)] // subnormal half-way, odd -> up
    [InlineData(0x00008001u, 0x0001)] // just above -> smallest bf16 subnormal 2^-133
    [InlineData(0x007FFFFFu, 0x0080)] // largest fp32 subnormal rounds up to the smallest normal
    [InlineData(0x80000000u, 0x8000)] // -0 keeps its sign
    [InlineData(0x7F800000u, 0x7F80)]
    public void Rounds_to_nearest_even(uint input, int expected) => Assert.Equal((ushort)expected, Bf(input));

    [Theory]
    [InlineData(0x7FC00000u, 0x7FC0)]
    [InlineData(0x7F800001u, 0x7FC0)] // signalling NaN with payload only in the dropped bits: truncation would give inf
    [InlineData(0xFFA00000u, 0xFFE0)] // negative signalling NaN: sign and top payload kept, quiet bit set
    public void NaN_stays_quiet_NaN(uint input, int expected)
    {
        Assert.Equal((ushort)expected, Bf(input));
        Assert.True(BFloat16.IsNaN(BFloat16.FromBits((ushort)expected)));
    }

    [Fact]
    public void Widening_is_exact_for_every_bit_pattern()
    {
        for (int b = 0; b < 65536; b++)
        {
            double expected = IeeeReference.Decode(b, 8, 7);
            float actual = (float)BFloat16.FromBits((ushort)b);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"0x{b:X4}");
            else Assert.Equal(expected, (double)actual);
        }
    }

    [Fact]
    public void Matches_the_IEEE_definition_on_random_floats()
    {
        var reference = new IeeeReference(8, 7);
        var rng = new Random(1);
        for (int i = 0; i < 200_000; i++)
        {
            uint bits = (uint)rng.NextInt64(0, 1L << 32);
            float x = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(x)) continue;
            Assert.True(reference.RoundBits(x) == Bf(bits), $"0x{bits:X8}: expected 0x{reference.RoundBits(x):X4}, got 0x{Bf(bits):X4}");
        }
    }

    [Fact]
    public void Matches_torch_bfloat16_on_fixture_values()
    {
        var root = PrecisionFixtures.Load("rounding.json");
        var inputs = PrecisionFixtures.UInts(root.GetProperty("input_f32_bits"));
        var torch = PrecisionFixtures.UInts(root.GetProperty("bf16_bits"));
        Assert.True(inputs.Length > 2000);
        for (int i = 0; i < inputs.Length; i++)
        {
            var ours = BFloat16.FromBits(Bf(inputs[i]));
            // torch's NaN pattern depends on the kernel (0x7FC0 scalar, 0xFFFF vectorised): compare NaN-ness only.
            if (BFloat16.IsNaN(BFloat16.FromBits((ushort)torch[i]))) Assert.True(BFloat16.IsNaN(ours), $"0x{inputs[i]:X8}");
            else Assert.True(torch[i] == ours.Bits, $"0x{inputs[i]:X8}: torch 0x{torch[i]:X4}, ours 0x{ours.Bits:X4}");
        }
    }

    [Fact]
    public void Span_conversion_round_trips_and_checks_lengths()
    {
        float[] x = [1f, 1.00390625f, -3.5f, 1e-40f];
        var b = new BFloat16[4];
        BFloat16.ConvertFrom(x, b);
        var back = new float[4];
        BFloat16.ConvertTo(b, back);
        Assert.Equal([1f, 1f, -3.5f, (float)(BFloat16)1e-40f], back);
        Assert.Throws<ArgumentException>(() => BFloat16.ConvertFrom(x, new BFloat16[3]));
        Assert.Throws<ArgumentException>(() => BFloat16.ConvertTo(b, new float[2]));
    }

    [Fact]
    public void Equality_is_IEEE_for_operators_and_reflexive_for_Equals()
    {
        Assert.True(BFloat16.FromBits(0x0000) == BFloat16.FromBits(0x8000));
        var nan = BFloat16.FromBits(0x7FC0);
        Assert.False(BFloat16.NaN == nan);
        Assert.True(BFloat16.NaN.Equals(BFloat16.NaN));
        Assert.Equal("1.5", ((BFloat16)1.5f).ToString());
        Assert.True(BFloat16.IsSubnormal(BFloat16.Epsilon));
        Assert.True(BFloat16.IsInfinity(BFloat16.NegativeInfinity));
        Assert.False(BFloat16.IsFinite(BFloat16.NaN));
    }
}
