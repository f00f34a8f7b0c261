using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class DecontaminationTests
{
    const string Eval = "The quick brown fox jumps over the lazy dog while the farmer sleeps under the old oak tree.";

    [Fact]
    public void ThirteenGramOverlapIsFoundTwelveIsNot()
    {
        var index = new NgramIndex();
        index.Add(new Document("test-1", Eval));
        Assert.Equal(13, index.N);
        // Words 0..12 of the eval text (13 words), in different case and punctuation.
        var shares13 = "Preamble. THE QUICK BROWN FOX, jumps over the lazy dog -- while the farmer sleeps! Then more.";
        var shares12 = "Preamble. The quick brown fox jumps over the lazy dog while the farmer. Unrelated end here.";
        var decon = new Decontaminator(index);
        var kept = decon.Filter([new("a", shares13), new("b", shares12), new("c", "nothing in common")]).ToList();
        Assert.Equal(["b", "c"], kept.Select(d => d.Id));
        Assert.Equal(1, decon.Report.Removed);
        Assert.Equal(new Contamination("a", 1, "test-1"), decon.Report.Hits.Single());
        Assert.Equal(["test-1"], decon.Report.EvalDocumentsHit);
    }

    [Fact]
    public void FlagKeepsTheDocumentAndCountsIt()
    {
        var index = new NgramIndex(5);
        index.Add(new Document("e", "one two three four five six"));
        index.Add(new Document("short", "one two"));
        Assert.Equal(1, index.TooShort);
        var decon = new Decontaminator(index, ContaminationAction.Flag);
        var kept = decon.Filter([new("x", "zero one two three four five six seven")]).ToList();
        Assert.Single(kept);
        Assert.Equal(1, decon.Report.Flagged);
        Assert.Equal(2, decon.Report.Hits[0].MatchedNgrams); // "one..five", "two..six"
    }

    [Fact]
    public void OfIndexesTheEvaluationSetAndCanIgnoreNgramsCommonToManyOfItsDocuments()
    {
        // "a b c d" is in all three evaluation documents (a footer), "x y z w" only in e1.
        Document[] eval = [new("e1", "x y z w a b c d"), new("e2", "p q a b c d"), new("e3", "r s a b c d")];
        Document[] train = [new("footer", "hello a b c d bye"), new("leak", "x y z w"), new("clean", "nothing here at all")];
        Assert.Equal(["clean"], new Decontaminator(NgramIndex.Of(eval, n: 4)).Filter(train).Select(d => d.Id));
        var index = NgramIndex.Of(eval, n: 4, ignoreCommonAbove: 2);
        Assert.Equal(4, index.N);
        Assert.Equal(3, index.Documents);
        Assert.Equal(["footer", "clean"], new Decontaminator(index).Filter(train).Select(d => d.Id));
    }

    [Fact]
    public void VerbatimTestEmailsInTheTrainingSplitAreFound()
    {
        // The SpamAssassin corpus repeats messages (spam-1 and spam-2 overlap), so 3 test emails
        // also occur verbatim in the training split (counted in Python by the build, data/README.md).
        var train = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/spam-train.jsonl")).ToList();
        var test = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/spam-test.jsonl")).ToList();
        var testTexts = test.Select(d => d.Text).ToHashSet();
        var verbatim = train.Where(d => testTexts.Contains(d.Text)).Select(d => d.Id).ToList();
        Assert.Equal(3, test.Count(d => train.Any(t => t.Text == d.Text)));
        var index = new NgramIndex();
        index.AddRange(test);
        var decon = new Decontaminator(index);
        var clean = decon.Filter(train).ToList();
        var hitIds = decon.Report.Hits.Select(h => h.TrainingId).ToHashSet();
        Assert.All(verbatim, id => Assert.Contains(id, hitIds));
        Assert.Equal(train.Count - decon.Report.Removed, clean.Count);
        // Pruning n-grams shared by many test emails (list footers) can only reduce the hits.
        var pruned = new NgramIndex();
        pruned.AddRange(test);
        Assert.True(pruned.PruneCommon(10) > 0);
        var decon2 = new Decontaminator(pruned);
        decon2.Filter(train).ToList();
        Assert.True(decon2.Report.Contaminated <= decon.Report.Contaminated);
        Assert.All(verbatim, id => Assert.Contains(id, decon2.Report.Hits.Select(h => h.TrainingId)));
    }
}
