using System.Text;
using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

/// <summary>Byte-level BPE with tiktoken's rank files against tiktoken's own ids (npm `tiktoken`).</summary>
public class TiktokenParityTests
{
    static readonly string HardText = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt"));

    static readonly Dictionary<string, int[]> HardTextIds = JsonSerializer.Deserialize<Dictionary<string, int[]>>(
        File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "tiktoken_ids.json")))!;

    static readonly Dictionary<string, BpeTokenizer> Loaded = [];

    internal static BpeTokenizer Load(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var t))
                Loaded[name] = t = BpeTokenizer.LoadTiktoken(NodeReference.RankFile(name), TiktokenEncoding.FromName(name));
            return t;
        }
    }

    [TiktokenTheory]
    [InlineData("gpt2")]
    [InlineData("r50k_base")]
    [InlineData("p50k_base")]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void HardText_IdsEqualTiktoken(string encoding)
    {
        var ids = Load(encoding).EncodeToIds(HardText);
        AssertSameIds(HardTextIds[encoding], ids, HardText, encoding);
    }

    [TiktokenFact]
    public void SpecialTokensNotAllowed_AreOrdinaryText_AsTiktokenEncodeOrdinary()
    {
        var ids = Load("cl100k_base").EncodeToIds(HardText, []);
        AssertSameIds(HardTextIds["cl100k_base_ordinary"], ids, HardText, "cl100k_base ordinary");
    }

    [TiktokenFact]
    public void OnlyAllowedSpecialTokens_AreRecognised()
    {
        var tok = Load("cl100k_base");
        var ids = tok.EncodeToIds("a<|endoftext|>b<|fim_prefix|>", ["<|endoftext|>"]);
        var expected = new List<int>(tok.EncodeToIds("a", []));
        expected.Add(100257);
        expected.AddRange(tok.EncodeToIds("b<|fim_prefix|>", []));
        Assert.Equal(expected, ids);
        Assert.Throws<ArgumentException>(() => tok.EncodeToIds("x", ["<|not_a_special|>"]));
    }

    [TiktokenFact]
    public void UnseenMixedText_IdsEqualTiktoken()
    {
        string file = Path.GetTempFileName();
        try
        {
            string text = MixedTextGenerator.Generate(seed: 20240601, approxChars: 150_000);
            File.WriteAllText(file, text, new UTF8Encoding(false));
            var reference = NodeReference.TiktokenIds(file, "gpt2", "cl100k_base", "o200k_base");
            foreach (var (name, ids) in reference)
                AssertSameIds(ids, Load(name).EncodeToIds(text), text, name);
        }
        finally { File.Delete(file); }
    }

    [TiktokenFact]
    public void LongWordsWithoutSpaces_IdsEqualTiktoken()
    {
        // pieces far longer than the array-scan limit go through the heap merge
        var rng = new Random(7);
        var sb = new StringBuilder();
        for (int w = 0; w < 20; w++)
        {
            int len = rng.Next(BytePairMerger.ScanLimit, 5000);
            for (int i = 0; i < len; i++) sb.Append((char)('a' + rng.Next(w % 3 == 0 ? 2 : 26)));
            sb.Append(w % 2 == 0 ? " " : "中文字符");
        }
        string text = sb.ToString(), file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text, new UTF8Encoding(false));
            var reference = NodeReference.TiktokenIds(file, "cl100k_base", "o200k_base");
            foreach (var (name, ids) in reference)
                AssertSameIds(ids, Load(name).EncodeToIds(text), text, name);
        }
        finally { File.Delete(file); }
    }

    [TiktokenFact]
    public void Decode_RoundTripsText_AndCountMatches()
    {
        foreach (var name in new[] { "gpt2", "cl100k_base", "o200k_base" })
        {
            var tok = Load(name);
            var ids = tok.EncodeToIds(HardText);
            Assert.Equal(HardText, tok.Decode(ids));
            Assert.Equal(ids.Count, tok.CountTokens(HardText));
        }
    }

    [TiktokenFact]
    public void EncodeToTokens_OffsetsCoverTheText_AndIdsMatch()
    {
        var tok = Load("o200k_base");
        var tokens = tok.EncodeToTokens(HardText);
        Assert.Equal(tok.EncodeToIds(HardText), tokens.Select(t => t.Id));
        int covered = 0;
        foreach (var t in tokens)
        {
            var (start, end) = (t.Offset.Start.Value, t.Offset.End.Value);
            Assert.True(start <= covered && end > start, $"token {t.Id} at {start}..{end} after {covered}");
            covered = Math.Max(covered, end);
            // a token holding whole characters is exactly the text of its offsets
            if (!t.Value.Contains('\uFFFD')) Assert.Equal(HardText[start..end], t.Value);
        }
        Assert.Equal(HardText.Length, covered);
    }

    [TiktokenFact]
    public void TruncatedMultiByteCharacter_DecodesToReplacementCharacter()
    {
        var tok = Load("gpt2");
        var ids = tok.EncodeToIds("語"); // 3 UTF-8 bytes, gpt2 has no token for the character
        Assert.True(ids.Count > 1);
        Assert.Equal("\uFFFD", tok.Decode(ids.Take(ids.Count - 1)));
    }

    [TiktokenAndHuggingFaceFact]
    public void ExportedTokenizerJson_HuggingFaceGivesTiktokensIds()
    {
        // written with merges derived from the ranks: HF tokenizers (its own regex engine for the split) must agree
        string[] texts = [HardText, .. TrainingCorpus.UnseenLines.Take(200)];
        foreach (var name in new[] { "cl100k_base" }) // o200k works too; one keeps the test short
        {
            var tok = Load(name);
            string path = TrainingCorpus.TempPath(name + ".json");
            try
            {
                TokenizerJson.Save(tok, path);
                var loaded = Assert.IsType<BpeTokenizer>(TokenizerJson.Load(path));
                using var hf = NodeReference.HuggingFace(new { tokenizer = path, texts, addSpecialTokens = false });
                var results = hf.RootElement.GetProperty("texts").EnumerateArray().ToArray();
                for (int i = 0; i < texts.Length; i++)
                {
                    var expected = i == 0 ? HardTextIds[name] : [.. tok.EncodeToIds(texts[i])];
                    AssertSameIds(expected, results[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(), texts[i], name + " (HF tokenizers)");
                    AssertSameIds(expected, loaded.EncodeToIds(texts[i]), texts[i], name + " (merges list)");
                }
            }
            finally { File.Delete(path); }
        }
    }

    static void AssertSameIds(IReadOnlyList<int> expected, IReadOnlyList<int> actual, string text, string what)
    {
        int n = Math.Min(expected.Count, actual.Count), i = 0;
        while (i < n && expected[i] == actual[i]) i++;
        if (i == n && expected.Count == actual.Count) return;
        var tok = Load(what.Split(' ')[0]);
        string Around(IReadOnlyList<int> ids) => string.Join(" | ", ids.Skip(Math.Max(0, i - 5)).Take(12)
            .Select(id => $"{id}:{JsonSerializer.Serialize(tok.Decode([id]))}"));
        Assert.Fail($"{what}: ids differ at index {i} of {expected.Count} (ours {actual.Count})\n tiktoken: {Around(expected)}\n ours:     {Around(actual)}");
    }
}
