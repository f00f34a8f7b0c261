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
    sealed record Case(In[] Inputs, Func<Tensor[], Tensor> Op, Tol Tol, PrecisionPolicy? Policy = null);

    // Values rounded to a 16-bit format from float32 intermediates that differ by a few ε (sums in another order) land one
    // ulp of that format apart where they straddle a rounding boundary: 2^-7 relative for bf16, 2^-10 for fp16 (ulp
    // relative to the value is at most 2^-7 and 2^-10); the absolute part covers values that cancel to near zero.
    static readonly Tol OneBf16Ulp = new(1e-6, 1.0 / 128, "float32 sums in another order, then rounded to bf16: at most one bf16 ulp apart");
    static readonly Tol OneFp16Ulp = new(1e-6, 1.0 / 1024, "float32 sums in another order, then rounded to fp16: at most one fp16 ulp apart");
    // gather's index: each row picks one column twice at most, so a gradient entry adds at most two terms (order-free).
    static readonly IntTensor GatherCols = new([4, 0, 0, 3, 1, 1, 2, 4, 0, 3, 3, 2], 3, 4);
    static readonly IntTensor GatherRows = new([2, 0, 1, 1, 0, 2, 2, 0], 2, 4);
    static readonly IntTensor Gather3d = new([1, 0, 2, 2, 0, 1, 1, 1, 0, 2, 0, 0], 2, 2, 3);
    static Tensor SdpaMaskOn(Tensor like) => SdpaMask.To(like.Device);

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
        // What BERT and T5 add: the pooler's tanh, T5's ReLU and scaled head, its attention from engine ops
        // (permute, batched matmul, softmax), cross-attention with padding, the NSP loss, the MLM rows picked.
        ["scale"] = new([I(3, 5)], x => x[0] * 1.5f, Exact),
        ["relu"] = new([new([4, 8], Draw.AwayFromZero)], x => F.Relu(x[0]), Exact),
        ["tanh"] = new([new([4, 8], Draw.Normal, 2f)], x => F.Tanh(x[0]), Transcendental),
        ["softmax_last"] = new([new([3, 4, 10], Draw.Normal, 3f)], x => F.Softmax(x[0], -1), Transcendental),
        ["softmax_mid"] = new([new([3, 6, 4], Draw.Normal, 3f)], x => F.Softmax(x[0], 1), Transcendental),
        ["permute"] = new([I(2, 3, 4)], x => x[0].Permute(2, 0, 1), Exact),
        ["transpose"] = new([I(2, 3, 4)], x => x[0].Transpose(1, 2), Exact),
        ["index_select"] = new([I(6, 4)], x => x[0].IndexSelect(0, Pick), Exact),
        ["index_select_mid"] = new([I(3, 6, 2)], x => x[0].IndexSelect(1, Pick), Exact),
        ["matmul_2d"] = new([I(5, 16), I(16, 6)], x => x[0].MatMul(x[1]), Sums),
        ["matmul_nd_2d"] = new([I(2, 3, 32), I(32, 5)], x => x[0].MatMul(x[1]), Sums),
        ["matmul_batched"] = new([I(3, 4, 24), I(3, 24, 5)], x => x[0].MatMul(x[1]), Sums),
        ["cross_entropy"] = new([new([12, 9], Draw.Normal, 2f)], x => F.CrossEntropy(x[0], Targets), Transcendental),
        ["cross_entropy_3d"] = new([new([2, 5, 9], Draw.Normal, 2f)], x => F.CrossEntropy(x[0], Targets3d), Transcendental),
        ["cross_entropy_smooth_sum"] = new([new([12, 9], Draw.Normal, 2f)],
            x => F.CrossEntropy(x[0], Targets, labelSmoothing: 0.2f, reduction: Reduction.Sum), Transcendental),
        ["mha_cross_padding"] = new([I(2, 5, 12), I(2, 7, 12), I(2, 7, 12)],
            x => F.MultiHeadAttention(x[0], x[1], x[2], 3, AttentionMask.FromPadding(Keep).To(x[0].Device)), Sums),
        ["mha_self_causal"] = new([I(2, 6, 16)], x => F.MultiHeadAttention(x[0], x[0], x[0], 2, isCausal: true), Sums),
        // ---- element-wise: one correctly rounded operation per element, the gradients summed over broadcast copies ----
        ["mul_same"] = new([I(3, 5), I(3, 5)], x => x[0] * x[1], new(0, 0, "a·b, g·b, g·a: one rounding each, bit for bit")),
        ["mul_bcast"] = new([I(2, 3, 4), I(4)], x => x[0] * x[1], Sums),
        ["mul_bcast_both"] = new([I(2, 1, 4), I(3, 1)], x => x[0] * x[1], Sums),
        ["div_same"] = new([I(3, 5), new([3, 5], Draw.AwayFromZero)], x => x[0] / x[1],
            new(0, 0, "a/b, g/b and -(g·a)/(b·b) in the same order: bit for bit")),
        ["div_bcast"] = new([I(3, 4), new([1, 4], Draw.AwayFromZero)], x => x[0] / x[1], Sums),
        ["div_bcast_numerator"] = new([I(4), new([3, 4], Draw.AwayFromZero)], x => x[0] / x[1], Sums),
        ["add_scalar"] = new([I(3, 5)], x => x[0] + 2f, Exact),
        ["exp"] = new([I(4, 6)], x => x[0].Exp(), Transcendental),
        ["log"] = new([new([4, 6], Draw.Positive)], x => x[0].Log(), Transcendental),
        ["log_softmax_last"] = new([new([3, 4, 10], Draw.Normal, 3f)], x => F.LogSoftmax(x[0], -1), Transcendental),
        ["log_softmax_first"] = new([new([5, 3, 4], Draw.Normal, 3f)], x => F.LogSoftmax(x[0], 0), Transcendental),
        // ---- reductions: all elements in float64 (then one rounding), or one dimension in float32 ----
        ["sum_all"] = new([I(3, 4, 5)], x => x[0].Sum(), Sums),
        ["mean_all"] = new([I(3, 4, 5)], x => x[0].Mean(), Sums),
        ["sum_dim0"] = new([I(3, 4, 5)], x => x[0].Sum(0), Sums),
        ["sum_dim_mid"] = new([I(3, 4, 5)], x => x[0].Sum(1), Sums),
        ["sum_dim_last_keep"] = new([I(3, 4, 5)], x => x[0].Sum(-1, keepDim: true), Sums),
        ["mean_dim_mid_keep"] = new([I(3, 4, 5)], x => x[0].Mean(1, keepDim: true), Sums),
        ["mean_dim_last"] = new([I(6, 7)], x => x[0].Mean(-1), Sums),
        // ---- concat, split, gather: copies, and gradients that are slices or sums of at most two terms ----
        ["concat_dim0"] = new([I(2, 3), I(4, 3)], x => F.Concat([x[0], x[1]], 0), Exact),
        ["concat_dim1_three"] = new([I(2, 3, 4), I(2, 1, 4), I(2, 5, 4)], x => F.Concat([x[0], x[1], x[2]], 1), Exact),
        ["concat_last"] = new([I(2, 3, 4), I(2, 3, 2)], x => F.Concat([x[0], x[1]], -1), Exact),
        ["split_sizes_mid"] = new([I(3, 9, 2)], x => F.Concat(F.Split(x[0], [2, 3, 4], 1).Select((p, i) => p * (i + 1f)).ToArray(), 1), Exact),
        ["split_chunks_first"] = new([I(5, 3)], x => F.Split(x[0], 2, 0)[2], Exact),
        ["split_last"] = new([I(2, 3, 6)], x => F.Split(x[0], [4, 2], -1)[0], Exact),
        ["gather_cols"] = new([I(3, 5)], x => x[0].Gather(1, GatherCols), Exact),
        ["gather_rows"] = new([I(3, 6)], x => x[0].Gather(0, GatherRows), Exact),
        ["gather_3d_mid"] = new([I(2, 3, 4)], x => x[0].Gather(1, Gather3d), Exact),
        // ---- PyTorch's attention layout (B,H,T,D) ----
        ["sdpa_mask"] = new([I(2, 3, 5, 8), I(2, 3, 7, 8), I(2, 3, 7, 6)], x => F.ScaledDotProductAttention(x[0], x[1], x[2], SdpaMaskOn(x[0])), Sums),
        ["sdpa_causal"] = new([I(2, 3, 6, 8), I(2, 3, 6, 8), I(2, 3, 6, 8)], x => F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), Sums),
        ["sdpa_causal_scale"] = new([I(1, 2, 4, 6), I(1, 2, 4, 6), I(1, 2, 4, 3)],
            x => F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true, scale: 0.3f), Sums),
        // ---- layer norm under policies that round it (statistics rounded inside the kernel) ----
        ["layer_norm_bf16_everywhere"] = new([new([3, 5, 32], Draw.Normal, 2f), I(32), I(32)], x => F.LayerNorm(x[0], x[1], x[2]),
            OneBf16Ulp, PrecisionPolicy.Bf16Everywhere),
        ["layer_norm_fp16_everywhere"] = new([new([3, 5, 32], Draw.Normal, 2f), I(32), I(32)], x => F.LayerNorm(x[0], x[1], x[2]),
            OneFp16Ulp, PrecisionPolicy.Fp16Everywhere.With(OpClass.MatMulAccumulator, FloatFormat.Fp32)),
        ["layer_norm_bf16_no_affine"] = new([new([4, 48], Draw.Normal, 3f)], x => F.LayerNorm(x[0], null, null),
            OneBf16Ulp, PrecisionPolicy.Bf16Everywhere),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndEveryInputGradientMatchTheManagedOp(string name)
    {
        TorchDevices.Register();
        var device = TestDevice.Torch;
        var c = Cases[name];
        var g = new Generator(Seed(name));
        var inputs = c.Inputs.Select(i => DrawInput(i, g)).ToArray();
        var onCpu = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var onDevice = inputs.Select(t => t.To(device).RequiresGrad_()).ToArray();   // leaves on the device

        using var policy = c.Policy != null ? Autocast.Enter(c.Policy) : null;
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
        var x = Tensor.Full(2f, 64, 64).To(TestDevice.Torch).RequiresGrad_();
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
        var again = F.Dropout(Tensor.Full(2f, 64, 64).To(TestDevice.Torch), 0.25f, training: true, generator: new Generator(5));
        Assert.Equal(values, again.ToArray());
    }

    [Fact]
    public void ToCopiesBetweenDevicesAndTheGradientFlowsBack()
    {
        TorchDevices.Register();
        var x = Tensor.FromArray([1f, -2f, 3f, 4f, 5f, -6f], 2, 3).RequiresGrad_();
        var onDevice = x.To(TestDevice.Torch);
        Assert.Equal(TestDevice.Torch.Name, onDevice.Device.Name);
        var back = (onDevice + onDevice).To(Device.Cpu);
        Assert.Equal(Device.Cpu, back.Device);
        Assert.Equal([2f, -4f, 6f, 8f, 10f, -12f], back.Data);
        back.Backward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 12f], x.Grad!.Data);
    }

    [Fact]
    public void HostAccessAndMixedDevicesSayWhatToDo()
    {
        TorchDevices.Register();
        var t = Tensor.Ones(2, 3).To(TestDevice.Torch);
        var data = Assert.Throws<InvalidOperationException>(() => t.Data);
        Assert.Contains(TestDevice.Torch.Name, data.Message);
        Assert.Contains("ToArray()", data.Message);
        Assert.Equal([1f, 1f, 1f, 1f, 1f, 1f], t.ToArray());

        var mixed = Assert.Throws<ArgumentException>(() => F.Linear(t, Tensor.Ones(4, 3)));
        Assert.Contains("cpu", mixed.Message);
        Assert.Contains(TestDevice.Torch.Name, mixed.Message);

        var unknown = Assert.Throws<ArgumentException>(() => Device.Get("tpu"));
        Assert.Contains("'tpu'", unknown.Message);
        Assert.Contains("cpu, torch-cpu", unknown.Message);
    }
}
