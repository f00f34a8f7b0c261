using Curriculum.Objectives;

namespace Curriculum.Tests.Objectives;

/// <summary>The worked examples of Raffel et al. (2020), Tables 3 and 4, reproduced token for token.</summary>
public class T5WorkedExampleTests
{
    const int Vocab = 1000, X = 999, Y = 998, Z = 997, M = 999; // <extra_id_0> = vocab - 1 downward; <M> is the first sentinel
    static readonly string[] Words = "Thank you for inviting me to your party last week .".Split(' ');
    static readonly int[] Sentence = Enumerable.Range(10, Words.Length).ToArray();

    static int[] Ids(string text) => text.Split(' ').Select(w => w switch
    {
        "<X>" => X, "<Y>" => Y, "<Z>" => Z, "<M>" => M,
        _ => 10 + Array.IndexOf(Words, w),
    }).ToArray();

    static bool[] Noise(params int[] positions)
    {
        var mask = new bool[Words.Length];
        foreach (int p in positions) mask[p] = true;
        return mask;
    }

    static T5ObjectiveCollator Collator(T5Objective objective) => new(objective, Vocab, firstSentinelId: Vocab - 1, seed: 1);

    [Fact]
    public void Table3SpanCorruption()
    {
        var e = Collator(T5Objective.ReplaceCorruptedSpans).Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal(Ids("Thank you <X> me to your party <Y> week ."), e.InputIds);
        Assert.Equal(Ids("<X> for inviting <Y> last <Z>"), e.TargetIds);
    }

    [Fact]
    public void Table4IidReplaceSpansAndDropTokens()
    {
        var replace = Collator(T5Objective.IidReplaceSpans).Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal(Ids("Thank you <X> me to your party <Y> week ."), replace.InputIds);
        Assert.Equal(Ids("<X> for inviting <Y> last <Z>"), replace.TargetIds);
        var drop = Collator(T5Objective.IidDropTokens).Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal(Ids("Thank you me to your party week ."), drop.InputIds);
        Assert.Equal(Ids("for inviting last"), drop.TargetIds);
    }

    [Fact]
    public void Table4RandomSpans()
    {
        var e = Collator(T5Objective.ReplaceCorruptedSpans).Corrupt(Sentence, Noise(2, 3, 4, 6, 7, 8));
        Assert.Equal(Ids("Thank you <X> to <Y> week ."), e.InputIds);
        Assert.Equal(Ids("<X> for inviting me <Y> your party last <Z>"), e.TargetIds);
    }

    [Fact]
    public void Table4MassStyleAndPrefixLm()
    {
        var mass = Collator(T5Objective.MassStyle).Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal(Ids("Thank you <M> <M> me to your party <M> week ."), mass.InputIds);
        Assert.Equal(Sentence, mass.TargetIds);
        var prefix = Collator(T5Objective.PrefixLm).Corrupt(Sentence, Noise(4, 5, 6, 7, 8, 9, 10));
        Assert.Equal(Ids("Thank you for inviting"), prefix.InputIds);
        Assert.Equal(Ids("me to your party last week ."), prefix.TargetIds);
    }

    [Fact]
    public void Table4BertStyleMasksOrReplacesOnlyCorruptedTokensAndTargetsTheOriginal()
    {
        // "Thank you <M> <M> me to your party apple week .": with random probability 0 every corrupted token is <M>,
        // with 1 every one is a random token from [3, vocab).
        var masked = new T5ObjectiveCollator(T5Objective.BertStyle, Vocab, Vocab - 1, seed: 5, randomTokenProbability: 0).Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal(Ids("Thank you <M> <M> me to your party <M> week ."), masked.InputIds);
        Assert.Equal(Sentence, masked.TargetIds);
        var random = new T5ObjectiveCollator(T5Objective.BertStyle, Vocab, Vocab - 1, seed: 5, randomTokenProbability: 1).Corrupt(Sentence, Noise(2, 3, 8));
        for (int i = 0; i < Sentence.Length; i++)
            if (i is 2 or 3 or 8) Assert.InRange(random.InputIds[i], 3, Vocab - 1);
            else Assert.Equal(Sentence[i], random.InputIds[i]);
    }

    [Fact]
    public void DeshufflingIsAPermutationWithTheOriginalAsTarget()
    {
        var c = Collator(T5Objective.Deshuffling);
        var e = c.Corrupt(Sentence);
        Assert.Equal(Sentence, e.TargetIds);
        Assert.Equal(Sentence, e.InputIds.Order().ToArray());
        Assert.NotEqual(Sentence, c.Corrupt(Enumerable.Range(0, 50).ToArray()).InputIds);
    }

    [Fact]
    public void EosIsAppendedToInputsAndTargets()
    {
        var c = new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, Vocab, Vocab - 1, seed: 1, eosTokenId: 1);
        var e = c.Corrupt(Sentence, Noise(2, 3, 8));
        Assert.Equal([.. Ids("Thank you <X> me to your party <Y> week ."), 1], e.InputIds);
        Assert.Equal([.. Ids("<X> for inviting <Y> last <Z>"), 1], e.TargetIds);
    }

    [Fact]
    public void BatchShiftsTheTargetRightBehindTheStartToken()
    {
        var batch = Seq2SeqBatch.Stack([new Seq2SeqExample([5, 6, 7], [X, 6, Y]), new Seq2SeqExample([8], [X, 8, Y, 9])], padTokenId: 0, decoderStartTokenId: 0);
        Assert.Equal(new[] { new[] { 5, 6, 7 }, new[] { 8, 0, 0 } }, batch.InputIds.ToJagged());
        Assert.Equal(new[] { new[] { 1, 1, 1 }, new[] { 1, 0, 0 } }, batch.AttentionMask.ToJagged());
        Assert.Equal(new[] { new[] { 0, X, 6, 0 }, new[] { 0, X, 8, Y } }, batch.DecoderInputIds.ToJagged());
        Assert.Equal(new[] { new[] { X, 6, Y, -100 }, new[] { X, 8, Y, 9 } }, batch.Labels.ToJagged());
    }

    [Fact]
    public void SpanCorruptionLengthsMatchT5()
    {
        // T5 random_spans_helper / HF run_t5_mlm_flax: 512 inputs at 15%, span 3 -> 568 raw tokens, 114 targets.
        Assert.Equal((568, 114), SpanCorruptionLengths.For(512));
        Assert.Equal((141, 29), SpanCorruptionLengths.For(128));
        Assert.Equal((766, 512), SpanCorruptionLengths.For(512, 0.5, 3));
        // And a sequence of 568 tokens really corrupts to 512 inputs (with EOS) and 114 targets.
        var c = new T5ObjectiveCollator(T5Objective.ReplaceCorruptedSpans, 32_128, 32_127, seed: 3, eosTokenId: 1);
        var e = c.Corrupt(Enumerable.Range(100, 568).ToArray());
        Assert.Equal(512, e.InputIds.Length);
        Assert.Equal(114, e.TargetIds.Length);
    }
}
