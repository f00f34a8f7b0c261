using Curriculum.Objectives;

namespace Curriculum.Tests.Objectives;

/// <summary>NSP pair building as BERT's create_pretraining_data.py, and the [CLS] A [SEP] B [SEP] layout.</summary>
public class NextSentenceAndBertTests
{
    // Token = 1000 * (document + 1) + position, so every token says which document it came from.
    static List<IReadOnlyList<int[]>> Documents(int count, int sentences, int sentenceLength)
    {
        var docs = new List<IReadOnlyList<int[]>>();
        for (int d = 0; d < count; d++)
        {
            var doc = new List<int[]>();
            for (int s = 0; s < sentences; s++) doc.Add(Enumerable.Range(1000 * (d + 1) + s * sentenceLength, sentenceLength).ToArray());
            docs.Add(doc);
        }
        return docs;
    }

    [Fact]
    public void HalfOfTheChoicesAreIsNextAndRandomBComesFromAnotherDocument()
    {
        // Two sentences of 60 tokens, max 128 (target 125): each document makes one two-sentence chunk, where the
        // 50% coin decides; after a random B the unused second sentence forms a one-sentence chunk, always random.
        var docs = Documents(2000, 2, 60);
        var builder = new NextSentencePairBuilder(128, seed: 1, shortSequenceProbability: 0);
        int isNext = 0;
        for (int d = 0; d < docs.Count; d++)
        {
            var pairs = builder.CreatePairs(docs, d);
            if (!pairs[0].IsRandomNext)
            {
                isNext++;
                Assert.Single(pairs);
                Assert.Equal(docs[d][1], pairs[0].TokensB);
            }
            else
            {
                Assert.Equal(2, pairs.Count);
                Assert.True(pairs[1].IsRandomNext);
                Assert.Equal(docs[d][1], pairs[1].TokensA);
            }
            foreach (var p in pairs)
            {
                Assert.All(p.TokensA, t => Assert.Equal(d + 1, t / 1000));
                if (p.IsRandomNext) Assert.All(p.TokensB, t => Assert.NotEqual(d + 1, t / 1000));
                Assert.InRange(p.TokensA.Length + p.TokensB.Length, 2, 125);
            }
        }
        double sd = Math.Sqrt(docs.Count * 0.25);
        Assert.InRange(isNext, docs.Count / 2 - 5 * sd, docs.Count / 2 + 5 * sd);
    }

    [Fact]
    public void TruncationTrimsTheLongerSideToFit()
    {
        // A = 100 tokens, B = 100 tokens, max 64 -> 61 tokens: the longer side loses one token at a time,
        // so the two end up 31 and 30, each a contiguous piece of its sentence.
        var docs = Documents(3, 2, 100);
        var builder = new NextSentencePairBuilder(64, seed: 2, shortSequenceProbability: 0);
        int checkedPairs = 0;
        for (int d = 0; d < 3; d++)
            foreach (var p in builder.CreatePairs(docs, d))
            {
                Assert.Equal(61, p.TokensA.Length + p.TokensB.Length);
                Assert.InRange(Math.Abs(p.TokensA.Length - p.TokensB.Length), 0, 1);
                foreach (var side in new[] { p.TokensA, p.TokensB })
                    for (int i = 1; i < side.Length; i++) Assert.Equal(side[i - 1] + 1, side[i]);
                checkedPairs++;
            }
        Assert.True(checkedPairs >= 3);
    }

    [Fact]
    public void BertExampleLayoutTokenTypesAndNspLabel()
    {
        const int pad = 0, cls = 1, sep = 2, mask = 3;
        var mlm = new MaskedLmCollator(5000, mask, pad, [cls, sep], seed: 3, maskRate: 0); // rate 0: exactly one prediction
        var bert = new BertPretrainingCollator(mlm, cls, sep, maxSequenceLength: 12);
        var batch = bert.Collate([new SentencePair([10, 11, 12], [20, 21], IsRandomNext: false), new SentencePair([30], [40], IsRandomNext: true)]);
        Assert.Equal(new[] { 0, 1 }, batch.NextSentenceLabels);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0 }, batch.TokenTypeIds.Row(0).ToArray());
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0 }, batch.TokenTypeIds.Row(1).ToArray());
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, batch.AttentionMask.Row(0).ToArray());
        var original = new[] { cls, 10, 11, 12, sep, 20, 21, sep, pad, pad, pad, pad };
        var row = batch.InputIds.Row(0);
        var labels = batch.MlmLabels.Row(0);
        int predicted = 0;
        for (int i = 0; i < 12; i++)
            if (labels[i] == -100) Assert.Equal(original[i], row[i]);
            else { predicted++; Assert.Equal(original[i], labels[i]); Assert.DoesNotContain(original[i], new[] { cls, sep, pad }); }
        Assert.Equal(1, predicted);
        Assert.Throws<ArgumentException>(() => bert.Build(new SentencePair(new int[8], new int[2], false)));
    }
}
