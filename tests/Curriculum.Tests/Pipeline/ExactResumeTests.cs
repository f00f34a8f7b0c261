namespace Curriculum.Tests.Pipeline;

/// <summary>
/// A pre-training run stopped after a checkpoint and resumed ends where the uninterrupted run ends, byte for byte, with
/// dropout on: every step's loss, the held-out losses and the final weights. Dropout's masks must come from the
/// saved state (seed and step), not from a generator that has moved on since the start.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class ExactResumeTests(PretrainData data) : IClassFixture<PretrainData>
{
    [Theory]
    [InlineData("gpt", "fp32")]
    [InlineData("gpt", "bf16")]
    [InlineData("gpt", "fp16")]
    [InlineData("bert", "fp32")]
    [InlineData("bert", "bf16")]
    [InlineData("bert", "fp16")]
    public void A_resumed_run_with_dropout_repeats_the_straight_run(string type, string precision)
    {
        string outDir = $"{type}-{precision}";
        string run = PretrainRun.Write(data, $"{outDir}.json", type, precision, steps: 12, checkpointEvery: 6, dropout: 0.1, @out: outDir);
        PretrainRun.Ok("pretrain", "--config", run);
        var straightWeights = File.ReadAllBytes(data.P($"{outDir}/model.safetensors"));
        var straightMetrics = PretrainRun.Untimed(data.P($"{outDir}/metrics.jsonl"));

        // as if the run had stopped just after its step-6 checkpoint
        foreach (var f in Directory.GetFiles(data.P($"{outDir}/checkpoints")).Where(f => !f.EndsWith("ckpt-00000006.safetensors", StringComparison.Ordinal)))
            File.Delete(f);
        File.Delete(data.P($"{outDir}/model.safetensors"));
        Assert.Contains("at step 6", PretrainRun.Ok("pretrain", "--config", run, "--resume").Stderr);

        Assert.Equal(straightMetrics, PretrainRun.Untimed(data.P($"{outDir}/metrics.jsonl")));
        Assert.Equal(straightWeights, File.ReadAllBytes(data.P($"{outDir}/model.safetensors")));
    }
}
