using Curriculum.Objectives;
using Curriculum.Data;

namespace Curriculum.Tests.Objectives;

/// <summary>Bad arguments throw and name the parameter; edge-case lengths behave as T5's code does.</summary>
public class ObjectiveArgumentTests
{
    static void Names(string parameter, Action build) =>
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(build).ParamName);

    [Fact]
    public void RatesOutsideZeroToOneAndShortSpans()
    {
        Names("maskRate", () => new MaskedLmCollator(100, 3, 0, [1, 2], 1, maskRate: 1.5));
        Names("maskRate", () => new MaskedLmCollator(100, 3, 0, [1, 2], 1, maskRate: -0.1));
        Names("maskRate", () => new MaskedLmCollator(100, 3, 0, [1, 2], 1, maskRate: double.NaN));
        Names("randomTokenFraction", () => new MaskedLmCollator(100, 3, 0, [1, 2], 1, maskTokenFraction: 0.95, randomTokenFraction: 0.1));
        Names("maskTokenId", () => new MaskedLmCollator(100, 100, 0, [1, 2], 1));
        Names("corruptionRate", () => new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 100, 99, 1, corruptionRate: 1.01));
        Names("meanSpanLength", () => new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 100, 99, 1, meanSpanLength: 0.5));
        Names("meanSpanLength", () => NoiseMasks.RandomSpans(10, 0.15, 0.9, new SplitMix64(1)));
        Names("noiseDensity", () => NoiseMasks.Iid(10, 2, new SplitMix64(1)));
        Names("firstSentinelId", () => new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 100, 100, 1));
        Names("sentinelCount", () => new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 100, 5, 1, sentinelCount: 7));
        Names("shortSequenceProbability", () => new NextSentencePairBuilder(128, 1, shortSequenceProbability: -1));
        Names("maxSequenceLength", () => new NextSentencePairBuilder(4, 1));
        Names("noiseMask", () => new T5ObjectiveCollator(T5Objective.IidDropTokens, 100, 99, 1).Corrupt([1, 2, 3], [true]));
        Names("window", () => new CausalLmCollator().FromWindow([5]));
        Names("documentIds", () => new CausalLmCollator().FromWindow([5, 6, 7], [0, 0]));
        Names("pattern", () => new AlternatingObjectiveSchedule());
        Names("batchesPerObjective", () => new SequentialObjectiveSchedule(10, 0));
    }

    [Fact]
    public void TooManySpansForTheSentinelsIsAnError()
    {
        var c = new T5ObjectiveCollator(T5Objective.IidReplaceSpans, 100, 99, 1, sentinelCount: 2);
        var e = Assert.Throws<InvalidOperationException>(() => c.Corrupt([10, 11, 12, 13, 14], [true, false, true, false, true]));
        Assert.Contains("sentinelCount = 2", e.Message);
    }

    [Fact]
    public void SequencesShorterThanASpanAndRatesZeroAndOne()
    {
        var random = new SplitMix64(1);
        // T5 pads the length to 2 and keeps at least one token: a 1-token sequence is never corrupted, 2 tokens gives [keep, noise].
        Assert.Equal(new[] { false }, NoiseMasks.RandomSpans(1, 0.15, 3, random));
        Assert.Equal(new[] { false, true }, NoiseMasks.RandomSpans(2, 0.15, 3, random));
        Assert.Empty(NoiseMasks.RandomSpans(0, 0.15, 3, random));
        // Rate 0: no noise at all; rate 1: all but one token, in one span (the kept token first).
        Assert.All(NoiseMasks.RandomSpans(50, 0, 3, random), m => Assert.False(m));
        var all = NoiseMasks.RandomSpans(10, 1, 3, random);
        Assert.Equal(new[] { false, true, true, true, true, true, true, true, true, true }, all);
        // Mean span longer than the sequence: one span.
        var one = NoiseMasks.RandomSpans(8, 0.5, 20, random);
        Assert.Equal(4, one.Count(m => m));
        Assert.Equal(1, Enumerable.Range(1, 7).Count(i => one[i] && !one[i - 1]));
        // The collator at rate 0 leaves the text and targets nothing but the closing sentinel of the kept run.
        var none = new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 100, 99, 1, corruptionRate: 0).Corrupt([10, 11, 12]);
        Assert.Equal(new[] { 10, 11, 12 }, none.InputIds);
        Assert.Equal(new[] { 99 }, none.TargetIds);
    }
}
