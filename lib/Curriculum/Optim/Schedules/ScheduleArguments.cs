namespace Curriculum.Optim;

/// <summary>Argument checks shared by the schedules; each names the offending parameter.</summary>
static class ScheduleArguments
{
    public static void Step(long step) =>
        ArgumentOutOfRangeException.ThrowIfNegative(step, nameof(step));

    public static void PositiveFinite(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
    }

    /// <summary>A floor must lie in [0, peak].</summary>
    public static void Floor(double floor, double peak, string name, string peakName)
    {
        if (!double.IsFinite(floor) || floor < 0)
            throw new ArgumentOutOfRangeException(name, floor, $"{name} must be a finite number >= 0.");
        if (floor > peak)
            throw new ArgumentOutOfRangeException(name, floor, $"{name} ({floor}) must not be above {peakName} ({peak}).");
    }

    public static void NonNegative(long value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0.");
    }

    public static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0.");
    }

    /// <summary>Warm-up must fit inside the run: warmupSteps &lt;= totalSteps.</summary>
    public static void WarmupWithin(long warmupSteps, long totalSteps, string warmupName, string totalName)
    {
        if (warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(warmupName, warmupSteps,
                $"{warmupName} ({warmupSteps}) must not exceed {totalName} ({totalSteps}).");
    }

    /// <summary>The linear warm-up factor of Hugging Face's schedules: step / warmup, so step 0 gets LR 0.</summary>
    public static double WarmupFactor(long step, long warmupSteps) => (double)step / warmupSteps;
}
