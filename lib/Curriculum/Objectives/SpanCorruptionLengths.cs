namespace Curriculum.Objectives;

/// <summary>
/// How many raw tokens to feed span corruption so the corrupted input is exactly a given length (T5
/// <c>random_spans_helper</c>; HF <c>compute_input_and_target_lengths</c>): inputs = kept tokens + one sentinel per
/// span + EOS, targets = noise tokens + one sentinel per span + EOS. For 512 inputs at 15% and mean span 3:
/// 568 raw tokens, 114 target tokens.
/// </summary>
public static class SpanCorruptionLengths
{
    public static (int TokensLength, int TargetsLength) For(int inputsLength, double noiseDensity = 0.15, double meanSpanLength = 3.0)
    {
        ObjectiveArguments.Positive(inputsLength, nameof(inputsLength));
        ObjectiveArguments.Rate(noiseDensity, nameof(noiseDensity));
        if (!(meanSpanLength >= 1) || double.IsInfinity(meanSpanLength))
            throw new ArgumentOutOfRangeException(nameof(meanSpanLength), meanSpanLength, $"{nameof(meanSpanLength)} must be a finite number >= 1.");
        int tokens = inputsLength;
        while (Lengths(tokens + 1, noiseDensity, meanSpanLength).Inputs <= inputsLength) tokens++;
        var (_, targets) = Lengths(tokens, noiseDensity, meanSpanLength);
        // T5's adjustment: at density 0.5 make the targets no longer than the (round-numbered) inputs.
        if (noiseDensity == 0.5 && targets > inputsLength) { tokens--; targets--; }
        return (tokens, targets);
    }

    static (int Inputs, int Targets) Lengths(int tokens, double noiseDensity, double meanSpanLength)
    {
        int noise = (int)Math.Round(tokens * noiseDensity);
        int spans = (int)Math.Round(noise / meanSpanLength);
        return (tokens - noise + spans + 1, noise + spans + 1);
    }
}
