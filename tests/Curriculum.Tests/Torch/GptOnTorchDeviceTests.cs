using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The library's GPT trained through one front end on two devices: the managed <c>cpu</c> kernels and libtorch's
/// <c>torch-cpu</c>, with the same modules, tape, AdamW and gradient clipping; only <c>model.To(device)</c> differs.
/// </summary>
public class GptOnTorchDeviceTests(ITestOutputHelper output)
{
    static readonly GptConfig Config = new(VocabSize: 48, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);
    const int Batch = 4, Length = 12, Steps = 20;

    /// <summary>The loss of each of <paramref name="steps"/> AdamW steps (clip 1.0) on batches drawn from <paramref name="dataSeed"/>.</summary>
    internal static float[] Train(GptModel model, int steps, ulong dataSeed) => TrainWithNorms(model, steps, dataSeed).Losses;

    /// <summary>The losses and the gradient norms before clipping.</summary>
    static (float[] Losses, float[] Norms) TrainWithNorms(GptModel model, int steps, ulong dataSeed)
    {
        var data = new Generator(dataSeed);
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0.1f);
        float[] losses = new float[steps], norms = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            var (ids, targets) = CountingBatch(data);
            (losses[s], norms[s]) = Step(model, opt, ids, targets);
        }
        return (losses, norms);
    }

    /// <summary>Sequences that count up from a random token (mod V): learnable, so the loss must fall.</summary>
    static (IntTensor Ids, IntTensor Targets) CountingBatch(Generator g)
    {
        int v = Config.VocabSize;
        int[] x = new int[Batch * Length], y = new int[Batch * Length];
        for (int b = 0; b < Batch; b++)
        {
            int start = g.NextInt(v);
            for (int t = 0; t < Length; t++)
            {
                x[b * Length + t] = (start + t) % v;
                y[b * Length + t] = (start + t + 1) % v;
            }
        }
        return (new IntTensor(x, Batch, Length), new IntTensor(y, Batch, Length));
    }

    [Fact]
    public void TwentyAdamWStepsGiveTheSameLossesOnCpuAndTorchCpu()
    {
        TorchDevices.Register();
        var (onCpu, normsCpu) = TrainWithNorms(new GptModel(Config, new Generator(7)), Steps, dataSeed: 11);
        var model = new GptModel(Config, new Generator(7));
        model.To(TestDevice.Torch);
        Assert.All(model.Parameters(), p => Assert.Equal(TestDevice.Torch.Name, p.Device.Name));
        var (onTorch, normsTorch) = TrainWithNorms(model, Steps, dataSeed: 11);
        double worst = 0;
        for (int s = 0; s < Steps; s++)
        {
            double diff = Math.Abs(onCpu[s] - onTorch[s]);
            worst = Math.Max(worst, diff);
            output.WriteLine($"step {s + 1,2}: cpu {onCpu[s]:F7}  {TestDevice.Torch.Name} {onTorch[s]:F7}  |diff| {diff:G3}   "
                + $"gradient norm cpu {normsCpu[s]:F5} {TestDevice.Torch.Name} {normsTorch[s]:F5}");
            Assert.True(Math.Abs(normsCpu[s] - normsTorch[s]) <= 1e-4 * normsCpu[s], $"step {s + 1}: gradient norm {normsCpu[s]} vs {normsTorch[s]}");
        }
        // Clipping (the norm and the scaling, on the device) takes part: some steps' norms exceed the limit of 1.
        Assert.Contains(normsTorch, n => n > 1f);
        output.WriteLine($"max |diff| {worst:G3}");
        // Same weights, same batches, float32 on both: the devices differ only in the order of their sums (a few ε = 6e-8
        // of each product's magnitude per op), which AdamW carries forward. Measured: at most 2 ulp of the loss (4.8e-7 at ~3.7).
        // 1e-5 is ~40 ulp: room for another libtorch build's summation order, while a wrong gradient of any parameter (a
        // missing term, a wrong scale) moves a loss that falls by ~1 in these 20 steps by far more than that.
        Assert.True(worst <= 1e-5, $"losses differ by up to {worst:G3} (> 1e-5)");
        Assert.True(onTorch[^1] < onTorch[0] - 0.1, $"{TestDevice.Torch.Name} did not learn: {onTorch[0]} -> {onTorch[^1]}");
    }

    [Fact]
    public void AStateDictSavedOnTorchCpuLoadsIntoACpuModelWithTheSameLoss()
    {
        TorchDevices.Register();
        var model = new GptModel(Config, new Generator(3));
        model.To(TestDevice.Torch);
        Train(model, 5, dataSeed: 4);
        string path = Path.Combine(Path.GetTempPath(), $"gpt-torch-cpu-{Environment.ProcessId}.safetensors");
        try
        {
            model.Save(path);
            var onCpu = new GptModel(Config, new Generator(99));
            onCpu.Load(path);
            var (ids, targets) = CountingBatch(new Generator(8));
            float lossCpu, lossTorch;
            using (Autograd.NoGrad())
            {
                lossCpu = onCpu.Loss(ids, targets).Item();
                lossTorch = model.Loss(ids, targets).Item();
            }
            output.WriteLine($"loaded on cpu {lossCpu:F7}, {TestDevice.Torch.Name} {lossTorch:F7}");
            // Bit-identical weights, one forward pass: float32 sums in another order, far under 1e-5.
            Assert.True(Math.Abs(lossCpu - lossTorch) <= 1e-5, $"cpu {lossCpu} vs {TestDevice.Torch.Name} {lossTorch}");
            foreach (var (name, p) in model.NamedParameters())
                Assert.Equal(p.ToArray(), onCpu.NamedParameters().First(n => n.Name == name).Parameter.Data);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AModelMovedBackToCpuMidRunContinuesWithItsOptimiserState()
    {
        TorchDevices.Register();
        var stay = new GptModel(Config, new Generator(5));
        var back = new GptModel(Config, new Generator(5));
        stay.To(TestDevice.Torch);
        back.To(TestDevice.Torch);
        AdamW optStay = new(stay.Parameters(), lr: 3e-3f), optBack = new(back.Parameters(), lr: 3e-3f);
        var data = new Generator(6);
        for (int s = 0; s < 6; s++)
        {
            if (s == 3) back.To(Device.Cpu);   // AdamW's moments follow the parameters on their next step
            var (ids, targets) = CountingBatch(data);
            float lossStay = Step(stay, optStay, ids, targets).Loss, lossBack = Step(back, optBack, ids, targets).Loss;
            output.WriteLine($"step {s + 1}: {TestDevice.Torch.Name} {lossStay:F7}, {(s >= 3 ? "cpu" : "torch-cpu")} {lossBack:F7}");
            // Bit-identical before the move; after it, the float32 differences of the two devices (see the 20-step test).
            if (s < 3) Assert.Equal(lossStay, lossBack);
            else Assert.True(Math.Abs(lossStay - lossBack) <= 1e-5, $"step {s + 1}: {lossStay} vs {lossBack}");
        }
        Assert.All(back.Parameters(), p => Assert.Equal(Device.Cpu, p.Device));
        var state = optBack.StateDict();
        Assert.Equal(6f, state["state.0.step"].Item());
        Assert.Equal(Device.Cpu, state["state.0.exp_avg"].Device);
    }

    /// <summary>One AdamW step with clipping at norm 1; the loss and the gradient norm before clipping.</summary>
    static (float Loss, float Norm) Step(GptModel model, AdamW opt, IntTensor ids, IntTensor targets)
    {
        opt.ZeroGrad();
        var loss = model.Loss(ids, targets);
        loss.Backward();
        // As a trainer does: store gradients and weights in the policy's formats (fp32 here: nothing to round, on any device).
        ParameterRounding.RoundGradients(model.Parameters(), PrecisionPolicy.Fp32);
        float norm = GradientClipping.ClipGradNorm(model.Parameters(), 1f);
        opt.Step();
        ParameterRounding.RoundWeights(model.Parameters(), PrecisionPolicy.Fp32);
        return (loss.Item(), norm);
    }

    [Fact]
    public void TheSameSeedTwiceOnTorchCpuGivesIdenticalNumbersDropoutIncluded()
    {
        TorchDevices.Register();
        var config = Config with { Dropout = 0.1f };
        float[] Run()
        {
            var model = new GptModel(config, new Generator(21));
            model.To(TestDevice.Torch);
            return Train(model, 5, dataSeed: 22);
        }
        var first = Run();
        var second = Run();
        output.WriteLine(string.Join(", ", first));
        Assert.Equal(first, second);
    }
}
