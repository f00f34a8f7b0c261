using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

public class WordPieceTests
{
    static readonly string HardText = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt"));

    [Fact]
    public void GreedyLongestMatchFirst_WithContinuationPieces()
    {
        // the example of the BERT repository's tokenization.py
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "runn", "##ing", ",", "want", "##want", "##ed", "wa"];
        var tok = new WordPieceTokenizer(vocab);
        Assert.Equal(["un", "##aff", "##able", ",", "runn", "##ing"], tok.EncodeToTokens("UNaffable, running").Select(t => t.Value));
        Assert.Equal(["want", "##ed"], tok.EncodeToTokens("wanted").Select(t => t.Value));
        // "unwantedX": no piece covers "X", so the whole word is [UNK]
        Assert.Equal(["[UNK]"], tok.EncodeToTokens("unwantedX").Select(t => t.Value));
        Assert.Equal([tok.UnknownId], tok.EncodeToIds(new string('a', 101)));
    }

    [Fact]
    public void BertNormalizer_CleansLowersStripsAccents_AndSpacesCjk()
    {
        var n = new BertNormalizer();
        Assert.Equal("hello  世  界 ", n.Normalize("H\u00e9llo\t世界\u200d\u0000"));
        Assert.Equal("ｈｅｌｌｏ", n.Normalize("Ｈｅｌｌｏ"));
        // NFD of a Hangul syllable is its jamo, which are not marks: they stay decomposed
        Assert.Equal("\u1112\u1161\u11ab", n.Normalize("\ud55c"));
        var cased = new BertNormalizer(Lowercase: false);
        Assert.Equal("H\u00e9llo", cased.Normalize("H\u00e9llo"));
    }

    [Fact]
    public void SentencePair_HasTypeIds_AndSpecialTokens()
    {
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "!"];
        var tok = new WordPieceTokenizer(vocab);
        var e = tok.EncodeForModel("Hello world", "world!");
        Assert.Equal(["[CLS]", "hello", "world", "[SEP]", "world", "!", "[SEP]"], e.Tokens);
        Assert.Equal([2, 5, 6, 3, 6, 7, 3], e.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], e.TypeIds);
        Assert.Equal("hello world world!", tok.Decode(e.Ids));
    }

    [Fact]
    public void VocabTxt_RoundTrips_AndBadFileNamesLine()
    {
        var tok = Trained();
        string path = TrainingCorpus.TempPath("vocab.txt");
        try
        {
            tok.SaveVocabTxt(path);
            var loaded = WordPieceTokenizer.LoadVocabTxt(path);
            Assert.Equal(tok.EncodeToIds(HardText), loaded.EncodeToIds(HardText));
            File.WriteAllText(path, "[PAD]\n[UNK]\nab\n\ncd\n");
            var e = Assert.Throws<FormatException>(() => WordPieceTokenizer.LoadVocabTxt(path));
            Assert.Contains(path + ":4:", e.Message);
        }
        finally { File.Delete(path); }
    }

    [HuggingFaceFact]
    public void SavedTokenizerJson_HuggingFaceEncodesIdentically()
    {
        foreach (var lowercase in new[] { true, false })
        {
            var tok = Trained(lowercase);
            string path = TrainingCorpus.TempPath("wordpiece.json");
            try
            {
                TokenizerJson.Save(tok, path);
                var loaded = Assert.IsType<WordPieceTokenizer>(TokenizerJson.Load(path));
                string[] texts = [HardText, .. TrainingCorpus.UnseenLines, "", "[CLS] x [SEP]", "[MASK]ed"];
                string[][] pairs = [["Hello world!", "今天 天气 很好"], [HardText[..200], TrainingCorpus.UnseenLines[3]]];
                using var hf = NodeReference.HuggingFace(new { tokenizer = path, texts, pairs, addSpecialTokens = false });
                var results = hf.RootElement.GetProperty("texts").EnumerateArray().ToArray();
                for (int i = 0; i < texts.Length; i++)
                {
                    var tokens = loaded.EncodeToTokens(texts[i]);
                    string where = $"lowercase={lowercase} text {i} {JsonSerializer.Serialize(texts[i].Length > 300 ? texts[i][..300] : texts[i])}";
                    Assert.True(Ints(results[i], "ids").SequenceEqual(tokens.Select(t => t.Id)),
                        $"{where}: HF [{string.Join(" ", Strings(results[i], "tokens"))}] ours [{string.Join(" ", tokens.Select(t => t.Value))}]");
                    // HF offsets count Unicode scalar values; ours count UTF-16 units
                    var hfOffsets = results[i].GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32()));
                    Assert.Equal(hfOffsets, tokens.Select(t => (ScalarIndex(texts[i], t.Offset.Start.Value), ScalarIndex(texts[i], t.Offset.End.Value))));
                    Assert.Equal(results[i].GetProperty("decoded").GetString(), loaded.Decode(tokens.Select(t => t.Id)));
                }
                var pairResults = hf.RootElement.GetProperty("pairs").EnumerateArray().ToArray();
                using var hfSpecial = NodeReference.HuggingFace(new { tokenizer = path, pairs, addSpecialTokens = true });
                var withSpecial = hfSpecial.RootElement.GetProperty("pairs").EnumerateArray().ToArray();
                for (int i = 0; i < pairs.Length; i++)
                {
                    var e = loaded.EncodeForModel(pairs[i][0], pairs[i][1]);
                    Assert.Equal(Ints(withSpecial[i], "ids"), e.Ids);
                    Assert.Equal(Ints(withSpecial[i], "typeIds"), e.TypeIds);
                    Assert.Equal(Strings(withSpecial[i], "tokens"), e.Tokens);
                }
            }
            finally { File.Delete(path); }
        }
    }

    static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
    static string[] Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToArray();

    static int ScalarIndex(string s, int utf16Index)
    {
        int n = 0;
        for (int i = 0; i < utf16Index; i++) if (!char.IsLowSurrogate(s[i])) n++;
        return n;
    }

    static readonly Dictionary<bool, WordPieceTokenizer> Cache = [];

    static WordPieceTokenizer Trained(bool lowercase = true)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(lowercase, out var t)) return t;
            var trainer = new WordPieceTrainer(new WordPieceTrainerOptions(2000, Normalizer: new BertNormalizer(Lowercase: lowercase), MaxAlphabetSize: 400));
            trainer.AddFiles([TrainingCorpus.FilePath]);
            return Cache[lowercase] = trainer.Train();
        }
    }
}
