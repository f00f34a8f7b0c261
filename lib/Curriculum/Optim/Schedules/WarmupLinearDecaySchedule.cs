namespace Curriculum.Optim;

/// <summary>
/// Linear warm-up from 0 to <see cref="PeakLr"/> over <see cref="WarmupSteps"/>, then a straight line down to
/// <see cref="MinLr"/> at <see cref="TotalSteps"/>, held there afterwards.
/// HF <c>get_linear_schedule_with_warmup</c> (MinLr = 0): lr = peak * step/warmup, then
/// peak * max(0, (total - step)/(total - warmup)).
/// </summary>
public sealed record WarmupLinearDecaySchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }
    public double MinLr { get; }

    public WarmupLinearDecaySchedule(double peakLr, long warmupSteps, long totalSteps, double minLr = 0)
    {
        ScheduleArguments.PositiveFinite(peakLr, nameof(peakLr));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        ScheduleArguments.Positive(totalSteps, nameof(totalSteps));
        ScheduleArguments.WarmupWithin(warmupSteps, totalSteps, nameof(warmupSteps), nameof(totalSteps));
        ScheduleArguments.Floor(minLr, peakLr, nameof(minLr), nameof(peakLr));
        (PeakLr, WarmupSteps, TotalSteps, MinLr) = (peakLr, warmupSteps, totalSteps, minLr);
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps) return PeakLr * ScheduleArguments.WarmupFactor(step, WarmupSteps);
        double remaining = Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinLr + (PeakLr - MinLr) * remaining;
    }

    public string Describe() =>
        $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), linear decay to {MinLr:G4} at step {TotalSteps}";
}
