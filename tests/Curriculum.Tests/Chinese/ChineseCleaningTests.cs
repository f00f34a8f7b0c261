using Curriculum.Data;

namespace Curriculum.Tests.Chinese;

/// <summary>The cleaning rules on Chinese text: full-width punctuation is text, short sentences are sentences.</summary>
public class ChineseCleaningTests
{
    const string Lunyu = "子曰：“巧言令色，鲜矣仁！”";
    const string Short = "席不正，不坐。";

    [Fact]
    public void DefaultCleaningKeepsTheAnalectsLinesWhole()
    {
        var cleaner = Cleaner.Default();
        var kept = cleaner.Clean([new Document("1", Lunyu), new Document("2", Short), new Document("3", "Orz")]).ToList();
        Assert.Equal([Lunyu, Short], kept.Select(d => d.Text));
        // the English minimum still holds for English ("Orz" is 3 characters < 20)
        Assert.Equal(1, cleaner.Report.Filters.Single(f => f.Name == "length").Removed);
    }

    [Fact]
    public void FullWidthPunctuationCountsAsText()
    {
        // 9 ideographs and 6 marks: 60% letters alone, 100% text; a 70% threshold tells the two counts apart
        var filter = new CharacterClassFilter(minTextFraction: 0.7);
        Assert.False(filter.Apply(Lunyu).Removed);
        Assert.True(filter.Apply("子曰：*** --- ### +++ ===").Removed);
    }

    [Fact]
    public void EveryThresholdIsHonoured()
    {
        Assert.True(Cleaner.Default(new CleaningOptions(MinCharsCjk: 10)).Clean(new Document("s", Short)) is null);
        Assert.NotNull(Cleaner.Default(new CleaningOptions(MinChars: 2)).Clean(new Document("o", "Orz")));
        Assert.Null(Cleaner.Default(new CleaningOptions(MinChars: 5, MaxChars: 10)).Clean(new Document("l", Lunyu)));
        string refrain = "彼黍离离，彼稷之苗。\n知我者谓我心忧。\n彼黍离离，彼稷之苗。";
        Assert.Null(Cleaner.Default().Clean(new Document("r", refrain)));
        Assert.NotNull(Cleaner.Default(new CleaningOptions(MaxRepeatedLineFraction: 0.5, MaxRepeatedCharFraction: 0.5)).Clean(new Document("r", refrain)));
    }

    [Fact]
    public void NfkcSaysWhatItChanged()
    {
        var cleaner = Cleaner.Default(new CleaningOptions(Nfkc: true));
        var doc = cleaner.Clean(new Document("1", Lunyu))!;
        Assert.Equal("子曰:“巧言令色,鲜矣仁!”", doc.Text);           // NFKC folds ：，！ but has no mapping for “ ”
        var nfkc = cleaner.Normalizer!;
        Assert.Equal(3, nfkc.CharactersChanged);
        Assert.Equal(1, nfkc.Changes["，->,"]);
        Assert.Equal(1, nfkc.Changes["：->:"]);
        var sample = cleaner.Report.Filters.Single(f => f.Name == "nfkc").Samples.Single();
        Assert.Contains("3 characters changed", sample.Detail);
        Assert.Contains("，->,", sample.Detail);
    }
}
