using Curriculum.Optim;

namespace Curriculum.Tests.Schedules;

/// <summary>Bad arguments throw and name the parameter a user got wrong.</summary>
public class ScheduleArgumentTests
{
    static void Names(string parameter, Action build) =>
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(build).ParamName);

    [Fact]
    public void NegativeStepIsRejectedByEverySchedule()
    {
        ILearningRateSchedule[] all =
        [
            new ConstantSchedule(1e-3),
            new WarmupLinearDecaySchedule(1e-3, 10, 100),
            new WarmupCosineDecaySchedule(1e-3, 10, 100),
            new WarmupInverseSqrtDecaySchedule(1e-3, 10),
            new WarmupStableDecaySchedule(1e-3, 10, 80, 10),
            new WarmupCosineStableDecaySchedule(1e-3, 10, 50, 1e-4, 20, 10),
            new CosineWithRestartsSchedule(1e-3, 10),
        ];
        foreach (var s in all) Names("step", () => s.LearningRate(-1));
        Names("tokensSeen", () => new BatchSizeWarmupSchedule(8, 16, 8, 100).BatchSize(-1));
    }

    [Fact]
    public void WarmupLongerThanTheRun()
    {
        Names("warmupSteps", () => new WarmupCosineDecaySchedule(1e-3, 101, 100));
        Names("warmupSteps", () => new WarmupLinearDecaySchedule(1e-3, 101, 100));
        Names("warmupSteps", () => WarmupStableDecaySchedule.FromDecayFraction(1e-3, 95, 100, 0.1));
        Names("warmupSteps", () => new WarmupCosineDecaySchedule(1e-3, -1, 100));
    }

    [Fact]
    public void FloorAbovePeak()
    {
        Names("minLr", () => new WarmupCosineDecaySchedule(1e-3, 10, 100, minLr: 2e-3));
        Names("minLr", () => new WarmupLinearDecaySchedule(1e-3, 10, 100, minLr: 2e-3));
        Names("minLr", () => new WarmupStableDecaySchedule(1e-3, 10, 80, 10, minLr: 2e-3));
        Names("minLr", () => new CosineWithRestartsSchedule(1e-3, 10, minLr: 2e-3));
        Names("stableLr", () => new WarmupCosineStableDecaySchedule(1e-3, 10, 50, 2e-3, 20, 10));
        Names("minLr", () => new WarmupCosineStableDecaySchedule(1e-3, 10, 50, 1e-4, 20, 10, minLr: 2e-4));
        Names("minLr", () => new WarmupCosineDecaySchedule(1e-3, 10, 100, minLr: -1e-5));
    }

    [Fact]
    public void OtherBadArguments()
    {
        Names("peakLr", () => new WarmupCosineDecaySchedule(0, 10, 100));
        Names("peakLr", () => new WarmupCosineDecaySchedule(double.NaN, 10, 100));
        Names("lr", () => new ConstantSchedule(-1));
        Names("totalSteps", () => new WarmupCosineDecaySchedule(1e-3, 0, 0));
        Names("minLr", () => new WarmupStableDecaySchedule(1e-3, 10, 80, 10, DecayShape.Exponential, minLr: 0));
        Names("shape", () => new WarmupStableDecaySchedule(1e-3, 10, 80, 10, (DecayShape)42));
        Names("decaySteps", () => new WarmupStableDecaySchedule(1e-3, 10, 80, 0));
        Names("decayFraction", () => WarmupStableDecaySchedule.FromDecayFraction(1e-3, 10, 100, 0));
        Names("decayFraction", () => WarmupStableDecaySchedule.FromDecayFraction(1e-3, 10, 100, 1.5));
        Names("decayStartStep", () => new WarmupStableDecaySchedule(1e-3, 10, 80, 10).BranchAt(5, 10));
        Names("cosineCycles", () => new WarmupCosineStableDecaySchedule(1e-3, 10, 50, 1e-4, 20, 10, cosineCycles: 0));
        Names("cycleMultiplier", () => new CosineWithRestartsSchedule(1e-3, 10, cycleMultiplier: 0));
        Names("firstCycleSteps", () => new CosineWithRestartsSchedule(1e-3, 0));
        Names("timescale", () => new WarmupInverseSqrtDecaySchedule(1e-3, 10, timescale: 0));
        Names("increment", () => new BatchSizeWarmupSchedule(32, 100, 32, 1000));
        Names("finalBatchSize", () => new BatchSizeWarmupSchedule(64, 32, 32, 1000));
        Names("points", () => new ConstantSchedule(1).Sample(100, points: 1));
    }
}
