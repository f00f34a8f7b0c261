using System.Text.Json;
using Curriculum.Notebooks;
using Curriculum.Tests.Notebooks;
using Curriculum.Tests.Pipeline;
using Curriculum.Torch;
using TorchSharp;
using Xunit.Abstractions;

namespace Curriculum.Tests.Cli;

/// <summary>
/// <c>--device</c> as a user meets it: the command run from its own build output (no TorchSharp there), the torch
/// devices loaded on demand from artifacts/torch/, the same losses as on cpu, and exit code 2 with the cause and the fix
/// for every device that cannot be had.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class DeviceOptionTests(PretrainData data, ITestOutputHelper output) : IClassFixture<PretrainData>
{
    static ProcessRunner.Result Cli(params string[] args) => ProcessRunner.CurriculumFromItsBuild(null, args);

    static double[] Losses(string metricsPath) =>
        File.ReadAllLines(metricsPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("loss", out _)).Select(e => e.GetProperty("loss").GetDouble()).ToArray();

    [Fact]
    public void PretrainOnTorchCpuGivesTheLossesOfCpu()
    {
        var losses = new Dictionary<string, double[]>();
        foreach (var device in new[] { "cpu", "torch-cpu" })
        {
            string run = PretrainRun.Write(data, $"device-{device}.json", "gpt", "fp32", steps: 8, checkpointEvery: 8, dropout: 0, @out: $"device-{device}");
            var r = Cli("pretrain", "--config", run, "--device", device);
            Assert.True(r.ExitCode == 0, $"--device {device} exited {r.ExitCode}:\n{r.Stderr}\n{r.Stdout}");
            Assert.Contains($"device {device}", r.Stderr);
            losses[device] = Losses(data.P($"device-{device}/metrics.jsonl"));
        }
        Assert.Equal(8, losses["cpu"].Length);
        Assert.Equal(losses["cpu"].Length, losses["torch-cpu"].Length);
        // The tolerance of GptOnTorchDeviceTests (same weights, same batches, float32: only the order of sums differs).
        output.WriteLine("cpu       " + string.Join(" ", losses["cpu"].Select(l => l.ToString("F7"))));
        output.WriteLine("torch-cpu " + string.Join(" ", losses["torch-cpu"].Select(l => l.ToString("F7"))));
        output.WriteLine($"max |diff| {losses["cpu"].Zip(losses["torch-cpu"], (a, b) => Math.Abs(a - b)).Max():G3}");
        for (int s = 0; s < losses["cpu"].Length; s++)
            Assert.True(Math.Abs(losses["cpu"][s] - losses["torch-cpu"][s]) <= 1e-5, $"step {s + 1}: cpu {losses["cpu"][s]} torch-cpu {losses["torch-cpu"][s]}");
        Assert.True(losses["torch-cpu"][^1] < losses["torch-cpu"][0], "the loss did not fall on torch-cpu");
    }

    [Fact]
    public void BertPretrainOnTorchCpuGivesTheLossesOfCpu()
    {
        var losses = new Dictionary<string, double[]>();
        foreach (var device in new[] { "cpu", "torch-cpu" })
        {
            string run = PretrainRun.Write(data, $"bert-{device}.json", "bert", "fp32", steps: 8, checkpointEvery: 8, dropout: 0, @out: $"bert-{device}");
            var r = Cli("pretrain", "--config", run, "--device", device);
            Assert.True(r.ExitCode == 0, $"--device {device} exited {r.ExitCode}:\n{r.Stderr}\n{r.Stdout}");
            losses[device] = Losses(data.P($"bert-{device}/metrics.jsonl"));
        }
        Assert.Equal(8, losses["torch-cpu"].Length);
        output.WriteLine("cpu       " + string.Join(" ", losses["cpu"].Select(l => l.ToString("F7"))));
        output.WriteLine("torch-cpu " + string.Join(" ", losses["torch-cpu"].Select(l => l.ToString("F7"))));
        // BertOnTorchDeviceTests' tolerance for AdamW steps of BERT (1e-4).
        for (int s = 0; s < losses["cpu"].Length; s++)
            Assert.True(Math.Abs(losses["cpu"][s] - losses["torch-cpu"][s]) <= 1e-4, $"step {s + 1}: cpu {losses["cpu"][s]} torch-cpu {losses["torch-cpu"][s]}");
    }

    [Fact]
    public void GenerateAndEvalOnTorchCpuGiveWhatCpuGives()
    {
        string run = PretrainRun.Write(data, "gen.json", "gpt", "fp32", steps: 20, checkpointEvery: 20, dropout: 0, @out: "gen-model");
        Assert.Equal(0, Cli("pretrain", "--config", run).ExitCode);
        var text = new Dictionary<string, string>();
        var loss = new Dictionary<string, double>();
        foreach (var device in new[] { "cpu", "torch-cpu" })
        {
            var g = Cli("generate", "--model", data.P("gen-model"), "--prompt", "Mirbeth", "--max-new-tokens", "12", "--device", device);
            Assert.True(g.ExitCode == 0, $"generate --device {device}: {g.Stderr}");
            // Sampled from the top 20 with a fixed seed: the host picks from logits a few ulp apart, so the same tokens.
            var sampled = Cli("generate", "--model", data.P("gen-model"), "--prompt", "Mirbeth", "--max-new-tokens", "12",
                "--top-k", "20", "--seed", "5", "--device", device);
            Assert.True(sampled.ExitCode == 0, $"generate --top-k --device {device}: {sampled.Stderr}");
            text[device] = g.Stdout + sampled.Stdout;
            var e = Cli("eval", "--model", data.P("gen-model"), "--file", data.P("held"), "--device", device);
            Assert.True(e.ExitCode == 0, $"eval --device {device}: {e.Stderr}");
            loss[device] = JsonDocument.Parse(e.Stdout).RootElement.GetProperty("loss").GetDouble();
        }
        output.WriteLine($"cpu: {text["cpu"].Trim()} | loss {loss["cpu"]:R}");
        output.WriteLine($"torch-cpu: {text["torch-cpu"].Trim()} | loss {loss["torch-cpu"]:R}");
        Assert.Equal(text["cpu"], text["torch-cpu"]);
        Assert.True(Math.Abs(loss["cpu"] - loss["torch-cpu"]) <= 1e-5, $"held-out loss cpu {loss["cpu"]} torch-cpu {loss["torch-cpu"]}");
    }

    [Theory]
    [InlineData("--lora", "4")]
    [InlineData("--freeze", "1")]
    [InlineData("--prompt-tokens", "4")]   // the soft prompt is put in front of the input with Concat
    public void FinetuneOnTorchCpuTrainsAsCpuDoes(string method, string value)
    {
        string run = PretrainRun.Write(data, "ft-base.json", "gpt", "fp32", steps: 10, checkpointEvery: 10, dropout: 0, @out: "ft-base");
        if (!File.Exists(data.P("ft-base/model.safetensors"))) Assert.Equal(0, Cli("pretrain", "--config", run).ExitCode);
        PipelineTexts.WriteTask(data.P("ft-train.jsonl"), 60, seed: 5);
        PipelineTexts.WriteTask(data.P("ft-test.jsonl"), 30, seed: 6);
        var epochLosses = new Dictionary<string, double[]>();
        var accuracy = new Dictionary<string, double>();
        foreach (var device in new[] { "cpu", "torch-cpu" })
        {
            string outDir = data.P($"ft{method}-{device}");
            var r = Cli("finetune", "--task", "classification", "--train", data.P("ft-train.jsonl"), "--test", data.P("ft-test.jsonl"),
                "--from", data.P("ft-base"), "--out", outDir, method, value, "--epochs", "2", "--lr", "0.01", "--device", device);
            Assert.True(r.ExitCode == 0, $"finetune {method} --device {device}: {r.Stderr}");
            epochLosses[device] = System.Text.RegularExpressions.Regex.Matches(r.Stderr, @"epoch \d+: train loss ([0-9.]+)")
                .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // the saved classifier, scored on cpu, must score what the run reported on its device
            var scored = JsonDocument.Parse(Cli("eval", "--model", outDir, "--file", data.P("ft-test.jsonl")).Stdout).RootElement;
            accuracy[device] = scored.GetProperty("accuracy").GetDouble();
            Assert.Contains($"test accuracy {accuracy[device]:P1}", r.Stdout);
        }
        output.WriteLine($"{method}: epoch losses cpu {string.Join(" ", epochLosses["cpu"])}, torch-cpu {string.Join(" ", epochLosses["torch-cpu"])}; accuracy {accuracy["cpu"]} / {accuracy["torch-cpu"]}");
        Assert.Equal(2, epochLosses["torch-cpu"].Length);
        for (int e = 0; e < 2; e++)
            Assert.True(Math.Abs(epochLosses["cpu"][e] - epochLosses["torch-cpu"][e]) <= 1e-4, $"epoch {e + 1}: {epochLosses["cpu"][e]} vs {epochLosses["torch-cpu"][e]}");
        Assert.Equal(accuracy["cpu"], accuracy["torch-cpu"]);
    }

    [Fact]
    public void BenchEngineOnTorchCpuRunsAndNamesTheDevice()
    {
        var r = Cli("bench", "engine", "--device", "torch-cpu", "--steps", "2", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("torch-cpu", json.GetProperty("device").GetString());
        Assert.True(json.GetProperty("step_ms").GetDouble() > 0);
        var table = Cli("bench", "engine", "--device", "torch-cpu", "--steps", "1");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("engine tiny on torch-cpu", table.Stderr);
    }

    [Fact]
    public void AnUnknownDeviceExits2ListingTheNames()
    {
        var r = Cli("bench", "engine", "--device", "tpu", "--steps", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--device tpu: unknown device; known: cpu, torch-cpu, cuda.", r.Stderr);
    }

    [Fact]
    public void CudaExits2NamingWhyItIsMissing()
    {
        TorchDevices.Register();
        var r = Cli("bench", "engine", "--device", "cuda", "--steps", "1");
        if (TorchDeviceProvider.Backend == "cpu")
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("TorchSharp-cpu build", r.Stderr);
            Assert.Contains("-p:TorchBackend=cuda", r.Stderr);
            Assert.Contains("nuget.org", r.Stderr);
        }
        else if (!torch.cuda.is_available())
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("sees no CUDA GPU", r.Stderr);
        }
        else Assert.True(r.ExitCode == 0, r.Stderr);
    }

    [Fact]
    public void AMissingDeviceFolderExits2WithTheBuildCommand()
    {
        string empty = Directory.CreateTempSubdirectory("curriculum-no-torch-").FullName;
        try
        {
            var r = ProcessRunner.CurriculumFromItsBuild(new Dictionary<string, string> { ["CURRICULUM_TORCH_DIR"] = empty },
                "bench", "engine", "--device", "torch-cpu", "--steps", "1");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"CURRICULUM_TORCH_DIR is '{empty}'", r.Stderr);
            Assert.Contains("`dotnet build lib/Curriculum.Torch -c Release`", r.Stderr);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void ANotebookKernelLoadsTheTorchDeviceFromTheFolder()
    {
        // As notebooks do: the core referenced by path (#r), the device asked for by name; nothing else referenced.
        using var nb = new NotebookBuilder();
        string core = Path.Combine(RepoPaths.Root, "artifacts", "lib", "Curriculum.dll");
        var path = nb.Code($"#r \"{core}\"\nusing Curriculum.Tensors;")
            .Code("var device = Device.Get(\"torch-cpu\");\nvar x = Tensor.Ones(2, 3).To(device);\nConsole.WriteLine($\"{x.Device.Name} {x.ToArray().Sum()}\");")
            .Save("device.ipynb");
        var outDir = Path.Combine(nb.Directory, "out");
        var r = Cli("run", path, "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var cell = NotebookDocument.Load(Path.Combine(outDir, "device.ipynb")).Cells[1];
        Assert.Equal(new StreamOutput("stdout", "torch-cpu 6\n"), Assert.Single(cell.Outputs));
    }
}
