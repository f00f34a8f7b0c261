using Curriculum.Objectives;
using Curriculum.Data;

namespace Curriculum.Tests.Objectives;

/// <summary>The noise masks' counts and distributions against their definitions, over many draws.</summary>
public class T5NoiseStatisticsTests
{
    static double Choose(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    static List<(bool Noise, int Length)> Runs(bool[] mask)
    {
        var runs = new List<(bool, int)>();
        for (int i = 0; i < mask.Length; i++)
            if (i == 0 || mask[i] != mask[i - 1]) runs.Add((mask[i], 1));
            else runs[^1] = (mask[i], runs[^1].Item2 + 1);
        return runs;
    }

    [Theory]
    [InlineData(100, 0.15, 3.0, 15, 5)]
    [InlineData(512, 0.15, 3.0, 77, 26)]   // round(76.8) = 77 noise tokens, round(25.67) = 26 spans
    [InlineData(64, 0.5, 10.0, 32, 3)]
    [InlineData(20, 0.25, 2.0, 5, 2)]      // round(2.5) = 2 (to even, as tf.round and Python round)
    public void RandomSpansHaveTheExactNoiseAndSpanCounts(int length, double density, double meanSpan, int noise, int spans)
    {
        var random = new SplitMix64(42);
        for (int draw = 0; draw < 200; draw++)
        {
            var mask = NoiseMasks.RandomSpans(length, density, meanSpan, random);
            var runs = Runs(mask);
            Assert.Equal(noise, mask.Count(m => m));
            Assert.False(runs[0].Noise);               // non-noise first ...
            Assert.True(runs[^1].Noise);               // ... noise last, alternating: 2 runs per span
            Assert.Equal(2 * spans, runs.Count);
        }
    }

    [Fact]
    public void RandomSpanLengthsFollowAUniformRandomComposition()
    {
        // 15 noise tokens cut into 5 spans uniformly among C(14, 4) compositions:
        // P(first span = j) = C(15 - j - 1, 3) / C(14, 4). Each count within 5 binomial standard deviations.
        const int draws = 4000;
        var counts = new int[16];
        var random = new SplitMix64(7);
        double meanSum = 0;
        for (int d = 0; d < draws; d++)
        {
            var spans = Runs(NoiseMasks.RandomSpans(100, 0.15, 3, random)).Where(r => r.Noise).Select(r => r.Length).ToArray();
            counts[spans[0]]++;
            meanSum += spans.Average();
        }
        Assert.Equal(3.0, meanSum / draws, 12);
        for (int j = 1; j <= 5; j++)
        {
            double p = Choose(15 - j - 1, 3) / Choose(14, 4);
            double sd = Math.Sqrt(draws * p * (1 - p));
            Assert.InRange(counts[j], draws * p - 5 * sd, draws * p + 5 * sd);
        }
    }

    [Fact]
    public void IidMaskRateIsBinomial()
    {
        const int n = 200_000;
        int noise = NoiseMasks.Iid(n, 0.15, new SplitMix64(3)).Count(m => m);
        double sd = Math.Sqrt(n * 0.15 * 0.85);
        Assert.InRange(noise, n * 0.15 - 5 * sd, n * 0.15 + 5 * sd);
    }

    [Fact]
    public void PrefixSplitPointIsUniformOverOneToLengthMinusOne()
    {
        var random = new SplitMix64(9);
        var counts = new int[10];
        const int draws = 9000;
        for (int d = 0; d < draws; d++) counts[Array.IndexOf(NoiseMasks.RandomPrefix(10, random), true)]++;
        Assert.Equal(0, counts[0]);
        double p = 1.0 / 9, sd = Math.Sqrt(draws * p * (1 - p));
        for (int k = 1; k < 10; k++) Assert.InRange(counts[k], draws * p - 5 * sd, draws * p + 5 * sd);
    }

    [Fact]
    public void BertStyleReplacesAboutTenPercentWithRandomTokens()
    {
        var c = new T5ObjectiveCollator(T5Objective.BertStyle, 1000, 999, seed: 11);
        int corrupted = 0, masked = 0;
        var tokens = Enumerable.Range(3, 500).ToArray();
        for (int d = 0; d < 100; d++)
        {
            var e = c.Corrupt(tokens);
            for (int i = 0; i < tokens.Length; i++)
                if (e.InputIds[i] != tokens[i] || e.InputIds[i] == 999) { corrupted++; if (e.InputIds[i] == 999) masked++; }
        }
        double expected = 50_000 * 0.15, sd = Math.Sqrt(50_000 * 0.15 * 0.85);
        Assert.InRange(corrupted, expected - 5 * sd - 50_000 * 0.15 * 0.1 * 0.002, expected + 5 * sd);
        double pMask = 0.9 / (0.9 + 0.1 * (1 - 1.0 / 997)), sdMask = Math.Sqrt(corrupted * pMask * (1 - pMask));
        Assert.InRange(masked, corrupted * pMask - 5 * sdMask, corrupted * pMask + 5 * sdMask);
    }

    [Fact]
    public void SameSeedSameExamples()
    {
        var tokens = Enumerable.Range(3, 300).ToArray();
        foreach (var objective in Enum.GetValues<T5Objective>())
        {
            var a = new T5ObjectiveCollator(objective, 1000, 999, seed: 123);
            var b = new T5ObjectiveCollator(objective, 1000, 999, seed: 123);
            for (int i = 0; i < 3; i++)
            {
                var (ea, eb) = (a.Corrupt(tokens), b.Corrupt(tokens));
                Assert.Equal(ea.InputIds, eb.InputIds);
                Assert.Equal(ea.TargetIds, eb.TargetIds);
            }
        }
    }
}
