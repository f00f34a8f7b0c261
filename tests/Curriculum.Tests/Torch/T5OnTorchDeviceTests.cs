using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The T5-style encoder-decoder through one front end on two devices, <c>cpu</c> and <c>torch-cpu</c>: relative position
/// biases (built from engine ops: embedding, permute, batched matmul, softmax), causal decoder self-attention, cross-
/// attention over a padded encoder input, ReLU MLPs, the scaled tied head fused into the loss.
/// </summary>
public class T5OnTorchDeviceTests(ITestOutputHelper output)
{
    static readonly T5Config Config = new(VocabSize: 40, Dim: 32, EncoderLayers: 2, DecoderLayers: 2, Heads: 4, FfnDim: 64,
        NumBuckets: 8, MaxDistance: 16);
    const int Batch = 4, Source = 10, Target = 6, Steps = 20;

    internal sealed record Seq2Seq(IntTensor Ids, IntTensor Attention, IntTensor DecoderIds, IntTensor Labels);

    /// <summary>
    /// Input: a count from a random start (mod 39, ids 1..39), row b ending in b padding tokens (id 0, mask 0). Target: the
    /// next Target numbers of the count, behind the start token 0; the last label of odd rows is -100 (ignored).
    /// </summary>
    internal static Seq2Seq Continuations(Generator g)
    {
        int[] ids = new int[Batch * Source], keep = new int[Batch * Source], dec = new int[Batch * Target], labels = new int[Batch * Target];
        for (int b = 0; b < Batch; b++)
        {
            int start = g.NextInt(39), real = Source - b;
            for (int t = 0; t < real; t++) { ids[b * Source + t] = 1 + (start + t) % 39; keep[b * Source + t] = 1; }
            for (int u = 0; u < Target; u++)
            {
                labels[b * Target + u] = 1 + (start + real + u) % 39;
                dec[b * Target + u] = u == 0 ? 0 : labels[b * Target + u - 1];
            }
            if (b % 2 == 1) labels[b * Target + Target - 1] = -100;
        }
        return new(new IntTensor(ids, Batch, Source), new IntTensor(keep, Batch, Source), new IntTensor(dec, Batch, Target),
            new IntTensor(labels, Batch, Target));
    }

    /// <summary>Per step: the loss and the gradient norm before clipping (at 1), AdamW with weight decay.</summary>
    internal static (float[] Losses, float[] Norms) Train(T5Model model, int steps, ulong dataSeed)
    {
        var data = new Generator(dataSeed);
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0.1f);
        float[] losses = new float[steps], norms = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            var batch = Continuations(data);
            opt.ZeroGrad();
            var loss = model.Loss(batch.Ids, batch.Attention, batch.DecoderIds, batch.Labels);
            loss.Backward();
            norms[s] = GradientClipping.ClipGradNorm(model.Parameters(), 1f);
            opt.Step();
            losses[s] = loss.Item();
        }
        return (losses, norms);
    }

    [Fact]
    public void EveryParameterGradientOfOneBackwardMatchesCpu()
    {
        TorchDevices.Register();
        var onCpu = new T5Model(Config, new Generator(7));
        var onTorch = new T5Model(Config, new Generator(7));
        onTorch.To(TestDevice.Torch);
        var batch = Continuations(new Generator(11));
        onCpu.Loss(batch.Ids, batch.Attention, batch.DecoderIds, batch.Labels).Backward();
        onTorch.Loss(batch.Ids, batch.Attention, batch.DecoderIds, batch.Labels).Backward();
        var torchGrads = onTorch.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!);
        // Sums in another order through four blocks and the head: the tolerance of the ops' own parity tests.
        foreach (var (name, p) in onCpu.NamedParameters())
            OpParityAgainstLibTorchTests.Compare(output, p.Grad!, new Tensor(torchGrads[name].ToArray(), [.. p.Shape]), $"gradient of {name}",
                OpParityAgainstLibTorchTests.Sums);
    }

    [Fact]
    public void TwentyAdamWStepsGiveTheSameLossesOnCpuAndTorchCpu()
    {
        TorchDevices.Register();
        var cpu = Train(new T5Model(Config, new Generator(7)), Steps, dataSeed: 11);
        var model = new T5Model(Config, new Generator(7));
        model.To(TestDevice.Torch);
        var torch = Train(model, Steps, dataSeed: 11);
        double worst = 0;
        for (int s = 0; s < Steps; s++)
        {
            double diff = Math.Abs(cpu.Losses[s] - torch.Losses[s]);
            worst = Math.Max(worst, diff);
            output.WriteLine($"step {s + 1,2}: cpu {cpu.Losses[s]:F7} {TestDevice.Torch.Name} {torch.Losses[s]:F7} |diff| {diff:G3}   "
                + $"norm {cpu.Norms[s]:F5} / {torch.Norms[s]:F5}");
            Assert.True(Math.Abs(cpu.Norms[s] - torch.Norms[s]) <= 1e-4 * cpu.Norms[s], $"step {s + 1}: gradient norm {cpu.Norms[s]} vs {torch.Norms[s]}");
        }
        output.WriteLine($"max |diff| {worst:G3}");
        Assert.Contains(torch.Norms, n => n > 1f);   // clipping takes part
        // Float32 on both, sums in another order, carried by AdamW. Measured: at most 9.5e-7 (2 ulp of a loss near 4.8);
        // the GPT test's 1e-5 (~40 ulp), while a wrong gradient moves losses that fall by ~2.6 in 20 steps far more.
        Assert.True(worst <= 1e-5, $"losses differ by up to {worst:G3} (> 1e-5)");
        Assert.True(torch.Losses[^1] < torch.Losses[0] - 0.3, $"{TestDevice.Torch.Name} did not learn: {torch.Losses[0]} -> {torch.Losses[^1]}");
    }

    [Fact]
    public void TheSameSeedTwiceOnTorchCpuGivesIdenticalLossesDropoutIncluded()
    {
        TorchDevices.Register();
        float[] Run()
        {
            var model = new T5Model(Config with { Dropout = 0.1f }, new Generator(21));
            model.To(TestDevice.Torch);
            return Train(model, 5, dataSeed: 22).Losses;
        }
        var first = Run();
        var second = Run();
        output.WriteLine(string.Join(", ", first));
        Assert.Equal(first, second);
    }
}
