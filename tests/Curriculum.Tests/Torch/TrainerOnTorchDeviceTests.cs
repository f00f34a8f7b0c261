using Curriculum.Data;
using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Curriculum.Training;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The <see cref="Trainer{TBatch}"/> with a model on <c>torch-cpu</c> (moved there with <c>model.To(device)</c> before the
/// trainer is made; the trainer itself has no device of its own): a checkpoint it writes resumes on cpu and the reverse,
/// with the losses of the run that never stopped; a checkpoint of another precision policy is refused by name.
/// </summary>
public class TrainerOnTorchDeviceTests(ITestOutputHelper output)
{
    const int Total = 10, StopAt = 7, CheckpointEvery = 5;
    static readonly GptConfig Config = new(VocabSize: 32, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);

    static Trainer<LmBatch> Build(string dir, ulong initSeed, Device device, PrecisionPolicy precision)
    {
        var gen = new Generator(initSeed);
        var model = new GptModel(Config, gen);
        model.To(device);
        var a = new int[400];
        for (int i = 0; i < a.Length; i++) a[i] = (3 * i + i / 7) % 32;
        var source = new TokenWindowSource([a], batchSize: 4, seqLen: 8, MixtureSchedule.Constant(1.0), seed: 3, names: ["text"]);
        var opt = new AdamW(model.Parameters(), lr: 1e-2f, weightDecay: 0.1f);
        var wsd = new WarmupStableDecaySchedule(1e-2, warmupSteps: 3, stableSteps: 4, decaySteps: 3, DecayShape.Cosine, minLr: 1e-3);
        var options = new TrainerOptions
        {
            TotalSteps = Total,
            MaxGradNorm = 0.5,
            Seed = 11,
            CheckpointEvery = CheckpointEvery,
            Checkpoints = new CheckpointStore(dir, keepLast: 2),
            Precision = precision,
        };
        var objective = Objective.Single<LmBatch>(batch => model.Loss(batch.Inputs, batch.Targets));
        return new Trainer<LmBatch>(model, objective, source, opt, wsd, options);
    }

    static List<double> Losses(Trainer<LmBatch> trainer, long? until = null)
    {
        var losses = new List<double>();
        trainer.StepCompleted += m => losses.Add(m.Loss);
        trainer.Run(until);
        return losses;
    }

    /// <summary>"torch": the libtorch device under test (<see cref="TestDevice"/>); otherwise the device of that name.</summary>
    static Device On(string name) => name == "torch" ? TestDevice.Torch : Device.Get(name);

    [Theory]
    [InlineData("torch", "cpu", "fp32")]
    [InlineData("cpu", "torch", "fp32")]
    [InlineData("torch", "cpu", "bf16")]
    public void ACheckpointWrittenOnOneDeviceResumesOnTheOtherWithTheUninterruptedLosses(string writer, string reader, string precision)
    {
        TorchDevices.Register();
        var policy = precision == "bf16" ? PrecisionPolicy.Bf16Autocast : PrecisionPolicy.Fp32;
        string dirA = TempDir(), dirB = TempDir();
        var uninterrupted = Losses(Build(dirA, 5, On(writer), policy));

        var first = Build(dirB, 5, On(writer), policy);
        Losses(first, StopAt);
        first.Dispose();
        var resumed = Build(dirB, 99, On(reader), policy);   // another init: everything must come from the checkpoint
        var loaded = resumed.ResumeFromLatest();
        Assert.NotNull(loaded);
        Assert.Equal(CheckpointEvery, resumed.Step);
        var after = Losses(resumed);

        Assert.Equal(Total - CheckpointEvery, after.Count);
        double worst = 0;
        for (int i = 0; i < after.Count; i++)
        {
            double u = uninterrupted[CheckpointEvery + i], diff = Math.Abs(u - after[i]);
            worst = Math.Max(worst, diff);
            output.WriteLine($"step {CheckpointEvery + i + 1}: uninterrupted on {writer} {u:F7}, resumed on {reader} {after[i]:F7}, |diff| {diff:G3}");
        }
        // The resumed steps run on the other device: float32 sums in another order (fp32: the 1e-5 of the GPT device test);
        // under bf16 autocast a product rounded the other way moves a loss by up to about one bf16 ulp of a logit, so the
        // half bf16 ulp of the loss of the bf16 GPT device test.
        double limit = precision == "bf16" ? 0.5 / 256 * uninterrupted.Max() : 1e-5;
        output.WriteLine($"max |diff| {worst:G3} (limit {limit:G3})");
        Assert.True(worst <= limit, $"resumed losses differ by up to {worst:G3} (> {limit:G3})");
    }

    [Fact]
    public void ACheckpointOfAnotherPrecisionIsRefusedNamingTheFileAndBothPolicies()
    {
        TorchDevices.Register();
        string dir = TempDir();
        var fp32 = Build(dir, 5, TestDevice.Torch, PrecisionPolicy.Fp32);
        Losses(fp32, CheckpointEvery);
        string path = fp32.SaveCheckpoint();
        fp32.Dispose();
        var bf16 = Build(dir, 5, Device.Cpu, PrecisionPolicy.Bf16Autocast);
        var e = Assert.Throws<InvalidDataException>(() => bf16.ResumeFromLatest());
        output.WriteLine(e.Message);
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains("'fp32'", e.Message);
        Assert.Contains("'bf16 autocast'", e.Message);
        Assert.Equal(0, bf16.Step);
    }

    static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "curriculum-trainer-device-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
