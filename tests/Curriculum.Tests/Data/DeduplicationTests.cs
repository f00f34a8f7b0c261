using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class DeduplicationTests
{
    // Mining of Massive Datasets (Leskovec, Rajaraman, Ullman), section 3.4.2, figure 3.8:
    // b = 20 bands of r = 5 rows, P(candidate) = 1 - (1 - s^5)^20.
    [Theory]
    [InlineData(0.2, 0.006)]
    [InlineData(0.3, 0.047)]
    [InlineData(0.4, 0.186)]
    [InlineData(0.5, 0.470)]
    [InlineData(0.6, 0.802)]
    [InlineData(0.7, 0.975)]
    [InlineData(0.8, 0.9996)]
    public void SCurveMatchesTheTextbookTable(double s, double expected)
    {
        var p = new LshParameters(20, 5);
        Assert.Equal(expected, p.CandidateProbability(s), expected < 0.01 ? 3 : 3);
        Assert.Equal(Math.Pow(1.0 / 20, 1.0 / 5), p.ApproximateThreshold, 12); // ~0.55, as the book says
    }

    [Theory]
    [InlineData(0.5, 128)]
    [InlineData(0.8, 128)]
    [InlineData(0.9, 256)]
    public void OptimalBandsPutTheSCurveAtTheThreshold(double threshold, int perms)
    {
        var p = LshParameters.Optimal(threshold, perms);
        Assert.True(p.Bands * p.Rows <= perms);
        Assert.InRange(p.ApproximateThreshold, threshold - 0.12, threshold + 0.05);
        // Far below the threshold few pairs are candidates; well above almost all are.
        Assert.True(p.CandidateProbability(threshold - 0.3) < 0.01);
        Assert.True(p.CandidateProbability(Math.Min(0.99, threshold + 0.15)) > 0.95);
    }

    [Fact]
    public void OptimalBandsForTheDefaultSetting()
    {
        // Threshold 0.8 with 128 permutations, the same minimisation written in Python with Simpson's
        // rule: equal weights give 9 bands of 13 rows (s* = (1/9)^(1/13) = 0.844); misses weighted 0.9
        // give 14 x 9 (s* = 0.746, P(0.85) = 0.975).
        Assert.Equal(new LshParameters(9, 13), LshParameters.Optimal(0.8, 128));
        Assert.Equal(new LshParameters(14, 9), new NearDuplicateOptions().Lsh);
        Assert.Equal(0.975, new LshParameters(14, 9).CandidateProbability(0.85), 3);
    }

    [Fact]
    public void EstimatedJaccardIsWithinSamplingErrorOfExact()
    {
        // Pairs of 200-word texts sharing a growing prefix: exact Jaccard of word-3-gram sets from
        // HashSet arithmetic; the MinHash estimate has standard error sqrt(J(1-J)/k).
        var rng = new SplitMix64(7);
        string Word() => "w" + rng.NextInt(5000);
        var hasher = new MinHasher(256, 3, seed: 1);
        int within2Se = 0, cases = 0;
        foreach (int shared in new[] { 0, 40, 80, 120, 160, 190, 200 })
        {
            for (int rep = 0; rep < 5; rep++)
            {
                var common = Enumerable.Range(0, shared).Select(_ => Word()).ToList();
                var a = string.Join(" ", common.Concat(Enumerable.Range(0, 200 - shared).Select(_ => Word())));
                var b = string.Join(" ", common.Concat(Enumerable.Range(0, 200 - shared).Select(_ => Word())));
                double exact = WordNgrams.Jaccard(WordNgrams.ShingleSet(a, 3), WordNgrams.ShingleSet(b, 3));
                double est = MinHasher.EstimatedJaccard(hasher.Signature(a), hasher.Signature(b));
                double se = Math.Sqrt(Math.Max(exact * (1 - exact), 1e-4) / 256);
                Assert.True(Math.Abs(est - exact) < 4 * se + 1e-9, $"shared {shared}: exact {exact:F3}, estimate {est:F3}");
                if (Math.Abs(est - exact) < 2 * se + 1e-9) within2Se++;
                cases++;
            }
        }
        Assert.True(within2Se >= cases * 0.85, $"{within2Se}/{cases} within 2 standard errors"); // ~95% expected
    }

    [Fact]
    public void ShinglesIgnoreCaseAndPunctuation()
    {
        Assert.Equal(1.0, WordNgrams.Jaccard(WordNgrams.ShingleSet("Hello,  World! How are you?", 3), WordNgrams.ShingleSet("hello world how are you", 3)));
        // 5 words -> 3 trigrams; one changed last word breaks one of them: J = 2 / 4.
        Assert.Equal(0.5, WordNgrams.Jaccard(WordNgrams.ShingleSet("a b c d e", 3), WordNgrams.ShingleSet("a b c d f", 3)));
    }

    [Fact]
    public void PlantedNearCopiesAreClusteredAndTheFirstIsKept()
    {
        var rng = new SplitMix64(3);
        var docs = new List<string>();
        for (int i = 0; i < 300; i++) docs.Add(string.Join(" ", Enumerable.Range(0, 80).Select(_ => "w" + rng.NextInt(20000))));
        // Copies of docs 10 and 20 with one word changed (J = 77/81 ≈ 0.95 for 3-grams), and doc 10 again exactly.
        string Edit(string s) { var w = s.Split(' '); w[40] = "changed"; return string.Join(" ", w); }
        docs.Add(Edit(docs[10])); docs.Add(Edit(docs[20])); docs.Add(docs[10].ToUpperInvariant());
        var finder = new NearDuplicateFinder(new NearDuplicateOptions(Threshold: 0.8));
        foreach (var d in docs) finder.Add(d);
        var result = finder.Find();
        Assert.Equal(2, result.Clusters.Count);
        Assert.Equal(10, result.Clusters[0].Kept);
        Assert.Equal([300, 302], result.Clusters[0].Removed);
        Assert.Equal(20, result.Clusters[1].Kept);
        Assert.Equal([301], result.Clusters[1].Removed);
        Assert.Equal(3, result.RemovedCount);
        Assert.All(result.Clusters.SelectMany(c => c.EstimatedJaccard), j => Assert.True(j >= 0.8));
    }

    [Fact]
    public void ExactDedupNormalisesWhitespaceAndCase()
    {
        var dedup = new ExactDeduplicator();
        var kept = dedup.Deduplicate([new("a", "Hello  world"), new("b", "hello world\n"), new("c", "hello, world")]).ToList();
        Assert.Equal(["a", "c"], kept.Select(d => d.Id));
        Assert.Equal(("b", "a"), dedup.Samples.Single());
    }

    [Fact]
    public void ShippedNoisyPoolHasTheDuplicatesTheBuildCounted()
    {
        // Python (data/README.md): 89 documents of general.jsonl repeat an earlier text exactly.
        var docs = JsonlReader.Read(Path.Combine(RepoPaths.Data, "corpora/general.jsonl")).ToList();
        var exact = new ExactDeduplicator(caseSensitive: true);
        docs.ForEach(d => exact.IsNew(d));
        Assert.True(exact.Removed >= 89, $"{exact.Removed}");
        var finder = new NearDuplicateFinder();
        docs.ForEach(d => finder.Add(d.Text));
        var result = finder.Find();
        Assert.True(result.RemovedCount >= exact.Removed, $"near {result.RemovedCount} < exact {exact.Removed}");
        // Every removed document really is similar to the kept one (exact Jaccard, not the estimate).
        foreach (var c in result.Clusters.Take(50))
            foreach (var r in c.Removed)
                Assert.True(WordNgrams.Jaccard(WordNgrams.ShingleSet(docs[c.Kept].Text, 3), WordNgrams.ShingleSet(docs[r].Text, 3)) > 0.6,
                    $"{docs[c.Kept].Id} vs {docs[r].Id}");
    }
}
