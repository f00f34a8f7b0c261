using Curriculum.Data;

namespace Curriculum.Tests.Chinese;

/// <summary>Decontamination counts characters for Chinese, and finds a short test item contained whole.</summary>
public class ChineseDecontaminationTests
{
    // 8 ideographs; the test set is Chinese, so the default unit is the character and n = 8
    static readonly Document TestSentence = new("test-1", "己所不欲，勿施于人。");
    const string Training = "今天我们在课堂上读书，老师说：“己所不欲，勿施于人。”然后大家一起回家吃饭了。";

    [Fact]
    public void TheDefaultForChineseIsEightCharacters()
    {
        var settings = NgramSettings.Choose([TestSentence]);
        Assert.Equal(NgramUnit.Char, settings.Unit);
        Assert.Equal(8, settings.N);
        Assert.Contains("CJK", settings.Why);
        var english = NgramSettings.Choose([new Document("e", "The quick brown fox jumps over the lazy dog.")]);
        Assert.Equal((NgramUnit.Word, 13), (english.Unit, english.N));
    }

    [Fact]
    public void AnEmbeddedEightCharacterSentenceIsCaughtAtTheDefault()
    {
        var decon = new Decontaminator(new NgramIndex(NgramSettings.Choose([TestSentence])).With(TestSentence));
        var kept = decon.Filter([new Document("train-1", Training), new Document("train-2", "天下大事，必作于细。")]).ToList();
        Assert.Equal(["train-2"], kept.Select(d => d.Id));
        Assert.Equal("test-1", decon.Report.Hits.Single().EvalId);

        // GPT-3's 13 words, where each ideograph is a word, never index an 8-character sentence: the case that slipped through
        var words = new Decontaminator(new NgramIndex(13, NgramUnit.Word, minContained: 13).With(TestSentence));
        Assert.Equal(2, words.Filter([new Document("train-1", Training), new Document("train-2", "天下大事，必作于细。")]).Count());
    }

    [Fact]
    public void AShortTestItemContainedWholeIsCaught()
    {
        var index = new NgramIndex(NgramSettings.Choose([TestSentence]));
        index.Add(new Document("short", "学而时习之"));          // 5 characters < 8, >= 5: indexed whole
        index.Add(new Document("idiom", "画蛇添足"));          // 4 characters: too short to tell from a common phrase
        Assert.Equal(1, index.Contained);
        Assert.Equal(1, index.TooShort);
        var decon = new Decontaminator(index);
        var kept = decon.Filter([new Document("a", "子曰：学而时习之，不亦说乎？"), new Document("b", "他画蛇添足了。")]).ToList();
        Assert.Equal(["b"], kept.Select(d => d.Id));
        Assert.Equal("short", decon.Report.Hits.Single().EvalId);
    }
}

static class NgramIndexTestExtensions
{
    public static NgramIndex With(this NgramIndex index, Document doc) { index.Add(doc); return index; }
}
