using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

public class VocabularyExpansionTests
{
    // English base trained on dictionary definitions; Chinese tokens learned from poems and sayings
    static readonly List<string> English = ShippedCorpus.Texts("hq", 300_000);
    static readonly List<string> ChineseTrain = ShippedCorpus.Texts("zh", 150_000);
    static readonly List<string> ChineseHeldOut = ShippedCorpus.Texts("zh", 30_000, skipChars: 300_000);

    static BpeTokenizer Train(IEnumerable<string> texts, int vocabularySize)
    {
        var trainer = new BpeTrainer(new BpeTrainerOptions(vocabularySize, SpecialTokens: ["<|endoftext|>"]));
        foreach (var t in texts) trainer.AddText(t);
        return trainer.Train();
    }

    static readonly Lazy<(BpeTokenizer Old, VocabularyExpansionResult Expanded)> Expanded = new(() =>
    {
        var old = Train(English, 2000);
        return (old, VocabularyExpansion.Expand(old, Train(ChineseTrain, 2000)));
    });

    [Fact]
    public void EveryOldIdKeepsItsToken_AndAddedTokensComeAfter()
    {
        var (old, result) = Expanded.Value;
        var expanded = result.Tokenizer;
        Assert.Equal(old.VocabularySize, result.FirstAddedId);
        Assert.True(result.AddedTokens > 500, $"only {result.AddedTokens} tokens added");
        Assert.Equal(old.VocabularySize + result.AddedTokens, expanded.VocabularySize);
        for (int id = 0; id < old.VocabularySize; id++) Assert.Equal(old.TokenBytes(id), expanded.TokenBytes(id));
        Assert.Equal(old.Merges!, expanded.Merges!.Take(old.Merges!.Count));
    }

    [Fact]
    public void ChineseCostsFewerTokensPerCharacter_AfterExpansion()
    {
        var (old, result) = Expanded.Value;
        double before = VocabularyExpansion.TokensPerCharacter(old, ChineseHeldOut);
        double after = VocabularyExpansion.TokensPerCharacter(result.Tokenizer, ChineseHeldOut);
        // an English byte-level vocabulary spends about 2-3 tokens per Chinese character (3 UTF-8 bytes each)
        Assert.True(before > 1.5, $"before {before:F2}");
        Assert.True(after < 0.6 * before, $"before {before:F2} after {after:F2} tokens/char");
        foreach (var text in ChineseHeldOut.Take(50)) Assert.Equal(text, result.Tokenizer.Decode(result.Tokenizer.EncodeToIds(text)));
    }

    [Fact]
    public void OldPieces_SpellEachAddedToken()
    {
        var (old, result) = Expanded.Value;
        foreach (var (id, pieces) in result.OldPieces)
        {
            Assert.True(pieces.Length >= 2, $"added token {id} was already one old token");
            Assert.Equal(result.Tokenizer.TokenBytes(id), old.DecodeToBytes(pieces));
            Assert.All(pieces, p => Assert.True(p < result.FirstAddedId));
        }
    }

    [HuggingFaceFact]
    public void ExpandedTokenizerJson_HuggingFaceEncodesIdentically()
    {
        var tok = Expanded.Value.Expanded.Tokenizer;
        string path = TrainingCorpus.TempPath("expanded.json");
        try
        {
            TokenizerJson.Save(tok, path);
            string[] texts = [.. ChineseHeldOut.Take(40), .. English.Take(40), File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt"))];
            using var hf = NodeReference.HuggingFace(new { tokenizer = path, texts, addSpecialTokens = false });
            var results = hf.RootElement.GetProperty("texts").EnumerateArray().ToArray();
            for (int i = 0; i < texts.Length; i++)
                Assert.Equal(results[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()), tok.EncodeToIds(texts[i]));
        }
        finally { File.Delete(path); }
    }

    [TiktokenFact]
    public void Gpt2ExpandedWithChinese_KeepsIds_AndCostsLess()
    {
        var gpt2 = TiktokenParityTests.Load("gpt2");
        var result = VocabularyExpansion.Expand(gpt2, Train(ChineseTrain, 3000));
        Assert.Equal(50257, result.FirstAddedId);
        for (int id = 0; id < gpt2.VocabularySize; id += 97) Assert.Equal(gpt2.TokenBytes(id), result.Tokenizer.TokenBytes(id));
        Assert.Equal(50256, result.Tokenizer.EncodeToIds("<|endoftext|>")[0]);
        double before = VocabularyExpansion.TokensPerCharacter(gpt2, ChineseHeldOut);
        double after = VocabularyExpansion.TokensPerCharacter(result.Tokenizer, ChineseHeldOut);
        Assert.True(after < 0.7 * before, $"gpt2 {before:F2} -> expanded {after:F2} tokens/char");
        foreach (var text in ChineseHeldOut.Take(50)) Assert.Equal(text, result.Tokenizer.Decode(result.Tokenizer.EncodeToIds(text)));
    }
}
