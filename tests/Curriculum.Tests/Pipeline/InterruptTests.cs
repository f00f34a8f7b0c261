using System.Diagnostics;
using Curriculum.Training;

namespace Curriculum.Tests.Pipeline;

/// <summary>
/// Ctrl-C during <c>curriculum pretrain</c>, sent as a real signal to the running command: the first finishes the step,
/// saves a checkpoint of it and says how to continue (exit 130); a second stops at once and leaves the last complete
/// checkpoint readable.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class InterruptTests(PretrainData data) : IClassFixture<PretrainData>
{
    const int SIGINT = 2, SIGTERM = 15;

    // Training rows written so far (the log is flushed row by row).
    static int StepsLogged(string metrics)
    {
        if (!File.Exists(metrics)) return 0;
        using var reader = new StreamReader(new FileStream(metrics, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd().Split('\n').Count(l => l.Contains("\"loss\"", StringComparison.Ordinal));
    }

    static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException("waited too long for " + what);
            Thread.Sleep(5);
        }
    }

    [Theory]
    [InlineData(SIGINT)]
    [InlineData(SIGTERM)]
    public void The_first_signal_saves_the_step_in_progress_and_says_how_to_resume(int signal)
    {
        string outDir = $"interrupted-{signal}";
        string run = PretrainRun.Write(data, $"{outDir}.json", "gpt", "fp32", steps: 100_000, checkpointEvery: 50_000, @out: outDir);
        using var pretrain = ProcessRunner.StartCurriculum("pretrain", "--config", run);
        WaitFor(() => StepsLogged(data.P($"{outDir}/metrics.jsonl")) >= 3, "three training steps");
        pretrain.Signal(signal);
        var r = pretrain.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(r.ExitCode == 130, $"exit code {r.ExitCode}:\n{r.Stderr}");
        int steps = StepsLogged(data.P($"{outDir}/metrics.jsonl"));
        var store = new CheckpointStore(data.P($"{outDir}/checkpoints"));
        var saved = Assert.Single(store.List());
        Assert.Equal(steps, saved.Step);                       // the step that was running when the signal came, finished and saved
        Assert.Equal(steps, CheckpointFile.Read(saved.Path).Step);
        Assert.Contains($"interrupted at step {steps} of 100000; checkpoint saved to {saved.Path}", r.Stderr);
        Assert.Contains($"curriculum pretrain --config {run} --resume", r.Stderr);
        Assert.False(File.Exists(data.P($"{outDir}/model.safetensors")));   // an unfinished run writes no model
    }

    [Fact]
    public void A_run_interrupted_and_resumed_ends_with_the_bytes_of_the_straight_run()
    {
        string run = PretrainRun.Write(data, "signalled.json", "gpt", "fp32", steps: 200, checkpointEvery: 1000, dropout: 0.1, @out: "signalled");
        using (var pretrain = ProcessRunner.StartCurriculum("pretrain", "--config", run))
        {
            WaitFor(() => StepsLogged(data.P("signalled/metrics.jsonl")) >= 3, "three training steps");
            pretrain.Signal(SIGINT);
            var r = pretrain.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.True(r.ExitCode == 130, $"exit code {r.ExitCode}:\n{r.Stderr}");
        }
        PretrainRun.Ok("pretrain", "--config", run, "--resume");
        string straight = PretrainRun.Write(data, "straight.json", "gpt", "fp32", steps: 200, checkpointEvery: 1000, dropout: 0.1, @out: "straight");
        PretrainRun.Ok("pretrain", "--config", straight);

        Assert.Equal(PretrainRun.Untimed(data.P("straight/metrics.jsonl")), PretrainRun.Untimed(data.P("signalled/metrics.jsonl")));
        Assert.Equal(File.ReadAllBytes(data.P("straight/model.safetensors")), File.ReadAllBytes(data.P("signalled/model.safetensors")));
    }

    [Fact]
    public void A_second_signal_stops_at_once_and_leaves_the_last_checkpoint_readable()
    {
        const string outDir = "interrupted-twice";
        // a larger model, so that finishing the step and saving take long enough for the second signal to land
        string run = PretrainRun.Write(data, $"{outDir}.json", "gpt", "fp32", steps: 100_000, checkpointEvery: 1, @out: outDir, size: "small");
        var store = new CheckpointStore(data.P($"{outDir}/checkpoints"));
        using var pretrain = ProcessRunner.StartCurriculum("pretrain", "--config", run);
        WaitFor(() => store.List().Count >= 1, "the first checkpoint");
        pretrain.Signal(SIGINT);
        WaitFor(() => pretrain.Stderr.Contains("SIGINT: finishing the current step", StringComparison.Ordinal), "the first signal's answer");
        pretrain.Signal(SIGINT);
        var r = pretrain.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(r.ExitCode == 130, $"exit code {r.ExitCode}:\n{r.Stderr}");
        Assert.Contains("SIGINT again: stopping at once", r.Stderr);
        Assert.DoesNotContain("interrupted at step", r.Stderr);   // it did not wait to save
        Assert.NotEmpty(store.List());
        foreach (var (step, path) in store.List()) Assert.Equal(step, CheckpointFile.Read(path).Step);
    }
}
