using Curriculum.Optim;

namespace Curriculum.Tests.Schedules;

/// <summary>Exact values at each phase boundary, worked by hand from each schedule's formula.</summary>
public class ScheduleBoundaryTests
{
    static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void ConstantIsTheSameEverywhere()
    {
        var s = new ConstantSchedule(3e-4);
        Assert.Equal(3e-4, s.LearningRate(0));
        Assert.Equal(3e-4, s.LearningRate(1_000_000_000));
    }

    [Fact]
    public void WarmupStartsAtZeroAndReachesThePeakAtTheLastWarmupStepPlusOne()
    {
        // Hugging Face convention: lr = peak * step / warmup, so step 0 trains with LR 0 and step `warmup` with the peak.
        var s = new WarmupCosineDecaySchedule(1e-3, warmupSteps: 100, totalSteps: 1100, minLr: 1e-4);
        Assert.Equal(0.0, s.LearningRate(0));
        Near(1e-5, s.LearningRate(1));
        Near(9.9e-4, s.LearningRate(99));
        Assert.Equal(1e-3, s.LearningRate(100));
    }

    [Fact]
    public void CosineIsHalfwayAtMidDecayAndHeldAtTheFloorAfterTheEnd()
    {
        var s = new WarmupCosineDecaySchedule(1e-3, warmupSteps: 100, totalSteps: 1100, minLr: 1e-4);
        Near(1e-4 + 0.5 * (1e-3 - 1e-4), s.LearningRate(600));
        Near(1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), s.LearningRate(350));
        Assert.Equal(1e-4, s.LearningRate(1100));
        Assert.Equal(1e-4, s.LearningRate(50_000));
        Assert.True(s.LearningRate(1099) > 1e-4);
    }

    [Fact]
    public void LinearDecayReachesTheFloorExactlyAtTotal()
    {
        var s = new WarmupLinearDecaySchedule(2.0, warmupSteps: 10, totalSteps: 110, minLr: 0.5);
        Assert.Equal(2.0, s.LearningRate(10));
        Near(1.25, s.LearningRate(60));
        Near(0.5 + 1.5 / 100, s.LearningRate(109));
        Assert.Equal(0.5, s.LearningRate(110));
        Assert.Equal(0.5, s.LearningRate(1000));
    }

    [Fact]
    public void InverseSqrtIsVaswaniEquation3()
    {
        // lrate = d^-0.5 * min(step^-0.5, step * warmup^-1.5), d_model = 512, warmup = 4000 (Vaswani et al. 2017, eq. 3).
        // Its peak, at step = warmup, is d^-0.5 * warmup^-0.5; after it the two agree exactly.
        double d = 512, warmup = 4000;
        double Vaswani(double step) => Math.Pow(d, -0.5) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(warmup, -1.5));
        var s = new WarmupInverseSqrtDecaySchedule(Vaswani(warmup), warmupSteps: 4000);
        foreach (long step in new long[] { 4000, 4001, 8000, 16_000, 100_000 }) Near(Vaswani(step), s.LearningRate(step));
        Near(s.PeakLr / 2, s.LearningRate(16_000));
        Near(s.PeakLr * 2000 / 4000, s.LearningRate(2000));
    }

    [Theory]
    [InlineData(DecayShape.Linear, 0.0, 0.5)]
    [InlineData(DecayShape.Cosine, 0.0, 0.5)]
    [InlineData(DecayShape.OneMinusSqrt, 0.0, 0.29289321881345254)] // 1 - sqrt(1/2)
    [InlineData(DecayShape.Exponential, 0.01, 0.1)]                // 1 * (0.01/1)^(1/2)
    public void WsdHoldsThePeakUntilTheDecayThenReachesTheFloor(DecayShape shape, double floor, double atHalfDecay)
    {
        var s = new WarmupStableDecaySchedule(1.0, warmupSteps: 10, stableSteps: 80, decaySteps: 10, shape, floor);
        Near(0.9, s.LearningRate(9));
        Assert.Equal(1.0, s.LearningRate(10));
        Assert.Equal(1.0, s.LearningRate(89));
        Assert.Equal(90, s.DecayStartStep);
        Near(1.0, s.LearningRate(90));
        Assert.True(s.LearningRate(91) < 1.0);
        Near(atHalfDecay, s.LearningRate(95));
        Assert.Equal(floor, s.LearningRate(100));
        Assert.Equal(floor, s.LearningRate(10_000));
    }

    [Fact]
    public void WsdFromDecayFractionAndBranching()
    {
        var s = WarmupStableDecaySchedule.FromDecayFraction(1e-3, warmupSteps: 50, totalSteps: 1000, decayFraction: 0.1);
        Assert.Equal((50L, 850L, 100L, 900L, 1000L), (s.WarmupSteps, s.StableSteps, s.DecaySteps, s.DecayStartStep, s.TotalSteps));
        var branch = s.BranchAt(decayStartStep: 400, decaySteps: 40);
        Assert.Equal(440, branch.TotalSteps);
        for (long step = 0; step < 400; step += 7) Assert.Equal(s.LearningRate(step), branch.LearningRate(step));
        Near(5e-4, branch.LearningRate(420));
        Assert.Equal(0.0, branch.LearningRate(440));
    }

    [Fact]
    public void WarmupCosineStableDecayPhases()
    {
        // warm-up 10, two cosine cycles over 100 steps (1 -> 0.2), stable 0.2 for 50, linear decay to 0 over 20.
        var s = new WarmupCosineStableDecaySchedule(1.0, warmupSteps: 10, cosineSteps: 100, stableLr: 0.2, stableSteps: 50,
            decaySteps: 20, DecayShape.Linear, minLr: 0.0, cosineCycles: 2);
        Assert.Equal(1.0, s.LearningRate(10));
        Near(0.6, s.LearningRate(35));                                   // half-way through cycle 1
        Near(0.2 + 0.8 * 0.5 * (1 + Math.Cos(Math.PI * 49 / 50)), s.LearningRate(59));
        Assert.Equal(1.0, s.LearningRate(60));                           // restart
        Assert.Equal(0.2, s.LearningRate(110));
        Assert.Equal(0.2, s.LearningRate(159));
        Near(0.2, s.LearningRate(160));
        Near(0.1, s.LearningRate(170));
        Assert.Equal(0.0, s.LearningRate(180));
        Assert.Equal((10L, 110L, 160L, 180L), (s.CosineStartStep, s.StableStartStep, s.DecayStartStep, s.TotalSteps));
    }

    [Fact]
    public void SgdrRestartsAtThePeakWithCyclesGrowingByTheMultiplier()
    {
        var s = new CosineWithRestartsSchedule(1.0, firstCycleSteps: 10, cycleMultiplier: 2, minLr: 0.1, warmupSteps: 5);
        Near(0.4, s.LearningRate(2));
        Assert.Equal(1.0, s.LearningRate(5));
        Assert.Equal(1.0, s.LearningRate(15));
        Near(0.55, s.LearningRate(25));                                  // t = 10 of T_1 = 20
        Assert.Equal((1, 15L, 20L), s.CycleAt(34));
        Assert.Equal((2, 35L, 40L), s.CycleAt(35));
        Assert.Equal(1.0, s.LearningRate(35));
        Assert.Equal(1.0, s.LearningRate(75));
        var flat = new CosineWithRestartsSchedule(1.0, firstCycleSteps: 10);
        Assert.Equal((3, 30L, 10L), flat.CycleAt(39));
        Assert.Equal(flat.LearningRate(3), flat.LearningRate(1003));
    }

    [Fact]
    public void BatchSizeGrowsInEqualStepsOverTheRampup()
    {
        // 32 -> 512 in steps of 32: 15 increments over 1.5M tokens, one every 100k tokens.
        var s = new BatchSizeWarmupSchedule(32, 512, 32, rampupTokens: 1_500_000);
        Assert.Equal(100_000, s.TokensPerIncrement);
        Assert.Equal(32, s.BatchSize(0));
        Assert.Equal(32, s.BatchSize(99_999));
        Assert.Equal(64, s.BatchSize(100_000));
        Assert.Equal(480, s.BatchSize(1_499_999));
        Assert.Equal(512, s.BatchSize(1_500_000));
        Assert.Equal(512, s.BatchSize(long.MaxValue));
        Assert.Equal(8, new BatchSizeWarmupSchedule(8, 8, 1, 1000).BatchSize(3));
    }

    [Fact]
    public void SampleEvaluatesWholeStepsEndsIncluded()
    {
        var s = new WarmupCosineDecaySchedule(1e-3, 100, 1000, 1e-5);
        var curve = s.Sample(1000, points: 11);
        Assert.Equal(new double[] { 0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000 }, curve.X);
        for (int i = 0; i < curve.X.Length; i++) Assert.Equal(s.LearningRate((long)curve.X[i]), curve.Y[i]);
        var few = s.Sample(3, points: 10);
        Assert.Equal(new double[] { 0, 1, 2, 3 }, few.X);
        var batch = new BatchSizeWarmupSchedule(32, 64, 32, 100).Sample(200, points: 3);
        Assert.Equal(new double[] { 32, 64, 64 }, batch.Y);
    }

    [Fact]
    public void DescribeNamesThePhasesAndTheirSteps()
    {
        var wsd = new WarmupStableDecaySchedule(1e-3, 100, 800, 100, DecayShape.OneMinusSqrt);
        Assert.Equal("linear warm-up 0 -> 0.001 over steps [0, 100), stable 0.001 over [100, 900), 1-sqrt decay to 0 over [900, 1000)", wsd.Describe());
        Assert.Contains("cosine decay to 1E-05 at step 1000", new WarmupCosineDecaySchedule(1e-3, 100, 1000, 1e-5).Describe());
        Assert.Contains("PeakLr = 0.001", wsd.ToString());
    }
}
