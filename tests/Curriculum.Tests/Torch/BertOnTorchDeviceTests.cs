using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// BERT's MLM + NSP pre-training through one front end on two devices: the managed <c>cpu</c> kernels and libtorch's
/// <c>torch-cpu</c>; only <c>model.To(device)</c> differs. The batches use every input BERT takes: token types, padding
/// (an attention mask), masked positions and NSP labels.
/// </summary>
public class BertOnTorchDeviceTests(ITestOutputHelper output)
{
    static readonly BertConfig Config = new(VocabSize: 40, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);
    const int Batch = 4, Length = 12, Steps = 20, MaskId = 39;

    internal sealed record PretrainingBatch(IntTensor Ids, IntTensor TokenTypes, IntTensor Attention, IntTensor MlmLabels, int[] NspLabels);

    /// <summary>
    /// Two halves of Length/2 that count up (mod 38); the second continues the first (NSP 0) or starts at random (NSP 1).
    /// Row b ends in b padding tokens (id 0, type 0, mask 0). About a quarter of the real tokens are replaced by [MASK]
    /// and labelled with the original id; the rest of the labels are -100.
    /// </summary>
    internal static PretrainingBatch CountingPairs(Generator g)
    {
        int half = Length / 2;
        int[] ids = new int[Batch * Length], types = new int[Batch * Length], keep = new int[Batch * Length], labels = new int[Batch * Length];
        var nsp = new int[Batch];
        for (int b = 0; b < Batch; b++)
        {
            nsp[b] = g.NextInt(2);
            int startA = g.NextInt(38), startB = nsp[b] == 0 ? startA + half : g.NextInt(38);
            int real = Length - b;
            for (int t = 0; t < Length; t++)
            {
                int i = b * Length + t;
                labels[i] = -100;
                if (t >= real) continue;
                ids[i] = t < half ? (startA + t) % 38 : (startB + t - half) % 38;
                types[i] = t < half ? 0 : 1;
                keep[i] = 1;
                if (g.NextInt(4) == 0) { labels[i] = ids[i]; ids[i] = MaskId; }
            }
        }
        return new(new IntTensor(ids, Batch, Length), new IntTensor(types, Batch, Length), new IntTensor(keep, Batch, Length),
            new IntTensor(labels, Batch, Length), nsp);
    }

    /// <summary>Per step: the MLM and NSP losses and the gradient norm before clipping (at 1), AdamW with weight decay.</summary>
    static (float[] Mlm, float[] Nsp, float[] Norms) Train(BertForPreTraining model, int steps, ulong dataSeed)
    {
        var data = new Generator(dataSeed);
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0.1f);
        float[] mlm = new float[steps], nsp = new float[steps], norms = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            var batch = CountingPairs(data);
            opt.ZeroGrad();
            var result = model.Forward(batch.Ids, batch.TokenTypes, batch.Attention, batch.MlmLabels, batch.NspLabels);
            result.Loss.Backward();
            norms[s] = GradientClipping.ClipGradNorm(model.Parameters(), 1f);
            opt.Step();
            (mlm[s], nsp[s]) = (result.MlmLoss.Item(), result.NspLoss.Item());
        }
        return (mlm, nsp, norms);
    }

    [Fact]
    public void TwentyAdamWStepsOfMlmAndNspGiveTheSameLossesOnCpuAndTorchCpu()
    {
        TorchDevices.Register();
        var cpu = Train(new BertForPreTraining(Config, new Generator(7)), Steps, dataSeed: 11);
        var model = new BertForPreTraining(Config, new Generator(7));
        model.To(TestDevice.Torch);
        Assert.All(model.Parameters(), p => Assert.Equal(TestDevice.Torch.Name, p.Device.Name));
        var torch = Train(model, Steps, dataSeed: 11);
        double worst = 0;
        for (int s = 0; s < Steps; s++)
        {
            double dm = Math.Abs(cpu.Mlm[s] - torch.Mlm[s]), dn = Math.Abs(cpu.Nsp[s] - torch.Nsp[s]);
            worst = Math.Max(worst, Math.Max(dm, dn));
            output.WriteLine($"step {s + 1,2}: MLM cpu {cpu.Mlm[s]:F7} {TestDevice.Torch.Name} {torch.Mlm[s]:F7} |diff| {dm:G3}   "
                + $"NSP cpu {cpu.Nsp[s]:F7} {TestDevice.Torch.Name} {torch.Nsp[s]:F7} |diff| {dn:G3}   norm {cpu.Norms[s]:F5} / {torch.Norms[s]:F5}");
            Assert.True(Math.Abs(cpu.Norms[s] - torch.Norms[s]) <= 1e-4 * cpu.Norms[s], $"step {s + 1}: gradient norm {cpu.Norms[s]} vs {torch.Norms[s]}");
        }
        output.WriteLine($"max |diff| {worst:G3}");
        Assert.Contains(torch.Norms, n => n > 1f);   // clipping takes part
        // Float32 on both; the gradients agree to a few ε (the test below), and the gap opens with the first AdamW step
        // (1.2e-5 at step 2): AdamW divides each element by its own magnitude, so a gradient near rounding noise moves its
        // weight by different fractions of lr on the two devices (which element does it here was not isolated). Measured:
        // at most 2.2e-5 (6e-6 of a loss near 3.7) over 20 steps. 1e-4 leaves 5x; the per-step gradient norms above (1e-4
        // relative) and the gradient test below catch a wrong gradient.
        Assert.True(worst <= 1e-4, $"losses differ by up to {worst:G3} (> 1e-4)");
        Assert.True(torch.Mlm[^1] + torch.Nsp[^1] < torch.Mlm[0] + torch.Nsp[0], $"{TestDevice.Torch.Name} did not learn: MLM {torch.Mlm[0]} -> {torch.Mlm[^1]}");
    }

    [Fact]
    public void EveryParameterGradientOfOneMlmAndNspBackwardMatchesCpu() => GradientsMatchCpu(Config);

    /// <summary>T5's choices in BERT: the relative bias (through engine ops, with its gradient), no embedding norm, no MLM transform.</summary>
    [Fact]
    public void EveryParameterGradientOfTheRelativePositionEncoderMatchesCpu() =>
        GradientsMatchCpu(Config with { Norm = NormPlacement.PreLn, Positions = PositionEncoding.RelativeBias, EmbeddingLayerNorm = false, MlmHeadTransform = false });

    void GradientsMatchCpu(BertConfig config)
    {
        TorchDevices.Register();
        var onCpu = new BertForPreTraining(config, new Generator(7));
        var onTorch = new BertForPreTraining(config, new Generator(7));
        onTorch.To(TestDevice.Torch);
        var batch = CountingPairs(new Generator(11));
        onCpu.Forward(batch.Ids, batch.TokenTypes, batch.Attention, batch.MlmLabels, batch.NspLabels).Loss.Backward();
        onTorch.Forward(batch.Ids, batch.TokenTypes, batch.Attention, batch.MlmLabels, batch.NspLabels).Loss.Backward();
        var torchGrads = onTorch.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!);
        // Sums in another order through two blocks and both heads: the tolerance of the ops' own parity tests.
        foreach (var (name, p) in onCpu.NamedParameters())
            OpParityAgainstLibTorchTests.Compare(output, p.Grad!, new Tensor(torchGrads[name].ToArray(), [.. p.Shape]), $"gradient of {name}",
                OpParityAgainstLibTorchTests.Sums);
    }

    [Fact]
    public void TheSameSeedTwiceOnTorchCpuGivesIdenticalLossesDropoutIncluded()
    {
        TorchDevices.Register();
        var config = Config with { Dropout = 0.1f };
        float[] Run()
        {
            var model = new BertForPreTraining(config, new Generator(21));
            model.To(TestDevice.Torch);
            var (mlm, nsp, _) = Train(model, 5, dataSeed: 22);
            return [.. mlm, .. nsp];
        }
        var first = Run();
        var second = Run();
        output.WriteLine(string.Join(", ", first));
        Assert.Equal(first, second);
    }
}
