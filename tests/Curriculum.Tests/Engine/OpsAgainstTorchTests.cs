using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>Every op's output and input gradients against PyTorch (float64) on the same float32 inputs.</summary>
public class OpsAgainstTorchTests
{
    /// <summary>case -> (names of the float inputs, the op given those inputs as leaves and the file's int tensors).</summary>
    static readonly Dictionary<string, (string[] Inputs, Func<Tensor[], Func<string, IntTensor>, Tensor[]> Run)> Cases = new()
    {
        ["add_bcast"] = (["a", "b"], (x, _) => [x[0] + x[1]]),
        ["sub_bcast"] = (["a", "b"], (x, _) => [x[0] - x[1]]),
        ["mul_bcast"] = (["a", "b"], (x, _) => [x[0] * x[1]]),
        ["div_bcast"] = (["a", "b"], (x, _) => [x[0] / x[1]]),
        ["matmul_2d"] = (["a", "b"], (x, _) => [x[0].MatMul(x[1])]),
        ["matmul_nd_2d"] = (["a", "b"], (x, _) => [x[0].MatMul(x[1])]),
        ["matmul_batched"] = (["a", "b"], (x, _) => [x[0].MatMul(x[1])]),
        ["transpose"] = (["x"], (x, _) => [x[0].Transpose(1, 2)]),
        ["permute"] = (["x"], (x, _) => [x[0].Permute(2, 0, 1)]),
        ["linear"] = (["x", "w", "b"], (x, _) => [F.Linear(x[0], x[1], x[2])]),
        ["linear_nobias"] = (["x", "w"], (x, _) => [F.Linear(x[0], x[1])]),
        ["embedding"] = (["w"], (x, i) => [F.Embedding(i("idx"), x[0])]),
        ["layernorm"] = (["x", "w", "b"], (x, _) => [F.LayerNorm(x[0], x[1], x[2])]),
        ["gelu_erf"] = (["x"], (x, _) => [F.Gelu(x[0])]),
        ["gelu_tanh"] = (["x"], (x, _) => [F.Gelu(x[0], GeluApproximation.Tanh)]),
        ["relu"] = (["x"], (x, _) => [F.Relu(x[0])]),
        ["tanh"] = (["x"], (x, _) => [F.Tanh(x[0])]),
        ["exp"] = (["x"], (x, _) => [F.Exp(x[0])]),
        ["log"] = (["x"], (x, _) => [F.Log(x[0])]),
        ["softmax_last"] = (["x"], (x, _) => [F.Softmax(x[0], -1)]),
        ["softmax_mid"] = (["x"], (x, _) => [F.Softmax(x[0], 1)]),
        ["log_softmax_last"] = (["x"], (x, _) => [F.LogSoftmax(x[0], -1)]),
        ["log_softmax_first"] = (["x"], (x, _) => [F.LogSoftmax(x[0], 0)]),
        ["sdpa_mask"] = (["q", "k", "v"], (x, _) => [F.ScaledDotProductAttention(x[0], x[1], x[2], EngineFixtures.Ops.Tensors["sdpa_mask.mask"])]),
        ["sdpa_causal"] = (["q", "k", "v"], (x, _) => [F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true)]),
        ["mha_cross_padding"] = (["q", "k", "v"], (x, i) => [F.MultiHeadAttention(x[0], x[1], x[2], 3, AttentionMask.FromPadding(i("pad")))]),
        ["self_attention_causal"] = (["qkv"], (x, _) => [F.SelfAttention(x[0], 3, isCausal: true)]),
        ["cross_entropy"] = (["x"], (x, i) => [F.CrossEntropy(x[0], i("t"))]),
        ["cross_entropy_smooth"] = (["x"], (x, i) => [F.CrossEntropy(x[0], i("t"), labelSmoothing: 0.1f)]),
        ["cross_entropy_sum"] = (["x"], (x, i) => [F.CrossEntropy(x[0], i("t"), labelSmoothing: 0.2f, reduction: Reduction.Sum)]),
        ["cross_entropy_3d"] = (["x"], (x, i) => [F.CrossEntropy(x[0], i("t"))]),
        ["gather"] = (["x"], (x, i) => [x[0].Gather(1, i("idx"))]),
        ["index_select"] = (["x"], (x, i) => [x[0].IndexSelect(0, i("idx"))]),
        ["index_select_mid"] = (["x"], (x, i) => [x[0].IndexSelect(1, i("idx"))]),
        ["concat"] = (["a", "b"], (x, _) => [F.Concat([x[0], x[1]], 1)]),
        ["split"] = (["x"], (x, _) => F.Split(x[0], [2, 3, 4], 1)),
        ["sum_all"] = (["x"], (x, _) => [x[0].Sum()]),
        ["mean_all"] = (["x"], (x, _) => [x[0].Mean()]),
        ["sum_dim"] = (["x"], (x, _) => [x[0].Sum(1)]),
        ["mean_dim_keep"] = (["x"], (x, _) => [x[0].Mean(-1, keepDim: true)]),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void OutputAndGradientsMatchPyTorch(string name)
    {
        var f = EngineFixtures.Ops;
        var (inputNames, run) = Cases[name];
        var inputs = inputNames.Select(n => f.Tensors[$"{name}.{n}"].Clone().RequiresGrad_()).ToArray();
        var outputs = run(inputs, n => f.IntTensors[$"{name}.{n}"]);
        Tensor? total = null;
        for (int o = 0; o < outputs.Length; o++)
        {
            string suffix = outputs.Length == 1 ? "" : o.ToString();
            EngineFixtures.AssertClose(f.Tensors[$"{name}.out{suffix}"], outputs[o], $"{name} output{suffix}");
            var weighted = (outputs[o] * f.Tensors[$"{name}.gy{suffix}"]).Sum();
            total = total == null ? weighted : total + weighted;
        }
        total!.Backward();
        for (int k = 0; k < inputs.Length; k++)
            EngineFixtures.AssertClose(f.Tensors[$"{name}.grad.{inputNames[k]}"], inputs[k].Grad!, $"{name} grad {inputNames[k]}");
    }

    [Fact]
    public void EveryFixtureCaseIsTested()
    {
        var inFile = EngineFixtures.Ops.Tensors.Keys.Where(k => k.Contains(".out")).Select(k => k[..k.IndexOf('.')]).ToHashSet();
        Assert.Empty(inFile.Except(Cases.Keys));
    }
}
