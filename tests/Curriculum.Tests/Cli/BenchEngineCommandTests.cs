using System.Text.Json;
using Curriculum.Models;

namespace Curriculum.Tests.Cli;

/// <summary>
/// `bench engine` measures what a user runs: every core unless told otherwise, and the step's FLOPs and GFLOP/s
/// beside the matrix product's peak timed in the same run.
/// </summary>
public class BenchEngineCommandTests
{
    [Fact]
    public void RunsOnEveryCoreAndReportsTheStepAgainstTheMatrixProductPeak()
    {
        var r = ProcessRunner.Curriculum("bench", "engine", "--config", "tiny", "--steps", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(Environment.ProcessorCount, json.GetProperty("threads").GetInt32());
        var c = BenchmarkEncoderConfig.Tiny;
        Assert.Equal(c.TrainFlopsPerStep(json.GetProperty("params").GetInt64()), json.GetProperty("flops_per_step").GetDouble());
        double stepMs = json.GetProperty("step_ms").GetDouble(), gflops = json.GetProperty("gflops").GetDouble();
        Assert.Equal(c.TrainFlopsPerStep(json.GetProperty("params").GetInt64()) / stepMs / 1e6, gflops, 0.01 * gflops);
        double peak = json.GetProperty("peak_gflops").GetDouble();
        Assert.True(peak > 0, $"peak_gflops {peak}");
        Assert.Equal(gflops / peak, json.GetProperty("peak_fraction").GetDouble(), 0.002);
    }
}
