namespace Curriculum.Optim;

/// <summary>
/// WSD, warm-up / stable / decay (MiniCPM, Hu et al. 2024, section 4): linear warm-up from 0 to <see cref="PeakLr"/>,
/// the peak held for <see cref="StableSteps"/>, then a short decay of <see cref="DecaySteps"/> to <see cref="MinLr"/>
/// in the chosen <see cref="Shape"/>, held at the floor afterwards.
/// Because the LR does not depend on the run's length until the decay starts, any stable-phase checkpoint can be
/// finished by a decay: <see cref="BranchAt"/>. HF <c>get_wsd_schedule</c> is the same with <c>min_lr_ratio</c> = 0.
/// </summary>
public sealed record WarmupStableDecaySchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long WarmupSteps { get; }
    public long StableSteps { get; }
    public long DecaySteps { get; }
    public DecayShape Shape { get; }
    public double MinLr { get; }

    /// <summary>The first step of the decay phase.</summary>
    public long DecayStartStep => WarmupSteps + StableSteps;
    /// <summary>The step at which the LR reaches <see cref="MinLr"/>.</summary>
    public long TotalSteps => WarmupSteps + StableSteps + DecaySteps;

    public WarmupStableDecaySchedule(double peakLr, long warmupSteps, long stableSteps, long decaySteps,
        DecayShape shape = DecayShape.Linear, double minLr = 0)
    {
        ScheduleArguments.PositiveFinite(peakLr, nameof(peakLr));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        ScheduleArguments.NonNegative(stableSteps, nameof(stableSteps));
        ScheduleArguments.Positive(decaySteps, nameof(decaySteps));
        ScheduleArguments.Floor(minLr, peakLr, nameof(minLr), nameof(peakLr));
        DecayShapes.Check(shape, minLr, nameof(shape), nameof(minLr));
        (PeakLr, WarmupSteps, StableSteps, DecaySteps, Shape, MinLr) = (peakLr, warmupSteps, stableSteps, decaySteps, shape, minLr);
    }

    /// <summary>
    /// WSD over <paramref name="totalSteps"/> whose last round(<paramref name="decayFraction"/> * total) steps decay
    /// (MiniCPM decays over about 10% of the run).
    /// </summary>
    public static WarmupStableDecaySchedule FromDecayFraction(double peakLr, long warmupSteps, long totalSteps,
        double decayFraction, DecayShape shape = DecayShape.Linear, double minLr = 0)
    {
        ScheduleArguments.Positive(totalSteps, nameof(totalSteps));
        if (!(decayFraction > 0 && decayFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(decayFraction), decayFraction, $"{nameof(decayFraction)} must be in (0, 1].");
        long decaySteps = Math.Max(1, (long)Math.Round(decayFraction * totalSteps));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        if (warmupSteps + decaySteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps,
                $"{nameof(warmupSteps)} ({warmupSteps}) plus the decay ({decaySteps} steps = {decayFraction} of {totalSteps}) exceed {nameof(totalSteps)}.");
        return new WarmupStableDecaySchedule(peakLr, warmupSteps, totalSteps - warmupSteps - decaySteps, decaySteps, shape, minLr);
    }

    /// <summary>The same run with its decay starting at <paramref name="decayStartStep"/> (a stable-phase checkpoint) and lasting <paramref name="decaySteps"/>.</summary>
    public WarmupStableDecaySchedule BranchAt(long decayStartStep, long decaySteps)
    {
        if (decayStartStep < WarmupSteps)
            throw new ArgumentOutOfRangeException(nameof(decayStartStep), decayStartStep,
                $"{nameof(decayStartStep)} ({decayStartStep}) must be at or after the end of warm-up ({WarmupSteps}).");
        return new WarmupStableDecaySchedule(PeakLr, WarmupSteps, decayStartStep - WarmupSteps, decaySteps, Shape, MinLr);
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps) return PeakLr * ScheduleArguments.WarmupFactor(step, WarmupSteps);
        if (step < DecayStartStep) return PeakLr;
        if (step >= TotalSteps) return MinLr;
        double progress = (double)(step - DecayStartStep) / DecaySteps;
        return DecayShapes.Interpolate(Shape, progress, PeakLr, MinLr);
    }

    public string Describe() =>
        $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), stable {PeakLr:G4} over [{WarmupSteps}, {DecayStartStep}), " +
        $"{DecayShapes.Name(Shape)} decay to {MinLr:G4} over [{DecayStartStep}, {TotalSteps})";
}
