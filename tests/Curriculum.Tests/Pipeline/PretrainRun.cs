using System.Text.RegularExpressions;

namespace Curriculum.Tests.Pipeline;

/// <summary>
/// A small pre-training setup shared by the resume and interrupt tests: invented texts, a WordPiece tokenizer (it has
/// [MASK], so GPT and BERT can both use it), train and held-out shards, prepared once per test class.
/// </summary>
public sealed class PretrainData : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "curriculum-pretrain-" + Guid.NewGuid().ToString("N"));

    public PretrainData()
    {
        PipelineTexts.WriteFolder(P("texts"), 150, seed: 1);
        PipelineTexts.WriteFolder(P("held"), 20, seed: 2);
        PretrainRun.Ok(["tokenizer", "train", "--type", "wordpiece", "--vocab-size", "300", "--input", .. Directory.GetFiles(P("texts")), "--out", P("tokenizer.json")]);
        PretrainRun.Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("texts"), "--out", P("shards/train"));
        PretrainRun.Ok("data", "prepare", "--tokenizer", P("tokenizer.json"), "--input", P("held"), "--out", P("shards/held"));
    }

    public string P(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>Writes run.json files over <see cref="PretrainData"/> and runs the CLI on them.</summary>
static class PretrainRun
{
    public static ProcessRunner.Result Ok(params string[] args)
    {
        var r = ProcessRunner.Curriculum(args);
        Assert.True(r.ExitCode == 0, $"curriculum {string.Join(' ', args)} exited {r.ExitCode}:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    /// <summary>A run.json in <paramref name="data"/>'s folder writing to <paramref name="out"/>; returns its path.</summary>
    public static string Write(PretrainData data, string name, string type, string precision, int steps, int checkpointEvery,
        double dropout = 0.1, string @out = "model", string lr = "0.01", string schedule = "cosine", string size = "nano")
    {
        string objective = type == "gpt" ? "causal_lm" : "mlm";
        string json = $$"""
        {
          "model": { "type": "{{type}}", "size": "{{size}}", "context": 32, "dropout": {{dropout}} },
          "tokenizer": "tokenizer.json",
          "data": { "sources": [ { "name": "texts", "shards": "shards/train", "weight": 1 } ], "held_out": "shards/held" },
          "objectives": [ { "name": "{{objective}}", "weight": 1 } ],
          "training": { "batch_size": 4, "seq_len": 32, "steps": {{steps}}, "seed": 3 },
          "optimizer": { "lr": {{lr}}, "weight_decay": 0.0 },
          "lr_schedule": { "type": "{{schedule}}", "warmup_steps": 3 },
          "precision": "{{precision}}",
          "checkpoint": { "every": {{checkpointEvery}} },
          "eval_every": 5,
          "out": "{{@out}}"
        }
        """;
        File.WriteAllText(data.P(name), json);
        return data.P(name);
    }

    /// <summary>The metrics rows without their timing field, which differs between runs.</summary>
    public static string[] Untimed(string metricsPath) =>
        File.ReadAllLines(metricsPath).Select(l => Regex.Replace(l, ",\"tokens_per_s\":[^,}]*", "")).ToArray();
}
