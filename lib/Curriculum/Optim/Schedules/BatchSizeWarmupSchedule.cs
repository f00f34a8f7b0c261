namespace Curriculum.Optim;

/// <summary>
/// Batch-size warm-up: start small and grow the batch in equal steps of <see cref="Increment"/> sequences while
/// the first <see cref="RampupTokens"/> tokens are trained on, then hold <see cref="FinalBatchSize"/>
/// (GPT-3, Brown et al. 2020, appendix B: 32k tokens up to the full batch over the first 4-12B tokens).
/// The ramp is Megatron-LM's <c>--rampup-batch-size start increment samples</c>, counted in tokens:
/// batch = min(final, start + increment * floor(tokens / (rampup / ((final - start)/increment)))).
/// </summary>
public sealed record BatchSizeWarmupSchedule : IBatchSizeSchedule
{
    public int StartBatchSize { get; }
    public int FinalBatchSize { get; }
    public int Increment { get; }
    public long RampupTokens { get; }

    /// <summary>Tokens trained on per increment of the batch size.</summary>
    public double TokensPerIncrement => (FinalBatchSize - StartBatchSize) == 0 ? 0 : (double)RampupTokens * Increment / (FinalBatchSize - StartBatchSize);

    public BatchSizeWarmupSchedule(int startBatchSize, int finalBatchSize, int increment, long rampupTokens)
    {
        ScheduleArguments.Positive(startBatchSize, nameof(startBatchSize));
        if (finalBatchSize < startBatchSize)
            throw new ArgumentOutOfRangeException(nameof(finalBatchSize), finalBatchSize, $"{nameof(finalBatchSize)} must be >= {nameof(startBatchSize)} ({startBatchSize}).");
        ScheduleArguments.Positive(increment, nameof(increment));
        if ((finalBatchSize - startBatchSize) % increment != 0)
            throw new ArgumentOutOfRangeException(nameof(increment), increment,
                $"{nameof(finalBatchSize)} - {nameof(startBatchSize)} ({finalBatchSize - startBatchSize}) must be a multiple of {nameof(increment)} ({increment}).");
        ScheduleArguments.NonNegative(rampupTokens, nameof(rampupTokens));
        (StartBatchSize, FinalBatchSize, Increment, RampupTokens) = (startBatchSize, finalBatchSize, increment, rampupTokens);
    }

    public int BatchSize(long tokensSeen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensSeen);
        if (tokensSeen >= RampupTokens || FinalBatchSize == StartBatchSize) return FinalBatchSize;
        long increments = (long)Math.Floor(tokensSeen / TokensPerIncrement);
        return (int)Math.Min(FinalBatchSize, StartBatchSize + increments * Increment);
    }

    public string Describe() =>
        $"batch size {StartBatchSize} -> {FinalBatchSize} in steps of {Increment} over the first {RampupTokens} tokens";
}
