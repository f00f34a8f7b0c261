namespace Curriculum.Optim;

/// <summary>
/// SGDR, cosine annealing with warm restarts (Loshchilov &amp; Hutter 2017, eq. 5): after an optional linear warm-up,
/// cycle i lasts T_i = <see cref="FirstCycleSteps"/> * <see cref="CycleMultiplier"/>^i steps and within it
/// lr = min + (peak - min)(1 + cos(pi t/T_i))/2, t the steps since the cycle began; each cycle restarts at the peak.
/// PyTorch <c>CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)</c> (no warm-up).
/// </summary>
public sealed record CosineWithRestartsSchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long FirstCycleSteps { get; }
    public int CycleMultiplier { get; }
    public double MinLr { get; }
    public long WarmupSteps { get; }

    public CosineWithRestartsSchedule(double peakLr, long firstCycleSteps, int cycleMultiplier = 1, double minLr = 0, long warmupSteps = 0)
    {
        ScheduleArguments.PositiveFinite(peakLr, nameof(peakLr));
        ScheduleArguments.Positive(firstCycleSteps, nameof(firstCycleSteps));
        ScheduleArguments.Positive(cycleMultiplier, nameof(cycleMultiplier));
        ScheduleArguments.Floor(minLr, peakLr, nameof(minLr), nameof(peakLr));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        (PeakLr, FirstCycleSteps, CycleMultiplier, MinLr, WarmupSteps) = (peakLr, firstCycleSteps, cycleMultiplier, minLr, warmupSteps);
    }

    /// <summary>The cycle containing <paramref name="step"/>: its index, its first step and its length.</summary>
    public (int Index, long StartStep, long Length) CycleAt(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"{nameof(step)} {step} is in the warm-up, before the first cycle.");
        long t = step - WarmupSteps;
        if (CycleMultiplier == 1)
            return ((int)(t / FirstCycleSteps), WarmupSteps + t / FirstCycleSteps * FirstCycleSteps, FirstCycleSteps);
        long start = 0, length = FirstCycleSteps;
        int index = 0;
        while (t >= start + length) { start += length; length *= CycleMultiplier; index++; }
        return (index, WarmupSteps + start, length);
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps) return PeakLr * ScheduleArguments.WarmupFactor(step, WarmupSteps);
        var (_, start, length) = CycleAt(step);
        return DecayShapes.Interpolate(DecayShape.Cosine, (double)(step - start) / length, PeakLr, MinLr);
    }

    public string Describe() =>
        (WarmupSteps > 0 ? $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), " : "") +
        $"cosine {PeakLr:G4} -> {MinLr:G4} restarting every {FirstCycleSteps} steps" +
        (CycleMultiplier > 1 ? $", each cycle x{CycleMultiplier} longer" : "");
}
