using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;
using static Curriculum.Tests.Torch.OpParityAgainstLibTorchTests;

namespace Curriculum.Tests.Torch;

/// <summary>
/// Each op the <c>torch-cpu</c> device implements, through the same front end (<see cref="F"/>, the engine's tape), against
/// the managed op on cpu: the same seeded inputs, the output and the gradient of every float input for L = Σ w ∘ out with
/// fixed random w. The tolerances are those of <see cref="OpParityAgainstLibTorchTests"/> for the same op class: the device
/// computes with libtorch's kernels, so it differs from the managed op exactly as libtorch does.
/// </summary>
public class TorchDeviceOpParityTests(ITestOutputHelper output)
{
    sealed record Case(In[] Inputs, Func<Tensor[], Tensor> Op, Tol Tol);

    static Tensor MaskOn(Tensor like) => SelfAttentionMask.To(like.Device);
    // An additive mask (B=2, 1, T=6, T=6) blocking about a third of the scores; a row it blocks whole becomes zeros in both.
    static readonly Tensor SelfAttentionMask = AttentionMask.FromBool(
        Enumerable.Range(0, 2 * 6 * 6).Select(i => i % 7 == 0 || (i * 37 % 11) > 3).ToArray(), 2, 1, 6, 6);

    static readonly Dictionary<string, Case> Cases = new()
    {
        ["linear"] = new([I(2, 5, 16), I(12, 16), I(12)], x => F.Linear(x[0], x[1], x[2]), Sums),
        ["linear_nobias"] = new([I(7, 32), I(9, 32)], x => F.Linear(x[0], x[1]), Sums),
        ["add_bcast"] = new([I(2, 3, 4), I(3, 4)], x => x[0] + x[1], Sums),
        ["add_bcast_ones"] = new([I(2, 3, 4), I(3, 1)], x => x[0] + x[1], Sums),
        ["sub_same"] = new([I(2, 3, 4), I(2, 3, 4)], x => x[0] - x[1], Sums),
        ["layer_norm"] = new([new([3, 5, 32], Draw.Normal, 2f), I(32), I(32)], x => F.LayerNorm(x[0], x[1], x[2]), Sums),
        ["gelu_erf"] = new([new([4, 8], Draw.Normal, 3f)], x => F.Gelu(x[0]), Transcendental),
        ["gelu_tanh"] = new([new([4, 8], Draw.Normal, 3f)], x => F.Gelu(x[0], GeluApproximation.Tanh), Transcendental),
        ["embedding"] = new([I(11, 8)], x => F.Embedding(EmbeddingIds, x[0]), Sums),
        ["self_attention_causal"] = new([I(2, 6, 36)], x => F.SelfAttention(x[0], 3, isCausal: true), Sums),
        ["self_attention_mask"] = new([I(2, 6, 24)], x => F.SelfAttention(x[0], 2, MaskOn(x[0])), Sums),
        ["linear_cross_entropy"] = new([I(2, 6, 16), new([20, 16], Draw.Normal, 0.5f), I(20)],
            x => F.LinearCrossEntropy(x[0], x[1], x[2], HeadTargets), Sums),
        ["linear_cross_entropy_smooth_sum"] = new([I(2, 6, 16), new([20, 16], Draw.Normal, 0.5f)],
            x => F.LinearCrossEntropy(x[0], x[1], null, HeadTargets, labelSmoothing: 0.1f, reduction: Reduction.Sum), Sums),
        ["dropout_eval"] = new([I(4, 6)], x => F.Dropout(x[0], 0.3f, training: false), Exact),
        ["reshape"] = new([I(2, 3, 4)], x => x[0].Reshape(4, 6), Exact),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndEveryInputGradientMatchTheManagedOp(string name)
    {
        TorchDevices.Register();
        var device = Device.TorchCpu;
        var c = Cases[name];
        var g = new Generator(Seed(name));
        var inputs = c.Inputs.Select(i => DrawInput(i, g)).ToArray();
        var onCpu = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var onDevice = inputs.Select(t => t.To(device).RequiresGrad_()).ToArray();   // leaves on the device

        var outCpu = c.Op(onCpu);
        var outDevice = c.Op(onDevice);
        Assert.Equal(device, outDevice.Device);
        Compare(output, outCpu, Host(outDevice), $"{name} output", c.Tol);
        var w = Tensor.Randn([.. outCpu.Shape], g);
        outCpu.Backward(w);
        outDevice.Backward(w);
        for (int k = 0; k < inputs.Length; k++)
        {
            Assert.Equal(device, onDevice[k].Grad!.Device);
            Compare(output, onCpu[k].Grad!, Host(onDevice[k].Grad!), $"{name} gradient of input {k}", c.Tol);
        }
    }

    static Tensor Host(Tensor t) => new(t.ToArray(), [.. t.Shape]);

    [Fact]
    public void DropoutOnTheDeviceKeepsOrZeroesAndItsGradientUsesTheSameMask()
    {
        TorchDevices.Register();
        var x = Tensor.Full(2f, 64, 64).To(Device.TorchCpu).RequiresGrad_();
        var y = F.Dropout(x, 0.25f, training: true, generator: new Generator(5));
        y.Backward(Tensor.Ones(64, 64));
        float[] values = y.ToArray(), grad = x.Grad!.ToArray();
        int dropped = 0;
        for (int i = 0; i < values.Length; i++)
        {
            // Kept: 2/(1-p) = 8/3 with gradient 4/3; dropped: 0 with gradient 0.
            Assert.True(values[i] == 0f ? grad[i] == 0f : values[i] == 2f / 0.75f && grad[i] == 1f / 0.75f, $"element {i}: y {values[i]}, dy/dx {grad[i]}");
            if (values[i] == 0f) dropped++;
        }
        // 4096 Bernoulli(0.25) draws: mean 1024, standard deviation 27.7; ±5 sd.
        Assert.InRange(dropped, 1024 - 139, 1024 + 139);
        var again = F.Dropout(Tensor.Full(2f, 64, 64).To(Device.TorchCpu), 0.25f, training: true, generator: new Generator(5));
        Assert.Equal(values, again.ToArray());
    }

    [Fact]
    public void ToCopiesBetweenDevicesAndTheGradientFlowsBack()
    {
        TorchDevices.Register();
        var x = Tensor.FromArray([1f, -2f, 3f, 4f, 5f, -6f], 2, 3).RequiresGrad_();
        var onDevice = x.To(Device.TorchCpu);
        Assert.Equal("torch-cpu", onDevice.Device.Name);
        var back = (onDevice + onDevice).To(Device.Cpu);
        Assert.Equal(Device.Cpu, back.Device);
        Assert.Equal([2f, -4f, 6f, 8f, 10f, -12f], back.Data);
        back.Backward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 12f], x.Grad!.Data);
    }

    [Fact]
    public void HostAccessUnsupportedOpsAndMixedDevicesSayWhatToDo()
    {
        TorchDevices.Register();
        var t = Tensor.Ones(2, 3).To(Device.TorchCpu);
        var data = Assert.Throws<InvalidOperationException>(() => t.Data);
        Assert.Contains("torch-cpu", data.Message);
        Assert.Contains("ToArray()", data.Message);
        Assert.Equal([1f, 1f, 1f, 1f, 1f, 1f], t.ToArray());

        var softmax = Assert.Throws<NotSupportedException>(() => F.Softmax(t, -1));
        Assert.Contains("Softmax", softmax.Message);
        Assert.Contains("'torch-cpu'", softmax.Message);
        Assert.Contains("Mul", Assert.Throws<NotSupportedException>(() => t * t).Message);
        Assert.Contains("MatMul", Assert.Throws<NotSupportedException>(() => t.MatMul(Tensor.Ones(3, 2).To(Device.TorchCpu))).Message);

        var w = Tensor.Ones(4, 3).To(Device.TorchCpu);
        using (Autocast.Enter(PrecisionPolicy.Bf16Autocast))
        {
            var bf16 = Assert.Throws<NotSupportedException>(() => F.Linear(t, w));
            Assert.Contains("'torch-cpu'", bf16.Message);
            Assert.Contains("bf16 autocast", bf16.Message);
        }
        var rounding = Assert.Throws<NotSupportedException>(() =>
            ParameterRounding.RoundWeights([w], PrecisionPolicy.Fp32.With(OpClass.MasterWeights, FloatFormat.Bf16)));
        Assert.Contains("RoundWeights", rounding.Message);

        var mixed = Assert.Throws<ArgumentException>(() => F.Linear(t, Tensor.Ones(4, 3)));
        Assert.Contains("cpu", mixed.Message);
        Assert.Contains("torch-cpu", mixed.Message);

        var unknown = Assert.Throws<ArgumentException>(() => Device.Get("tpu"));
        Assert.Contains("'tpu'", unknown.Message);
        Assert.Contains("cpu, torch-cpu", unknown.Message);
    }
}
