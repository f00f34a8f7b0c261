namespace Curriculum.Optim;

/// <summary>
/// Linear warm-up from 0 to <see cref="PeakLr"/> over <see cref="WarmupSteps"/>, then half a cosine down to
/// <see cref="MinLr"/> at <see cref="TotalSteps"/>, held at the floor afterwards.
/// With p = (step - warmup)/(total - warmup): lr = min + (peak - min)(1 + cos(pi p))/2 — HF
/// <c>get_cosine_with_min_lr_schedule_with_warmup</c>; with no warm-up, PyTorch <c>CosineAnnealingLR(T_max = total, eta_min = min)</c>.
/// </summary>
public sealed record WarmupCosineDecaySchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }
    public double MinLr { get; }

    public WarmupCosineDecaySchedule(double peakLr, long warmupSteps, long totalSteps, double minLr = 0)
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
        if (step >= TotalSteps) return MinLr;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return DecayShapes.Interpolate(DecayShape.Cosine, progress, PeakLr, MinLr);
    }

    public string Describe() =>
        $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), cosine decay to {MinLr:G4} at step {TotalSteps}";
}
