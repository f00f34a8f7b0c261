namespace Curriculum.Optim;

/// <summary>
/// Linear warm-up to <see cref="PeakLr"/>, then decay as one over the square root of the step
/// (Vaswani et al. 2017, "Attention is all you need", eq. 3, written with the peak as a parameter).
/// HF <c>get_inverse_sqrt_schedule</c>: after warm-up lr = peak / sqrt((step + timescale - warmup)/timescale);
/// with timescale = warmup that is peak * sqrt(warmup/step). There is no end: the LR keeps falling.
/// </summary>
public sealed record WarmupInverseSqrtDecaySchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long WarmupSteps { get; }
    /// <summary>The decay's scale: <see cref="Timescale"/> steps after the peak the LR is peak/sqrt(2). HF default: the warm-up length, or 10 000 without warm-up.</summary>
    public long Timescale { get; }

    public WarmupInverseSqrtDecaySchedule(double peakLr, long warmupSteps, long? timescale = null)
    {
        ScheduleArguments.PositiveFinite(peakLr, nameof(peakLr));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        long scale = timescale ?? (warmupSteps > 0 ? warmupSteps : 10_000);
        ScheduleArguments.Positive(scale, nameof(timescale));
        (PeakLr, WarmupSteps, Timescale) = (peakLr, warmupSteps, scale);
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps) return PeakLr * ScheduleArguments.WarmupFactor(step, WarmupSteps);
        double shifted = (double)(step + Timescale - WarmupSteps) / Timescale;
        return PeakLr / Math.Sqrt(shifted);
    }

    public string Describe() =>
        $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), then {PeakLr:G4} / sqrt((step + {Timescale - WarmupSteps}) / {Timescale})";
}
