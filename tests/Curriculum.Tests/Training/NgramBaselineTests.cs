using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary><see cref="NgramBaseline"/> against losses computed by hand on a five-token stream.</summary>
public class NgramBaselineTests
{
    static readonly int[] Train = [1, 2, 1, 2, 1];   // V = 3: c(0) = 0, c(1) = 3, c(2) = 2; bigrams (1,2), (2,1), (1,2), (2,1)

    [Fact]
    public void UnigramLossIsTheCrossEntropyOfTheTokenFrequencies()
    {
        var b = new NgramBaseline(Train, vocabSize: 3, k: 0);
        // On its own training stream with k = 0: the entropy of (3/5, 2/5).
        double entropy = -(0.6 * Math.Log(0.6) + 0.4 * Math.Log(0.4));
        Assert.Equal(entropy, b.UnigramLoss(Train), 12);
        Assert.Equal(-(Math.Log(0.6) + Math.Log(0.4)) / 2, b.UnigramLoss([1, 2]), 12);
    }

    [Fact]
    public void BigramOfADeterministicAlternationIsZero()
    {
        var b = new NgramBaseline(Train, vocabSize: 3, k: 0);
        Assert.Equal(1.0, b.BigramProbability(1, 2), 12);
        Assert.Equal(0.0, b.BigramLoss(Train), 12);
    }

    [Fact]
    public void AddKSmoothingScoresUnseenHeldOutTokensAndPairs()
    {
        var b = new NgramBaseline(Train, vocabSize: 3, k: 1);
        int[] heldOut = [2, 2, 0];
        // Unigram: (c + 1) / (5 + 3): p(2) = 3/8, p(0) = 1/8 (never seen in training).
        Assert.Equal(-(2 * Math.Log(3.0 / 8) + Math.Log(1.0 / 8)) / 3, b.UnigramLoss(heldOut), 12);
        // Bigram: row 2 has c(2, ·) = 2 training bigrams, none (2,2) or (2,0): p = (0 + 1) / (2 + 3) = 1/5 each.
        Assert.Equal(Math.Log(5), b.BigramLoss(heldOut), 12);
        // The same pairs as a causal-LM batch: inputs [2, 2], targets [2, 0].
        var (uni, bi) = b.Losses([2, 2], [2, 0]);
        Assert.Equal(-(Math.Log(3.0 / 8) + Math.Log(1.0 / 8)) / 2, uni, 12);
        Assert.Equal(Math.Log(5), bi, 12);
    }

    [Fact]
    public void IgnoredTargetsAndStreamBoundariesAreSkipped()
    {
        var b = new NgramBaseline([[1, 2], [0, 1]], vocabSize: 3, k: 0);
        // No bigram (2, 0) across the two streams: row 2 is empty, so p(0 | 2) backs off to the unigram p(0) = 1/4.
        Assert.Equal(0.25, b.BigramProbability(2, 0), 12);
        // Only the pair (1, 2) is scored: p(2 | 1) = 1 (the one bigram starting with 1).
        var (uni, bi) = b.Losses([1, 1], [2, -100]);
        Assert.Equal(0.0, bi, 12);
        Assert.Equal(-Math.Log(0.25), uni, 12);
    }

    [Fact]
    public void AnUnseenContextBacksOffToTheUnigramEvenWithSmoothing()
    {
        var b = new NgramBaseline(Train, vocabSize: 3, k: 1);
        // Token 0 never occurs in training: p(1 | 0) is the smoothed unigram (3 + 1) / (5 + 3), not the uniform 1/3.
        Assert.Equal(0.5, b.BigramProbability(0, 1), 12);
    }

    [Fact]
    public void BitsPerByteConvertsNatsPerToken()
    {
        // 2 nats per token over 100 tokens of 400 bytes: 200 nats / 400 bytes / ln 2.
        Assert.Equal(200 / (400 * Math.Log(2)), NgramBaseline.BitsPerByte(2, 100, 400), 12);
    }

    [Fact]
    public void TokensOutsideTheVocabularyAreNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new NgramBaseline([0, 5], vocabSize: 3));
        Assert.Contains("position 1", e.Message);
        Assert.Throws<ArgumentException>(() => new NgramBaseline(Array.Empty<int>(), vocabSize: 3));
    }
}
