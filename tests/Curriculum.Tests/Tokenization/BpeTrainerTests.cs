using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

public class BpeTrainerTests
{
    [Fact]
    public void SennrichExample_MergesInFrequencyOrder_TiesToSmallerPair()
    {
        // Sennrich et al. (2016): low x5, lower x2, newest x6, widest x3.
        // Pair counts: es 9, st 9 (tie -> (e,s), the smaller ids), then est 9, lo 7, low 7, then
        // ne 6, ew 6, west 6 (tie -> (e,w)).
        var trainer = new BpeTrainer(new BpeTrainerOptions(VocabularySize: 256 + 5, MinFrequency: 1));
        foreach (var (word, n) in new[] { ("low", 5), ("lower", 2), ("newest", 6), ("widest", 3) })
            for (int i = 0; i < n; i++) trainer.AddText(word);
        var tok = trainer.Train();
        var merged = tok.Merges!.Select(m => tok.Decode([m.Left]) + "+" + tok.Decode([m.Right])).ToArray();
        Assert.Equal(["e+s", "es+t", "l+o", "lo+w", "e+w"], merged);
        Assert.Equal([tok.TokenToId("low")!.Value, tok.TokenToId("e")!.Value, tok.TokenToId("r")!.Value], tok.EncodeToIds("lower"));
    }

    [Fact]
    public void MinFrequency_StopsTraining_AndTrainingIsDeterministic()
    {
        var options = new BpeTrainerOptions(VocabularySize: 100_000, MinFrequency: 50);
        var a = new BpeTrainer(options); a.AddText(TrainingCorpus.Text);
        var b = new BpeTrainer(options); b.AddText(TrainingCorpus.Text);
        var ta = a.Train(); var tb = b.Train();
        Assert.True(ta.VocabularySize < 100_000);
        Assert.Equal(ta.Merges, tb.Merges);
        // the last merge was seen at least 50 times: re-encoding the corpus uses it
        var (l, r) = ta.Merges![^1];
        var ids = ta.EncodeToIds(TrainingCorpus.Text);
        Assert.Contains(ta.BytesToId([.. ta.TokenBytes(l)!, .. ta.TokenBytes(r)!]), ids);
    }

    [Fact]
    public void SpecialTokens_GetFirstIds_AreNeverSplit_AndNotLearnedAsText()
    {
        var trainer = new BpeTrainer(new BpeTrainerOptions(600, SpecialTokens: ["<|endoftext|>", "<|pad|>"]));
        trainer.AddText(string.Concat(Enumerable.Repeat("hello <|endoftext|> world ", 200)));
        var tok = trainer.Train();
        Assert.Equal(0, tok.SpecialTokens["<|endoftext|>"]);
        Assert.Equal(1, tok.SpecialTokens["<|pad|>"]);
        Assert.Equal(0, tok.EncodeToIds("a<|endoftext|>b")[1]);
        Assert.Null(tok.TokenToId("<|endof"));
    }

    [Fact]
    public void OneMegabyteWithoutSpaces_EncodesAndRoundTrips()
    {
        // one piece of 1 MB: the heap merge keeps this linearithmic (the array scan would be quadratic)
        var trainer = new BpeTrainer(new BpeTrainerOptions(400));
        trainer.AddText(TrainingCorpus.Text);
        var tok = trainer.Train();
        var rng = new Random(3);
        string word = string.Create(1 << 20, rng, (span, r) => { for (int i = 0; i < span.Length; i++) span[i] = (char)('a' + r.Next(26)); });
        var ids = tok.EncodeToIds(word);
        Assert.Equal(word, tok.Decode(ids));
        // same ids as merging piece by piece with the array scan, on a prefix short enough for it
        var prefix = word[..3000];
        var scan = new List<int>();
        var merges = new Dictionary<long, (int, int)>();
        for (int k = 0; k < tok.Merges!.Count; k++)
        {
            var (a, b) = tok.Merges[k];
            merges.TryAdd(MergeListRule.Key(a, b), (k, tok.BytesToId([.. tok.TokenBytes(a)!, .. tok.TokenBytes(b)!])));
        }
        var byteIds = Enumerable.Range(0, 256).Select(b => tok.BytesToId([(byte)b])).ToArray();
        BytePairMerger.MergeByScan(System.Text.Encoding.UTF8.GetBytes(prefix), byteIds, new MergeListRule(merges), scan);
        var heap = new List<int>();
        BytePairMerger.MergeByHeap(System.Text.Encoding.UTF8.GetBytes(prefix), byteIds, new MergeListRule(merges), heap);
        Assert.Equal(scan, heap);
        Assert.Equal(scan, tok.EncodeToIds(prefix));
    }

    [Fact]
    public void Progress_IsReported_ForCountingAndMerging()
    {
        var reports = new List<TrainingProgress>();
        var trainer = new BpeTrainer(new BpeTrainerOptions(2300), new SynchronousProgress(reports.Add));
        trainer.AddFiles([TrainingCorpus.FilePath]);
        trainer.Train();
        var counting = reports.Where(r => r.Stage == "counting").ToList();
        var merging = reports.Where(r => r.Stage == "merging").ToList();
        Assert.Equal(new FileInfo(TrainingCorpus.FilePath).Length, counting[^1].Done);
        Assert.Equal(counting[^1].Total, counting[^1].Done);
        Assert.Equal([1000L, 2000L, 2044L], merging.Select(r => r.Done));
        Assert.All(merging, r => Assert.Equal(2044, r.Total));
    }

    sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void EmptyInput_GivesNoIds_AndEmptyText()
    {
        var trainer = new BpeTrainer(new BpeTrainerOptions(300));
        trainer.AddText("");
        var tok = trainer.Train();
        Assert.Equal(256, tok.VocabularySize);
        Assert.Empty(tok.EncodeToIds(""));
        Assert.Equal("", tok.Decode([]));
        Assert.Equal(0, tok.CountTokens(""));
    }

    [Fact]
    public void InvalidUtf8_IsReplaced_AndCounted()
    {
        // 'a', a stray continuation byte, 'b', a truncated 3-byte sequence, 'c', an overlong '/' (2 bytes, each invalid)
        byte[] bytes = [0x61, 0x80, 0x62, 0xE4, 0xB8, 0x63, 0xC0, 0xAF];
        string text = Utf8TextFile.Decode(bytes, out int invalid);
        // WHATWG/Unicode "maximal subpart" replacement, as node's TextDecoder: a \uFFFD b \uFFFD c \uFFFD \uFFFD
        Assert.Equal("a\uFFFDb\uFFFDc\uFFFD\uFFFD", text);
        Assert.Equal(4, invalid);
    }

    [Theory]
    [InlineData(PreTokenizerPattern.Gpt2)]
    [InlineData(PreTokenizerPattern.Cl100k)]
    [InlineData(PreTokenizerPattern.O200k)]
    public void SavedTokenizerJson_LoadsBack_EncodingIdentically(PreTokenizerPattern pattern)
    {
        var tok = Trained(pattern);
        string path = TrainingCorpus.TempPath("bpe.json");
        try
        {
            TokenizerJson.Save(tok, path);
            var loaded = Assert.IsType<BpeTokenizer>(TokenizerJson.Load(path));
            foreach (var line in TrainingCorpus.UnseenLines) Assert.Equal(tok.EncodeToIds(line), loaded.EncodeToIds(line));
        }
        finally { File.Delete(path); }
    }

    [HuggingFaceFact]
    public void SavedTokenizerJson_HuggingFaceEncodesIdentically()
    {
        string hard = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt"));
        string[] texts = [hard, .. TrainingCorpus.UnseenLines, "", "<|endoftext|>", " <|endoftext|>x"];
        foreach (var pattern in new[] { PreTokenizerPattern.Gpt2, PreTokenizerPattern.Cl100k, PreTokenizerPattern.O200k })
        {
            var tok = Trained(pattern);
            string path = TrainingCorpus.TempPath("bpe.json");
            try
            {
                TokenizerJson.Save(tok, path);
                using var hf = NodeReference.HuggingFace(new { tokenizer = path, texts, addSpecialTokens = false });
                var results = hf.RootElement.GetProperty("texts").EnumerateArray().ToArray();
                for (int i = 0; i < texts.Length; i++)
                {
                    var expected = results[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    var ours = tok.EncodeToIds(texts[i]);
                    Assert.True(expected.SequenceEqual(ours), $"{pattern}: text {i} {JsonSerializer.Serialize(texts[i])}: HF [{string.Join(",", expected)}] ours [{string.Join(",", ours)}]");
                    Assert.Equal(results[i].GetProperty("decoded").GetString(), tok.Decode(ours).Replace("<|endoftext|>", ""));
                }
            }
            finally { File.Delete(path); }
        }
    }

    static readonly Dictionary<PreTokenizerPattern, BpeTokenizer> Cache = [];

    internal static BpeTokenizer Trained(PreTokenizerPattern pattern)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(pattern, out var t)) return t;
            var trainer = new BpeTrainer(new BpeTrainerOptions(1500, SpecialTokens: ["<|endoftext|>"], Pattern: pattern));
            trainer.AddFiles([TrainingCorpus.FilePath]);
            return Cache[pattern] = trainer.Train();
        }
    }
}
