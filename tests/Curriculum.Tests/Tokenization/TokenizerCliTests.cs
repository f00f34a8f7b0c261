using System.Text;
using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

/// <summary><c>curriculum tokenizer train|encode</c> and <c>curriculum bench tokenizer</c> as a user runs them.</summary>
public class TokenizerCliTests
{
    static readonly string HardTextPath = Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt");

    [Fact]
    public void TrainRefusesInvalidUtf8_EncodeReportsIt_AndIdsMatchTheLibrary()
    {
        string dir = TrainingCorpus.TempPath("cli");
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "in.txt"), json = Path.Combine(dir, "tok.json"), ids = Path.Combine(dir, "ids.json");
            string clean = Path.Combine(dir, "clean.txt");
            File.WriteAllText(clean, TrainingCorpus.Text[..50_000]);
            // the corpus with two invalid bytes spliced in
            var bytes = Encoding.UTF8.GetBytes(TrainingCorpus.Text[..50_000]).ToList();
            bytes.Insert(100, 0xFF);
            bytes.Insert(200, 0xC3);
            File.WriteAllBytes(input, [.. bytes]);
            var refused = ProcessRunner.Curriculum("tokenizer", "train", "--type", "bpe", "--vocab-size", "700", "--input", input, "--out", json);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"{input}: not UTF-8", refused.Stderr);
            Assert.False(File.Exists(json));
            var train = ProcessRunner.Curriculum("tokenizer", "train", "--type", "bpe", "--vocab-size", "700", "--input", clean, "--out", json);
            Assert.True(train.ExitCode == 0, train.Stderr);
            var encode = ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", json, "--file", input, "--ids-out", ids);
            Assert.True(encode.ExitCode == 0, encode.Stderr);
            Assert.Contains("2 invalid UTF-8 sequence(s) replaced", encode.Stderr);
            var tok = TokenizerJson.Load(json);
            string text = Utf8TextFile.Read(input, out _);
            Assert.Equal(tok.EncodeToIds(text), JsonSerializer.Deserialize<int[]>(File.ReadAllText(ids)));

            File.WriteAllText(input, "");
            var empty = ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", json, "--file", input);
            Assert.Equal(0, empty.ExitCode);
            Assert.Equal("[]", empty.Stdout.Trim());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void WordPiece_TrainsAndEncodesWithSpecialTokensWhenAsked()
    {
        string dir = TrainingCorpus.TempPath("cli-wp");
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "in.txt"), json = Path.Combine(dir, "wp.json"), text = Path.Combine(dir, "t.txt");
            File.WriteAllText(input, TrainingCorpus.Text[..50_000]);
            File.WriteAllText(text, "Hello world");
            Assert.Equal(0, ProcessRunner.Curriculum("tokenizer", "train", "--type", "wordpiece", "--vocab-size", "600", "--input", input, "--out", json).ExitCode);
            var plain = JsonSerializer.Deserialize<int[]>(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", json, "--file", text).Stdout)!;
            var wrapped = JsonSerializer.Deserialize<int[]>(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", json, "--file", text, "--add-special-tokens").Stdout)!;
            var wp = Assert.IsType<WordPieceTokenizer>(TokenizerJson.Load(json));
            Assert.Equal([wp.TokenToId("[CLS]")!.Value, .. plain, wp.TokenToId("[SEP]")!.Value], wrapped);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Unigram_TrainsToTheAskedSize_AndEncodesAsTheLibrary_AndTooSmallASizeIsAUsageError()
    {
        string dir = TrainingCorpus.TempPath("cli-unigram");
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "in.txt"), json = Path.Combine(dir, "uni.json");
            File.WriteAllText(input, TrainingCorpus.Text[..50_000]);
            var train = ProcessRunner.Curriculum("tokenizer", "train", "--type", "unigram", "--vocab-size", "2000", "--input", input, "--out", json);
            Assert.True(train.ExitCode == 0, train.Stderr);
            var tok = Assert.IsType<UnigramTokenizer>(TokenizerJson.Load(json));
            Assert.Equal(2000, tok.VocabularySize);
            var ids = JsonSerializer.Deserialize<int[]>(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", json, "--file", HardTextPath).Stdout)!;
            Assert.Equal(tok.EncodeToIds(File.ReadAllText(HardTextPath)), ids);
            var small = ProcessRunner.Curriculum("tokenizer", "train", "--type", "unigram", "--vocab-size", "300", "--input", input, "--out", json);
            Assert.Equal(2, small.ExitCode);
            Assert.Contains("vocabulary size 300 is below", small.Stderr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void MalformedTokenizerJson_Exits2_NamingFileAndLine()
    {
        string path = TrainingCorpus.TempPath("broken.json");
        try
        {
            File.WriteAllText(path, "{\n \"model\": {\n  \"type\": \"BPE\",,\n }\n}");
            var r = ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", path, "--file", HardTextPath);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains(path + ": line 3", r.Stderr);
            Assert.Equal(2, ProcessRunner.Curriculum("tokenizer", "encode", "--file", HardTextPath).ExitCode);
            Assert.Equal(2, ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", path, "--file", "/no/such/file.txt").ExitCode);
        }
        finally { File.Delete(path); }
    }

    [TiktokenFact]
    public void EncodeAndBench_WithTiktokenRanks_GiveTiktokensIds()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, int[]>>(
            File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "tiktoken_ids.json")))!["o200k_base"];
        string ranks = NodeReference.RankFile("o200k_base"), ids = TrainingCorpus.TempPath("ids.json");
        try
        {
            var r = ProcessRunner.Curriculum("tokenizer", "encode", "--tiktoken", ranks, "--encoding", "o200k_base", "--file", HardTextPath);
            Assert.Equal(expected, JsonSerializer.Deserialize<int[]>(r.Stdout));
            var bench = ProcessRunner.Curriculum("bench", "tokenizer", "--tiktoken", ranks, "--encoding", "o200k_base", "--file", HardTextPath, "--json", "--ids-out", ids);
            Assert.Equal(0, bench.ExitCode);
            var line = JsonDocument.Parse(bench.Stdout.Trim()).RootElement;
            Assert.Equal(expected.Length, line.GetProperty("tokens").GetInt32());
            Assert.True(line.GetProperty("mb_per_s").GetDouble() > 0);
            Assert.Equal(expected, JsonSerializer.Deserialize<int[]>(File.ReadAllText(ids)));
        }
        finally { File.Delete(ids); }
    }
}
