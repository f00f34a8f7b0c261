using System.Text;
using System.Text.Json;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Chinese;

/// <summary>
/// The commands a user with private Chinese text runs (samples/chinese/README.md), on the shipped 论语 / 菜根谭 task:
/// every mistake of the issue that prompted them is answered by a clear error, and the pipeline runs end to end.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class ChinesePipelineTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("curriculum-chinese-").FullName;
    static readonly string Samples = Path.Combine(RepoPaths.Root, "samples", "chinese");
    static string TrainTask => Path.Combine(Samples, "task-train.jsonl");
    static string TestTask => Path.Combine(Samples, "task-test.jsonl");

    static ChinesePipelineTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string P(string name) => Path.Combine(_dir, name);

    static ProcessRunner.Result Ok(params string[] args)
    {
        var r = ProcessRunner.Curriculum(args);
        Assert.True(r.ExitCode == 0, $"curriculum {string.Join(' ', args)} exited {r.ExitCode}:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    static ProcessRunner.Result Refused(params string[] args)
    {
        var r = ProcessRunner.Curriculum(args);
        Assert.True(r.ExitCode == 2, $"curriculum {string.Join(' ', args)} exited {r.ExitCode}, expected 2:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    /// <summary>The first <paramref name="count"/> documents of the shipped Chinese corpus, as JSONL.</summary>
    string Corpus(string name, int count, int skip = 0)
    {
        File.WriteAllLines(P(name), File.ReadLines(Path.Combine(RepoPaths.Data, "corpora", "zh.jsonl")).Skip(skip).Take(count));
        return P(name);
    }

    [Fact]
    public void AGbkFileIsAClearErrorNamingItAndIsReadWithEncoding()
    {
        string gbk = P("notes-gbk.txt");
        File.WriteAllBytes(gbk, Encoding.GetEncoding(936).GetBytes("子曰：“巧言令色，鲜矣仁！”\n席不正，不坐。\n"));
        foreach (var args in new[]
        {
            new[] { "data", "clean", "--input", gbk, "--split", "Line", "--out", P("clean.jsonl") },
            ["tokenizer", "train", "--vocab-size", "300", "--input", gbk, "--out", P("tok.json")],
        })
        {
            var r = Refused(args);
            Assert.Contains($"{gbk}: not UTF-8", r.Stderr);
            Assert.Contains("GB18030/GBK", r.Stderr);
            Assert.Contains($"iconv -f GB18030 -t UTF-8 {gbk}", r.Stderr);
        }
        Assert.False(File.Exists(P("clean.jsonl")) || File.Exists(P("tok.json")));

        Ok("data", "clean", "--input", gbk, "--encoding", "gb18030", "--split", "Line", "--out", P("clean.jsonl"));
        Assert.Equal(["子曰：“巧言令色，鲜矣仁！”", "席不正，不坐。"],
            File.ReadLines(P("clean.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()));

        // an empty input and an output that is an input are refused before any work
        File.WriteAllText(P("empty.txt"), "");
        Assert.Contains($"{P("empty.txt")}: no documents", Refused("data", "clean", "--input", P("empty.txt"), "--out", P("e.jsonl")).Stderr);
        Assert.Contains("is also an input", Refused("data", "dedup", "--input", P("clean.jsonl"), "--out", P("clean.jsonl")).Stderr);
    }

    [Fact]
    public void TokenizerTrainReadsJsonlByItsTextFieldAndFolders()
    {
        Directory.CreateDirectory(P("docs"));
        Corpus("docs/part.jsonl", 400);
        Ok("tokenizer", "train", "--vocab-size", "600", "--input", P("docs"), "--out", P("tok.json"));
        var tok = TokenizerJson.Load(P("tok.json"));
        var tokens = Enumerable.Range(0, tok.VocabularySize).Select(i => tok.Decode([i])).ToList();
        // trained on the raw lines it learned JSON syntax and escapes: {" ":" "id" fortunes \n
        Assert.DoesNotContain(tokens, t => t.Contains("{\"") || t.Contains("\":") || t.Contains("fortunes") || t.Contains("\\n"));
        Assert.Contains(tokens, t => t.Contains('子'));
    }

    [Fact]
    public void WordPieceSaysWhyItsVocabularyIsLargerAndCanBeHeldToTheSize()
    {
        string corpus = Corpus("corpus.jsonl", 400);
        var over = Ok("tokenizer", "train", "--type", "wordpiece", "--vocab-size", "500", "--input", corpus, "--out", P("wp.json"));
        int size = TokenizerJson.Load(P("wp.json")).VocabularySize;
        Assert.True(size > 500, $"{size}");                    // thousands of distinct characters, each kept
        Assert.Contains($"the vocabulary has {size:N0} entries, more than the 500 asked", over.Stderr);
        Assert.Contains("--limit-alphabet", over.Stderr);
        var held = Ok("tokenizer", "train", "--type", "wordpiece", "--vocab-size", "500", "--limit-alphabet", "300", "--input", corpus, "--out", P("wp2.json"));
        Assert.Equal(500, TokenizerJson.Load(P("wp2.json")).VocabularySize);
        Assert.DoesNotContain("more than", held.Stderr);
    }

    [Fact]
    public void PretrainFinetuneFromScratchPredictAndTheirRefusals()
    {
        // tokenizer and shards from the corpus; a second tokenizer from other text for the mismatch
        string corpus = Corpus("corpus.jsonl", 600);
        Ok("tokenizer", "train", "--vocab-size", "500", "--input", corpus, "--out", P("tokenizer.json"));
        Ok("tokenizer", "train", "--vocab-size", "500", "--input", Corpus("other.jsonl", 600, skip: 1200), "--out", P("other.json"));
        Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", corpus, "--out", P("shards"), "--clean");
        Assert.Contains("TokenizerSha256", File.ReadAllText(P("shards/index.json")));
        string run = WriteRun("run.json", "tokenizer.json", "model");
        Assert.Contains("peak memory", Ok("pretrain", "--config", run).Stdout);
        // eval cleans held-out text as the pre-training text was (recorded through the shards into the model)
        Assert.True(JsonDocument.Parse(Ok("eval", "--model", P("model"), "--file", TestTask).Stdout).RootElement.GetProperty("cleaned").GetBoolean());
        Assert.False(JsonDocument.Parse(Ok("eval", "--model", P("model"), "--file", TestTask, "--raw").Stdout).RootElement.GetProperty("cleaned").GetBoolean());

        // shards encoded with one tokenizer, a run with another: refused, naming both
        var mismatch = Refused("pretrain", "--config", WriteRun("run-other.json", "other.json", "model-other"));
        Assert.Contains(P("tokenizer.json"), mismatch.Stderr);
        Assert.Contains(P("other.json"), mismatch.Stderr);

        // fine-tuning from the pre-trained weights and from scratch (same architecture), then labelling new texts
        var pre = Ok("finetune", "--train", TrainTask, "--test", TestTask, "--from", P("model"), "--out", P("clf"), "--epochs", "1");
        var scratch = Ok("finetune", "--train", TrainTask, "--test", TestTask, "--from", P("model"), "--out", P("clf-scratch"), "--epochs", "1", "--from-scratch", "--seed", "3");
        Assert.Contains("from scratch (random weights)", scratch.Stdout);
        Assert.Contains("peak memory", pre.Stdout);
        Assert.NotEqual(File.ReadAllBytes(P("clf/model.safetensors")), File.ReadAllBytes(P("clf-scratch/model.safetensors")));

        Ok("predict", "--model", P("clf"), "--input", Path.Combine(Samples, "new-notes.jsonl"), "--out", P("predictions.jsonl"));
        var lines = File.ReadAllLines(P("predictions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(File.ReadAllLines(Path.Combine(Samples, "new-notes.jsonl")).Length, lines.Count);
        foreach (var l in lines)
        {
            var probs = l.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(["菜根谭", "论语"], probs.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(1.0, probs.Values.Sum(), 4);
            Assert.Equal(probs.MaxBy(kv => kv.Value).Key, l.GetProperty("label").GetString());
        }

        // a GBK training file is blamed, not the test file
        string gbkTrain = P("train-gbk.jsonl");
        File.WriteAllBytes(gbkTrain, Encoding.GetEncoding(936).GetBytes(File.ReadAllText(TrainTask)));
        var blamed = Refused("finetune", "--train", gbkTrain, "--test", TestTask, "--from", P("model"), "--out", P("clf-gbk"));
        Assert.Contains($"{gbkTrain}: near line 1: not utf-8", blamed.Stderr);
        Assert.DoesNotContain(TestTask, blamed.Stderr);

        // a model folder whose tokenizer.json was replaced is refused by eval and finetune
        File.Copy(P("other.json"), P("model/tokenizer.json"), overwrite: true);
        Assert.Contains("is not the tokenizer", Refused("eval", "--model", P("model"), "--file", TestTask).Stderr);
        Assert.Contains("is not the tokenizer", Refused("finetune", "--train", TrainTask, "--test", TestTask, "--from", P("model"), "--out", P("clf2")).Stderr);
    }

    [Fact]
    public void EvalScoresABertWithSeededMasks()
    {
        string corpus = Corpus("corpus.jsonl", 400);
        Ok("tokenizer", "train", "--type", "wordpiece", "--vocab-size", "800", "--limit-alphabet", "600", "--input", corpus, "--out", P("wordpiece.json"));
        Ok("data", "prepare", "--tokenizer", P("wordpiece.json"), "--input", corpus, "--out", P("shards"));
        Ok("pretrain", "--config", WriteRun("run.json", "wordpiece.json", "bert", bert: true));
        var first = JsonDocument.Parse(Ok("eval", "--model", P("bert"), "--file", TestTask, "--seed", "5").Stdout).RootElement;
        var again = JsonDocument.Parse(Ok("eval", "--model", P("bert"), "--file", TestTask, "--seed", "5").Stdout).RootElement;
        var other = JsonDocument.Parse(Ok("eval", "--model", P("bert"), "--file", TestTask, "--seed", "6").Stdout).RootElement;
        Assert.Equal("mlm", first.GetProperty("objective").GetString());
        Assert.Equal(first.GetProperty("loss").GetDouble(), again.GetProperty("loss").GetDouble());
        Assert.NotEqual(first.GetProperty("loss").GetDouble(), other.GetProperty("loss").GetDouble());
        // a model that has learned little is still near the uniform loss ln 800 = 6.68, not at zero or infinity
        Assert.InRange(first.GetProperty("loss").GetDouble(), 3, 9);
    }

    string WriteRun(string name, string tokenizer, string output, bool bert = false)
    {
        string json = $$"""
        {
          "model": { "type": "{{(bert ? "bert" : "gpt")}}", "size": "nano", "context": 32 },
          "tokenizer": "{{tokenizer}}",
          "data": { "sources": [ { "name": "corpus", "shards": "shards", "weight": 1 } ] },
          "objectives": [ { "name": "{{(bert ? "mlm" : "causal_lm")}}", "weight": 1 } ],
          "training": { "batch_size": 4, "seq_len": 32, "steps": 10, "seed": 3 },
          "optimizer": { "lr": 0.003 },
          "lr_schedule": { "type": "constant", "warmup_steps": 0 },
          "checkpoint": { "every": 10 },
          "out": "{{output}}"
        }
        """;
        File.WriteAllText(P(name), json);
        return P(name);
    }
}
