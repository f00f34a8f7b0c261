using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class MixtureTests
{
    // Brown et al. 2020 (GPT-3), table 2.2: tokens, weight in training mix, epochs elapsed at 300B tokens.
    static readonly MixtureSource[] Gpt3 =
    [
        new("Common Crawl", 410_000_000_000, 0.60),
        new("WebText2", 19_000_000_000, 0.22),
        new("Books1", 12_000_000_000, 0.08),
        new("Books2", 55_000_000_000, 0.08),
        new("Wikipedia", 3_000_000_000, 0.03),
    ];

    [Fact]
    public void Gpt3TableFromItsRoundedFigures()
    {
        var plan = MixturePlan.Create(Gpt3, 300_000_000_000);
        // The weights sum to 101%: normalised, and the plan says so.
        Assert.Contains("1.01", Assert.Single(plan.Notes));
        var e = plan.Entries.ToDictionary(x => x.Name, x => x.Epochs);
        // Hand arithmetic: epochs = (w / 1.01) x 300 / tokens.
        Assert.Equal(0.60 / 1.01 * 300 / 410, e["Common Crawl"], 12);   // 0.4346
        Assert.Equal(0.03 / 1.01 * 300 / 3, e["Wikipedia"], 12);        // 2.970
        // Against the paper's reported epochs: Common Crawl 0.44, Books1 1.9, Books2 0.43 agree to
        // rounding; Wikipedia 3.4 and WebText2 2.9 do not follow from the rounded token counts
        // (3% of 300B over 3B tokens is 3.0, 22% over 19B is 3.47).
        Assert.Equal(0.44, e["Common Crawl"], 1);
        Assert.InRange(e["Common Crawl"], 0.43, 0.445);
        Assert.InRange(e["Books1"], 1.9, 2.0);
        Assert.InRange(e["Books2"], 0.43, 0.44);
        Assert.InRange(e["Wikipedia"], 2.9, 3.0);
        Assert.InRange(e["WebText2"], 3.4, 3.5);
        // Unnormalised (as the paper's own arithmetic): 0.6 x 300 / 410 = 0.439 -> "0.44".
        Assert.Equal(0.44, Math.Round(0.60 * 300 / 410, 2));
        Assert.Equal(300e9, plan.Entries.Sum(x => x.SampledTokens), 1);
    }

    [Fact]
    public void BadWeightsAndBudgets()
    {
        var neg = Assert.Throws<ArgumentOutOfRangeException>(() => MixturePlan.Create([new("a", 10, 0.5), new("b", 10, -0.1)], 100));
        Assert.Contains("'b'", neg.Message);
        var small = Assert.Throws<ArgumentOutOfRangeException>(() => MixturePlan.Create([new("a", 10, 1)], 100, batchTokens: 512));
        Assert.Contains("smaller than one batch", small.Message);
        Assert.Throws<ArgumentException>(() => MixturePlan.Create([new("a", 10, 0)], 100));
        Assert.Empty(MixturePlan.Create([new("a", 10, 0.25), new("b", 10, 0.75)], 100).Notes);
    }

    [Fact]
    public void TemperatureSamplingHandWorked()
    {
        // alpha = 1: proportional; alpha = 0: uniform; alpha = 0.5 over (100, 1): sqrt -> (10, 1) / 11.
        Assert.Equal([0.75, 0.25], TemperatureSampling.Weights([300, 100], 1.0));
        Assert.Equal([0.5, 0.5], TemperatureSampling.Weights([300, 100], 0.0));
        var w = TemperatureSampling.Weights([100, 1], 0.5);
        Assert.Equal(10.0 / 11, w[0], 12);
        Assert.Equal(1.0 / 11, w[1], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureSampling.Weights([1, 2], -1));
    }

    [Fact]
    public void RealisedProportionsMatchThePlanWithinBinomialError()
    {
        double[] w = [0.6, 0.22, 0.08, 0.07, 0.03];
        const int n = 20_000;
        int within2 = 0, total = 0;
        for (ulong seed = 1; seed <= 8; seed++)
        {
            var sampler = new MixtureSampler(w, seed);
            for (int t = 0; t < n; t++) sampler.Next();
            for (int i = 0; i < w.Length; i++)
            {
                double sd = Math.Sqrt(n * w[i] * (1 - w[i]));
                double dev = Math.Abs(sampler.Counts[i] - n * w[i]);
                Assert.True(dev < 4.5 * sd, $"seed {seed} source {i}: {sampler.Counts[i]} vs {n * w[i]} (sd {sd:F1})");
                if (dev < 2 * sd) within2++;
                total++;
            }
        }
        Assert.True(within2 >= 0.85 * total, $"{within2}/{total} within 2 sd"); // ~95% expected
        // Same seed, same stream.
        var a = new MixtureSampler(w, 5); var b = new MixtureSampler(w, 5);
        Assert.Equal(Enumerable.Range(0, 100).Select(_ => a.Next()), Enumerable.Range(0, 100).Select(_ => b.Next()));
    }

    [Fact]
    public void SchedulesPlaceHighQualityLateEarlyOrThroughout()
    {
        double[] normal = [1, 0], withHq = [0.5, 0.5];
        var late = MixtureSchedule.LateHighQuality(normal, withHq, decayStart: 0.9);
        Assert.Equal([1.0, 0.0], late.WeightsAt(0.5));
        Assert.Equal([0.5, 0.5], late.WeightsAt(0.95));
        Assert.Equal([0.5, 0.5], late.WeightsAt(1.0));
        Assert.Equal(0.05, late.TotalShare()[1], 12);           // 0.5 x 0.1 of the budget
        var early = MixtureSchedule.EarlyHighQuality([0, 1], normal, until: 0.1);
        Assert.Equal([0.0, 1.0], early.WeightsAt(0.05));
        Assert.Equal([1.0, 0.0], early.WeightsAt(0.1));
        Assert.Equal(0.1, early.TotalShare()[1], 12);
        Assert.Equal([0.0, 1.0], MixtureSchedule.AllHighQuality(2, 1).WeightsAt(0.3));
        Assert.Throws<ArgumentOutOfRangeException>(() => late.WeightsAt(1.5));
        Assert.Equal([1.0, 0.0], normal); // the caller's arrays are not normalised in place
        // A sampler driven by the schedule uses only the HQ source before progress 0.1.
        var s = new MixtureSampler(early, 9);
        Assert.All(Enumerable.Range(0, 200).Select(_ => s.Next(0.05)), i => Assert.Equal(1, i));
    }

    [Fact]
    public void SampleCyclesSourcesIntoNewEpochs()
    {
        var s = new MixtureSampler([0.5, 0.5], 2);
        var items = s.Sample<string>([["a1", "a2"], ["b1"]], 100).ToList();
        Assert.Equal(100, items.Count);
        Assert.All(items, x => Assert.StartsWith(x.Source == 0 ? "a" : "b", x.Item));
        Assert.Equal(s.Counts[1], items.Count(x => x.Item == "b1"));
    }
}
