using Curriculum.Tokenization;

namespace Curriculum.Tests.Tokenization;

/// <summary>Malformed files give errors that name the file and the place.</summary>
public class BadInputTests
{
    [Fact]
    public void RankFile_BadLine_NamesFileAndLine()
    {
        string path = TrainingCorpus.TempPath("bad.tiktoken");
        try
        {
            File.WriteAllText(path, "IQ== 0\nIg== 1\nnot-base64! 2\n");
            var e = Assert.Throws<FormatException>(() => TiktokenRankFile.Read(path, out _));
            Assert.Contains(path + ":3:", e.Message);
            File.WriteAllText(path, "IQ== 0\nIg== x\n");
            e = Assert.Throws<FormatException>(() => TiktokenRankFile.Read(path, out _));
            Assert.Contains(path + ":2:", e.Message);
            File.WriteAllText(path, "IQ== 0\n");
            e = Assert.Throws<FormatException>(() => BpeTokenizer.LoadTiktoken(path, TiktokenEncoding.Cl100kBase));
            Assert.Contains("byte 0x00 has no rank", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TokenizerJson_Truncated_NamesFileLineAndByte()
    {
        string path = TrainingCorpus.TempPath("bad.json");
        try
        {
            File.WriteAllText(path, "{\n  \"model\": {\n    \"type\": \"BPE\",\n    \"vocab\": {\"a\": 0,\n");
            var e = Assert.Throws<FormatException>(() => TokenizerJson.Load(path));
            Assert.Contains(path + ": line 5", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TokenizerJson_BadContent_NamesFileAndJsonPath()
    {
        var tok = BpeTrainerTests.Trained(PreTokenizerPattern.Gpt2);
        string path = TrainingCorpus.TempPath("bad.json");
        try
        {
            TokenizerJson.Save(tok, path);
            string json = File.ReadAllText(path);
            int at = json.IndexOf("\"merges\": [", StringComparison.Ordinal);
            // "☃" cannot be a byte-level token: every token is spelled in the 256-character byte alphabet
            File.WriteAllText(path, json[..at] + "\"merges\": [[\"☃\", \"q\"]," + json[(at + "\"merges\": [".Length)..]);
            var e = Assert.Throws<FormatException>(() => TokenizerJson.Load(path));
            Assert.Contains(path + ": $.model.merges[0]: merge token '☃' is not in model.vocab", e.Message);
            File.WriteAllText(path, json.Replace("\"type\": \"BPE\"", "\"type\": \"WordLevel\""));   // a Hugging Face model this library does not have
            e = Assert.Throws<FormatException>(() => TokenizerJson.Load(path));
            Assert.Contains(path + ": $.model.type: model type 'WordLevel' is not supported (expected BPE, WordPiece or Unigram)", e.Message);
        }
        finally { File.Delete(path); }
    }
}
