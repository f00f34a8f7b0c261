using Curriculum.Objectives;

namespace Curriculum.Tests.Objectives;

/// <summary>BERT's 80/10/10 masking (Devlin et al. 2019, section 3.1, appendix A.1) against its definition.</summary>
public class MaskedLmTests
{
    const int Vocab = 1000, Pad = 0, Cls = 1, Sep = 2, Mask = 3;

    static MaskedLmCollator Collator(ulong seed, MaskSelection selection = MaskSelection.ExactCount, double rate = 0.15) =>
        new(Vocab, Mask, Pad, [Cls, Sep], seed, maskRate: rate, selection: selection);

    // [CLS] t t t ... [SEP] with ordinary tokens from 10 upward.
    static int[] Sequence(int ordinary) => [Cls, .. Enumerable.Range(10, ordinary), Sep];

    [Fact]
    public void ExactCountChoosesRoundOfFifteenPercentOfTheLengthNeverSpecialTokens()
    {
        var c = Collator(1);
        var tokens = Sequence(126); // length 128 -> round(19.2) = 19 predictions
        for (int d = 0; d < 200; d++)
        {
            var (inputs, labels) = c.Mask(tokens);
            Assert.Equal(19, labels.Count(l => l != Labels.IgnoreIndex));
            Assert.Equal(-100, labels[0]);
            Assert.Equal(-100, labels[^1]);
            Assert.Equal(Cls, inputs[0]);
            Assert.Equal(Sep, inputs[^1]);
            for (int i = 0; i < tokens.Length; i++)
                if (labels[i] == Labels.IgnoreIndex) Assert.Equal(tokens[i], inputs[i]);
                else Assert.Equal(tokens[i], labels[i]);
        }
    }

    [Theory]
    [InlineData(MaskSelection.ExactCount)]
    [InlineData(MaskSelection.Bernoulli)]
    public void EightyTenTenSplitWithinMultinomialBounds(MaskSelection selection)
    {
        var c = Collator(2, selection);
        var tokens = Sequence(254);
        int chosen = 0, masked = 0, same = 0, other = 0;
        const int draws = 400;
        for (int d = 0; d < draws; d++)
        {
            var (inputs, labels) = c.Mask(tokens);
            for (int i = 0; i < tokens.Length; i++)
            {
                if (labels[i] == Labels.IgnoreIndex) continue;
                chosen++;
                if (inputs[i] == Mask) masked++;
                else if (inputs[i] == tokens[i]) same++;
                else other++;
            }
        }
        // A random token is uniform over the vocabulary, so it is the mask id or the original 1 time in 1000 each.
        double pMask = 0.8 + 0.1 / Vocab, pSame = 0.1 + 0.1 / Vocab, pOther = 0.1 * (1 - 2.0 / Vocab);
        foreach (var (count, p) in new[] { (masked, pMask), (same, pSame), (other, pOther) })
        {
            double sd = Math.Sqrt(chosen * p * (1 - p));
            Assert.InRange(count, chosen * p - 5 * sd, chosen * p + 5 * sd);
        }
        if (selection == MaskSelection.Bernoulli)
        {
            double n = draws * 254.0, sd = Math.Sqrt(n * 0.15 * 0.85);
            Assert.InRange(chosen, n * 0.15 - 5 * sd, n * 0.15 + 5 * sd);
        }
        else Assert.Equal(draws * 38, chosen); // round(256 * 0.15) = 38
    }

    [Fact]
    public void EveryOrdinaryPositionIsEquallyLikely()
    {
        var c = Collator(3);
        var tokens = Sequence(18); // length 20 -> 3 of 18 positions, p = 1/6 each
        var counts = new int[tokens.Length];
        const int draws = 6000;
        for (int d = 0; d < draws; d++)
        {
            var labels = c.Mask(tokens).Labels;
            for (int i = 0; i < labels.Length; i++) if (labels[i] != Labels.IgnoreIndex) counts[i]++;
        }
        double p = 3.0 / 18, sd = Math.Sqrt(draws * p * (1 - p));
        for (int i = 1; i < tokens.Length - 1; i++) Assert.InRange(counts[i], draws * p - 5 * sd, draws * p + 5 * sd);
    }

    [Fact]
    public void EdgeCases()
    {
        // All special tokens: nothing to predict.
        var allSpecial = Collator(4).Mask([Cls, Sep, Pad, Pad]);
        Assert.All(allSpecial.Labels, l => Assert.Equal(-100, l));
        Assert.Equal(new[] { Cls, Sep, Pad, Pad }, allSpecial.InputIds);
        // Rate 0: BERT still predicts max(1, round(0)) = 1 token; Bernoulli predicts none.
        Assert.Equal(1, Collator(5, rate: 0).Mask(Sequence(30)).Labels.Count(l => l != -100));
        Assert.Equal(0, Collator(5, MaskSelection.Bernoulli, rate: 0).Mask(Sequence(30)).Labels.Count(l => l != -100));
        // Rate 1: every ordinary token, in both selections.
        Assert.Equal(30, Collator(6, rate: 1).Mask(Sequence(30)).Labels.Count(l => l != -100));
        Assert.Equal(30, Collator(6, MaskSelection.Bernoulli, rate: 1).Mask(Sequence(30)).Labels.Count(l => l != -100));
        // A cap on predictions, as BERT's max_predictions_per_seq.
        var capped = new MaskedLmCollator(Vocab, Mask, Pad, [Cls, Sep], 7, maxPredictions: 5);
        Assert.Equal(5, capped.Mask(Sequence(126)).Labels.Count(l => l != -100));
    }

    [Fact]
    public void BatchPadsAfterMaskingSoPaddingIsNeverChosen()
    {
        var batch = Collator(8, rate: 1).Collate([Sequence(2), Sequence(5)]);
        Assert.Equal((2, 7), (batch.InputIds.Rows, batch.InputIds.Columns));
        Assert.Equal(new[] { 1, 1, 1, 1, 0, 0, 0 }, batch.AttentionMask.Row(0).ToArray());
        Assert.Equal(new[] { Pad, Pad, Pad }, batch.InputIds.Row(0)[4..].ToArray());
        Assert.Equal(new[] { -100, 10, 11, -100, -100, -100, -100 }, batch.Labels.Row(0).ToArray());
    }

    [Fact]
    public void SameSeedSameMasksAndStateResumes()
    {
        var a = Collator(9);
        var b = Collator(9);
        a.Mask(Sequence(50));
        b.Mask(Sequence(50));
        var saved = a.Random.State;
        var next = a.Mask(Sequence(50));
        var resumed = Collator(1234);
        resumed.Random.State = saved;
        Assert.Equal(next.InputIds, resumed.Mask(Sequence(50)).InputIds);
        Assert.Equal(next.InputIds, b.Mask(Sequence(50)).InputIds);
    }
}
