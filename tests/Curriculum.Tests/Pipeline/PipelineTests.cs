using System.Text.Json;
using System.Text.RegularExpressions;

namespace Curriculum.Tests.Pipeline;

/// <summary>The commands a new user runs, in order, on files they wrote themselves: tokenizer, shards, pre-training, eval, generation, fine-tuning.</summary>
[Collection(ProcessStateCollection.Name)]
public class PipelineTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "curriculum-pipeline-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    string P(string name) => Path.Combine(_dir, name);

    static ProcessRunner.Result Ok(params string[] args)
    {
        var r = ProcessRunner.Curriculum(args);
        Assert.True(r.ExitCode == 0, $"curriculum {string.Join(' ', args)} exited {r.ExitCode}:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    string WriteRun(string name, string model = """{ "type": "gpt", "size": "nano", "context": 32 }""", string training = """{ "batch_size": 4, "seq_len": 32, "steps": 30, "seed": 3 }""")
    {
        string json = $$"""
        {
          "model": {{model}},
          "tokenizer": "tokenizer.json",
          "data": { "sources": [ { "name": "texts", "shards": "shards/train", "weight": 1 } ], "held_out": "shards/held" },
          "objectives": [ { "name": "causal_lm", "weight": 1 } ],
          "training": {{training}},
          "optimizer": { "lr": 0.01, "weight_decay": 0.0 },
          "lr_schedule": { "type": "cosine", "warmup_steps": 3 },
          "checkpoint": { "every": 15 },
          "eval_every": 15,
          "out": "model"
        }
        """;
        File.WriteAllText(P(name), json);
        return P(name);
    }

    void PrepareData()
    {
        PipelineTexts.WriteFolder(P("texts"), 150, seed: 1);
        PipelineTexts.WriteFolder(P("held"), 20, seed: 2);
        Ok(["tokenizer", "train", "--type", "bpe", "--vocab-size", "300", "--input", .. Directory.GetFiles(P("texts")), "--out", P("tokenizer.json")]);
        Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("texts"), "--out", P("shards/train"));
        Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("held"), "--out", P("shards/held"));
    }

    [Fact]
    public void From_a_folder_of_text_files_to_a_pretrained_and_fine_tuned_model()
    {
        PrepareData();
        string run = WriteRun("run.json");
        var pre = Ok("pretrain", "--config", run);
        Assert.Contains("30 steps", pre.Stdout);
        Assert.Contains("ETA", pre.Stderr);
        Assert.True(File.Exists(P("model/model.safetensors")) && File.Exists(P("model/tokenizer.json")));
        Assert.Equal(2, Directory.GetFiles(P("model/checkpoints")).Length);   // steps 15 and 30

        // held-out loss beats the uniform distribution over the vocabulary, ln 300 = 5.70
        var eval = JsonDocument.Parse(Ok("eval", "--model", P("model"), "--file", P("held")).Stdout).RootElement;
        Assert.True(eval.GetProperty("loss").GetDouble() < Math.Log(300) - 1, $"held-out loss {eval.GetProperty("loss").GetDouble()}");
        Assert.Equal(Math.Exp(eval.GetProperty("loss").GetDouble()), eval.GetProperty("perplexity").GetDouble(), 6);

        var gen = Ok("generate", "--model", P("model"), "--prompt", "Mirbeth", "--max-new-tokens", "8");
        Assert.StartsWith("Mirbeth", gen.Stdout);
        Assert.True(gen.Stdout.Trim().Length > "Mirbeth".Length);

        // the same run again refuses to overwrite its checkpoints; --resume finds it complete
        var again = ProcessRunner.Curriculum("pretrain", "--config", run);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
        Assert.Contains("at step 30", Ok("pretrain", "--config", run, "--resume").Stderr);

        // fine-tune with LoRA; the saved classifier (LoRA merged) scores what the run reported
        PipelineTexts.WriteTask(P("task-train.jsonl"), 120, seed: 5);
        PipelineTexts.WriteTask(P("task-test.jsonl"), 60, seed: 6);
        var ft = Ok("finetune", "--task", "classification", "--train", P("task-train.jsonl"), "--test", P("task-test.jsonl"),
            "--from", P("model"), "--out", P("clf"), "--lora", "4", "--epochs", "3", "--lr", "0.01");
        Assert.Contains("LoRA r=4", ft.Stdout);
        var scored = JsonDocument.Parse(Ok("eval", "--model", P("clf"), "--file", P("task-test.jsonl")).Stdout).RootElement;
        double accuracy = scored.GetProperty("accuracy").GetDouble();
        Assert.Contains($"test accuracy {accuracy:P1}", ft.Stdout);
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy} on a task decided by its topic words");

        // continued pre-training from the saved model starts where it ended (loss well below a fresh model's first step)
        string cont = WriteRun("continue.json");
        File.WriteAllText(cont, File.ReadAllText(cont).Replace("\"out\": \"model\"", "\"out\": \"continued\""));
        Ok("pretrain", "--config", cont, "--from", P("model"));
        var metrics = File.ReadAllLines(P("continued/metrics.jsonl"));
        var fresh = File.ReadAllLines(P("model/metrics.jsonl"));
        double First(string[] lines) => JsonDocument.Parse(lines.First(l => l.Contains("\"loss\""))).RootElement.GetProperty("loss").GetDouble();
        Assert.True(First(metrics) < First(fresh) - 1, $"continued first loss {First(metrics)} vs fresh {First(fresh)}");
    }

    [Fact]
    public void A_resumed_BERT_run_ends_with_the_same_weights_as_the_uninterrupted_one()
    {
        PipelineTexts.WriteFolder(P("texts"), 150, seed: 1);
        PipelineTexts.WriteFolder(P("held"), 20, seed: 2);
        Ok(["tokenizer", "train", "--type", "wordpiece", "--vocab-size", "300", "--input", .. Directory.GetFiles(P("texts")), "--out", P("tokenizer.json")]);
        Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("texts"), "--out", P("shards/train"));
        Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("held"), "--out", P("shards/held"));
        string run = WriteRun("bert.json", model: """{ "type": "bert", "size": "nano", "context": 32 }""",
            training: """{ "batch_size": 4, "seq_len": 32, "steps": 20, "seed": 3 }""");
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"causal_lm\"", "\"mlm\"").Replace("\"every\": 15", "\"every\": 10").Replace("\"eval_every\": 15", "\"eval_every\": 5"));
        Ok("pretrain", "--config", run);
        var uninterrupted = File.ReadAllBytes(P("model/model.safetensors"));
        var metrics = File.ReadAllLines(P("model/metrics.jsonl"));

        // as if the run had stopped after its step-10 checkpoint (evaluations at 5 and 10 had drawn masks too)
        foreach (var f in Directory.GetFiles(P("model/checkpoints")).Where(f => Path.GetFileName(f) != "ckpt-00000010.safetensors")) File.Delete(f);
        File.Delete(P("model/model.safetensors"));
        Assert.Contains("at step 10", Ok("pretrain", "--config", run, "--resume").Stderr);
        Assert.Equal(uninterrupted, File.ReadAllBytes(P("model/model.safetensors")));
        static IEnumerable<string> Untimed(string[] lines) => lines.Select(l => Regex.Replace(l, ",\"tokens_per_s\":[^,}]*", ""));
        Assert.Equal(Untimed(metrics), Untimed(File.ReadAllLines(P("model/metrics.jsonl"))));   // losses, norms and held-out losses
    }

    [Theory]
    [InlineData("\"size\": \"nano\"", "\"size\": \"huge\"", "$.model.size: expected one of nano, tiny, small, base; got \"huge\"")]
    [InlineData("\"steps\": 30", "\"stepz\": 30", "$.training.stepz: unknown field")]
    [InlineData("\"shards/train\"", "\"shards/none\"", "$.data.sources[0].shards")]
    [InlineData("\"causal_lm\"", "\"mlm\"", "$.objectives[0].name: expected one of causal_lm")]
    [InlineData("\"batch_size\": 4", "\"batch_size\": 0", "$.training.batch_size: expected an integer in [1, 4096], got 0")]
    [InlineData("\"eval_every\": 15", "\"precision\": \"fp8\", \"eval_every\": 15", "$.precision: expected one of fp32, bf16, fp16; got \"fp8\"")]
    public void A_bad_config_names_the_field_and_exits_2(string from, string to, string expected)
    {
        PrepareData();
        string run = WriteRun("run.json");
        File.WriteAllText(run, File.ReadAllText(run).Replace(from, to));
        var r = ProcessRunner.Curriculum("pretrain", "--config", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("run.json", r.Stderr);
    }

    [Fact]
    public void Precision_bf16_is_recorded_in_checkpoints_and_fp16_logs_its_loss_scale()
    {
        PrepareData();
        string fourSteps = """{ "batch_size": 4, "seq_len": 32, "steps": 4, "seed": 3 }""";
        string run = WriteRun("run.json", training: fourSteps);
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"eval_every\": 15", "\"precision\": \"bf16\", \"eval_every\": 15"));
        var bf16 = Ok("pretrain", "--config", run);
        Assert.Contains("; bf16 autocast", bf16.Stderr);
        var checkpoint = Curriculum.Training.CheckpointFile.Read(Directory.GetFiles(P("model/checkpoints")).Single());
        Assert.Equal(4, checkpoint.Step);
        Assert.Equal("bf16 autocast", checkpoint.State.Precision);
        Assert.Null(checkpoint.State.LossScaler);

        // Resuming that run as fp16 is refused, naming both policies.
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"precision\": \"bf16\"", "\"precision\": \"fp16\""));
        var refused = ProcessRunner.Curriculum("pretrain", "--config", run, "--resume");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("ckpt-00000004.safetensors: written by a run with precision 'bf16 autocast'; this trainer uses 'fp16 autocast'", refused.Stderr);

        // A fresh fp16 run: PyTorch's initial scale 2^16, logged with each step, and saved with the checkpoint.
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"out\": \"model\"", "\"out\": \"model16\""));
        Ok("pretrain", "--config", run);
        var rows = File.ReadAllLines(P("model16/metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.TryGetProperty("loss", out _)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(65536, r.GetProperty("loss_scale").GetDouble()));
        var fp16 = Curriculum.Training.CheckpointFile.Read(Directory.GetFiles(P("model16/checkpoints")).Single()).State;
        Assert.Equal("fp16 autocast", fp16.Precision);
        Assert.Equal(new Curriculum.Precision.GradScalerState(65536f, 4), fp16.LossScaler);
    }

    [Fact]
    public void Conflicting_or_missing_inputs_are_usage_errors()
    {
        Directory.CreateDirectory(_dir);
        PipelineTexts.WriteTask(P("t.jsonl"), 4, seed: 1);
        var two = ProcessRunner.Curriculum("finetune", "--train", P("t.jsonl"), "--test", P("t.jsonl"), "--from", P("nothing"), "--out", P("o"), "--lora", "4", "--freeze", "1");
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("at most one of --freeze, --lora, --prompt-tokens, --probe", two.Stderr);
        var missing = ProcessRunner.Curriculum("eval", "--model", P("nothing"), "--file", P("t.jsonl"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("model.safetensors", missing.Stderr);
        File.WriteAllText(P("bad.json"), "{ \"model\": { \"type\": \"gpt\" }, }");
        var syntax = ProcessRunner.Curriculum("pretrain", "--config", P("bad.json"));
        Assert.Equal(2, syntax.ExitCode);
        Assert.Contains("bad.json: line 1", syntax.Stderr);
    }
}
