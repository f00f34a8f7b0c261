using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// Gradient checkpointing (<see cref="Checkpoint"/>, <see cref="GradientCheckpointing.Enable"/>) on <c>torch-cpu</c>:
/// the recomputation runs the same libtorch kernels in the same order and replays the dropout masks (the device's stream
/// is seeded from the same generator draw), so the gradients are those of the run without it, bit for bit; and they are
/// cpu's gradients within the ops' tolerance.
/// </summary>
public class GradientCheckpointingOnTorchDeviceTests(ITestOutputHelper output)
{
    static readonly GptConfig Gpt = new(VocabSize: 48, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);
    static readonly BertConfig Bert = new(VocabSize: 40, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);

    static (IntTensor Ids, IntTensor Targets) GptBatch()
    {
        var g = new Generator(13);
        int[] x = new int[4 * 12], y = new int[4 * 12];
        for (int i = 0; i < x.Length; i++) { x[i] = g.NextInt(48); y[i] = g.NextInt(48); }
        return (new IntTensor(x, 4, 12), new IntTensor(y, 4, 12));
    }

    /// <summary>Every parameter's gradient, by name, copied to the host, after one forward and backward.</summary>
    static Dictionary<string, float[]> Gradients(Module model, Func<Tensor> loss)
    {
        loss().Backward();
        return model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToArray());
    }

    static Dictionary<string, float[]> GptGradients(float dropout, Device device, bool checkpointing)
    {
        var model = new GptModel(Gpt with { Dropout = dropout }, new Generator(7));
        model.To(device);
        int blocks = GradientCheckpointing.Enable(model, checkpointing);
        Assert.Equal(Gpt.Layers, blocks);   // every block switched, on or off
        var (ids, targets) = GptBatch();
        return Gradients(model, () => model.Loss(ids, targets));
    }

    static Dictionary<string, float[]> BertGradients(float dropout, Device device, bool checkpointing)
    {
        var model = new BertForPreTraining(Bert with { Dropout = dropout }, new Generator(7));
        model.To(device);
        GradientCheckpointing.Enable(model, checkpointing);
        var b = BertOnTorchDeviceTests.CountingPairs(new Generator(11));
        return Gradients(model, () => model.Forward(b.Ids, b.TokenTypes, b.Attention, b.MlmLabels, b.NspLabels).Loss);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("bert")]
    public void CheckpointedGradientsOnTorchCpuAreThePlainOnesBitForBitDropoutIncluded(string model)
    {
        TorchDevices.Register();
        Func<float, Device, bool, Dictionary<string, float[]>> run = model == "gpt" ? GptGradients : BertGradients;
        var plain = run(0.1f, TestDevice.Torch, false);
        var checkpointed = run(0.1f, TestDevice.Torch, true);
        Assert.Equal(plain.Keys, checkpointed.Keys);
        foreach (var (name, g) in plain) Assert.True(g.SequenceEqual(checkpointed[name]), $"{model} {name}: the checkpointed gradient differs");
        output.WriteLine($"{model}: {plain.Count} parameters' gradients identical with and without checkpointing");
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("bert")]
    public void CheckpointedGradientsOnTorchCpuEqualCheckpointedGradientsOnCpu(string model)
    {
        TorchDevices.Register();
        Func<float, Device, bool, Dictionary<string, float[]>> run = model == "gpt" ? GptGradients : BertGradients;
        // Dropout 0: the devices draw different masks from the same seed.
        var cpu = run(0f, Device.Cpu, true);
        var torch = run(0f, TestDevice.Torch, true);
        // Sums in another order through two blocks and the heads: the tolerance of the ops' own parity tests.
        foreach (var (name, g) in cpu)
            OpParityAgainstLibTorchTests.Compare(output, new Tensor(g, g.Length), new Tensor(torch[name], g.Length),
                $"{model} gradient of {name}", OpParityAgainstLibTorchTests.Sums);
        double worst = cpu.Max(p => p.Value.Zip(torch[p.Key]).Max(v => Math.Abs((double)v.First - v.Second)));
        output.WriteLine($"{model}: max |gradient difference| cpu vs torch-cpu, both checkpointed: {worst:G3}");
    }
}
