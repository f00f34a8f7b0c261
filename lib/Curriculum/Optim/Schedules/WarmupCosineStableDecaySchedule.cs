namespace Curriculum.Optim;

/// <summary>
/// Warm-up / cosine / stable / decay: linear warm-up from 0 to <see cref="PeakLr"/>; <see cref="CosineCycles"/>
/// cosine cycles over <see cref="CosineSteps"/>, each from the peak down to <see cref="StableLr"/>; the stable LR
/// held for <see cref="StableSteps"/>; a final decay of <see cref="DecaySteps"/> to <see cref="MinLr"/>.
/// A variant of WSD that spends most of training in cosine cycles, keeping a decay-ready stable phase at the end.
/// </summary>
public sealed record WarmupCosineStableDecaySchedule : ILearningRateSchedule
{
    public double PeakLr { get; }
    public long WarmupSteps { get; }
    public long CosineSteps { get; }
    public int CosineCycles { get; }
    public double StableLr { get; }
    public long StableSteps { get; }
    public long DecaySteps { get; }
    public DecayShape DecayShape { get; }
    public double MinLr { get; }

    public long CosineStartStep => WarmupSteps;
    public long StableStartStep => WarmupSteps + CosineSteps;
    public long DecayStartStep => StableStartStep + StableSteps;
    public long TotalSteps => DecayStartStep + DecaySteps;

    public WarmupCosineStableDecaySchedule(double peakLr, long warmupSteps, long cosineSteps, double stableLr,
        long stableSteps, long decaySteps, DecayShape decayShape = DecayShape.Linear, double minLr = 0, int cosineCycles = 1)
    {
        ScheduleArguments.PositiveFinite(peakLr, nameof(peakLr));
        ScheduleArguments.NonNegative(warmupSteps, nameof(warmupSteps));
        ScheduleArguments.Positive(cosineSteps, nameof(cosineSteps));
        ScheduleArguments.Floor(stableLr, peakLr, nameof(stableLr), nameof(peakLr));
        ScheduleArguments.NonNegative(stableSteps, nameof(stableSteps));
        ScheduleArguments.Positive(decaySteps, nameof(decaySteps));
        ScheduleArguments.Floor(minLr, stableLr, nameof(minLr), nameof(stableLr));
        DecayShapes.Check(decayShape, minLr, nameof(decayShape), nameof(minLr));
        if (cosineCycles < 1 || cosineCycles > cosineSteps)
            throw new ArgumentOutOfRangeException(nameof(cosineCycles), cosineCycles, $"{nameof(cosineCycles)} must be in [1, {nameof(cosineSteps)}].");
        (PeakLr, WarmupSteps, CosineSteps, CosineCycles, StableLr) = (peakLr, warmupSteps, cosineSteps, cosineCycles, stableLr);
        (StableSteps, DecaySteps, DecayShape, MinLr) = (stableSteps, decaySteps, decayShape, minLr);
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        if (step < WarmupSteps) return PeakLr * ScheduleArguments.WarmupFactor(step, WarmupSteps);
        if (step < StableStartStep)
        {
            // Position in cycles, e.g. 1.25 = a quarter into the second cycle; each cycle restarts at the peak.
            double cycles = (double)(step - WarmupSteps) * CosineCycles / CosineSteps;
            return DecayShapes.Interpolate(DecayShape.Cosine, cycles - Math.Floor(cycles), PeakLr, StableLr);
        }
        if (step < DecayStartStep) return StableLr;
        if (step >= TotalSteps) return MinLr;
        double progress = (double)(step - DecayStartStep) / DecaySteps;
        return DecayShapes.Interpolate(DecayShape, progress, StableLr, MinLr);
    }

    public string Describe() =>
        $"linear warm-up 0 -> {PeakLr:G4} over steps [0, {WarmupSteps}), {CosineCycles} cosine cycle(s) {PeakLr:G4} -> {StableLr:G4} over [{WarmupSteps}, {StableStartStep}), " +
        $"stable {StableLr:G4} over [{StableStartStep}, {DecayStartStep}), {DecayShapes.Name(DecayShape)} decay to {MinLr:G4} over [{DecayStartStep}, {TotalSteps})";
}
