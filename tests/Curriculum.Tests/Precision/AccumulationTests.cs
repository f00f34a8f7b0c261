using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>Swamping in low-precision accumulators, hand-worked from the formats' spacing.</summary>
public class AccumulationTests
{
    [Fact]
    public void Summing_ones_stalls_where_the_spacing_reaches_two()
    {
        var ones = new float[4096];
        Array.Fill(ones, 1f);
        // fp32 represents every integer to 2^24. fp16 (11 significant bits): at 2048 the spacing is 2 and 2048 + 1
        // ties to the even 2048. bf16 (8 significant bits): the same at 256.
        Assert.Equal(4096f, Accumulation.Sum(ones, FloatFormat.Fp32));
        Assert.Equal(2048f, Accumulation.Sum(ones, FloatFormat.Fp16));
        Assert.Equal(256f, Accumulation.Sum(ones, FloatFormat.Bf16));
    }

    [Fact]
    public void Dot_rounds_products_and_total()
    {
        float[] a = [0.1f, 0.2f, 0.3f], b = [1f, 1f, 1f];
        Assert.Equal(0.1f + 0.2f + 0.3f, Accumulation.Dot(a, b, FloatFormat.Fp32));
        // bf16: 0.1 -> 0.10009765625, 0.2 -> 0.2001953125 (sum 0.30029296875 -> 0.30078125), 0.3 -> 0.30078125, total 0.6015625
        Assert.Equal(0.6015625f, Accumulation.Dot(a, b, FloatFormat.Bf16));
        Assert.Throws<ArgumentException>(() => Accumulation.Dot(a, [1f], FloatFormat.Fp32));
    }
}
