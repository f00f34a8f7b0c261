using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Curriculum.Tests.Torch;

/// <summary>
/// Every op class of Tensors/Ops against libtorch (TorchSharp, CPU, float32) on the same seeded inputs: the outputs and,
/// for L = Σ w ∘ out with fixed random w, the gradient of every float input. Element i passes when
/// |ours - torch| ≤ atol + rtol·|torch|; each case states its tolerance and why (float32 has ε = 2^-24 ≈ 6e-8 a rounding).
/// </summary>
public class OpParityAgainstLibTorchTests(ITestOutputHelper output)
{
    internal enum Draw { Normal, Positive, AwayFromZero }
    internal sealed record In(int[] Shape, Draw Draw = Draw.Normal, float Scale = 1f);
    /// <summary>|ours - torch| ≤ Atol + Rtol·|torch|, and why that much.</summary>
    internal sealed record Tol(double Atol, double Rtol, string Why);
    /// <param name="Policy">The autocast policy both passes run under (null: fp32).</param>
    sealed record Case(In[] Inputs, Func<Tensor[], Tensor[]> Ours, Func<TT[], TT[]> Torch, Tol Tol, PrecisionPolicy? Policy = null);

    internal static In I(params int[] shape) => new(shape);
    static Tensor[] One(Tensor t) => [t];
    static TT[] One(TT t) => [t];

    // Exactly the same IEEE operations (or none): bit for bit.
    internal static readonly Tol Exact = new(0, 0, "copies, or one correctly rounded float32 operation per element: bit for bit");
    // A sum over k terms in another order (blocked/SIMD in both): error ~ sqrt(k)·ε·Σ|terms|, well under 1e-5 here.
    internal static readonly Tol Sums = new(1e-6, 1e-5, "sums of at most 64 products, in another order than libtorch's: a few ε of the magnitudes summed");
    // exp/log/tanh/erf from different vectorised approximations (SLEEF in libtorch): a few ulp each.
    internal static readonly Tol Transcendental = new(1e-6, 1e-5, "vectorised exp/log/tanh/erf approximations differ by a few ulp, then a few roundings");

    internal static readonly IntTensor EmbeddingIds = new([3, 0, 7, 3, 3, 10, 1, 0, 2, 9, 7, 7, 4, 5, 6, 8, 1, 3], 3, 6);
    internal static readonly IntTensor Targets = new([0, 8, -100, 3, 3, 5, -100, 1, 7, 2, 6, 4], 12);
    internal static readonly IntTensor Targets3d = new([2, -100, 0, 8, 8, 1, 5, -100, -100, 4], 2, 5);
    internal static readonly IntTensor HeadTargets = new([19, 0, -100, 7, 7, 12, 3, -100, 15, 1, 2, 9], 2, 6);
    internal static readonly IntTensor Keep = new([1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1], 2, 7);
    internal static readonly IntTensor Pick = new([5, 0, 2, 2], 4);
    static readonly IntTensor GatherIndex = new([4, 0, 0, 3, 1, 1, 2, 4, 0, 3, 3, 2], 3, 4);
    internal static readonly Tensor SdpaMask = AttentionMask.FromBool(
        Enumerable.Range(0, 2 * 5 * 7).Select(i => i % 7 == 0 || (i * 37 % 11) > 3).ToArray(), 2, 1, 5, 7);

    static TT Heads(TT x, int h) => x.reshape(x.shape[0], x.shape[1], h, x.shape[2] / h).transpose(1, 2);
    static TT Merge(TT x) => x.transpose(1, 2).reshape(x.shape[0], x.shape[2], x.shape[1] * x.shape[3]);

    static readonly Dictionary<string, Case> Cases = new()
    {
        // ---- matrix products ----
        ["matmul_2d"] = new([I(5, 16), I(16, 6)], x => One(x[0].MatMul(x[1])), t => One(t[0].matmul(t[1])), Sums),
        ["matmul_nd_2d"] = new([I(2, 3, 32), I(32, 5)], x => One(x[0].MatMul(x[1])), t => One(t[0].matmul(t[1])), Sums),
        ["matmul_batched"] = new([I(3, 4, 24), I(3, 24, 5)], x => One(x[0].MatMul(x[1])), t => One(t[0].matmul(t[1])), Sums),
        ["linear"] = new([I(2, 5, 16), I(12, 16), I(12)], x => One(F.Linear(x[0], x[1], x[2])), t => One(linear(t[0], t[1], t[2])), Sums),
        ["linear_nobias"] = new([I(7, 32), I(9, 32)], x => One(F.Linear(x[0], x[1])), t => One(linear(t[0], t[1])), Sums),
        // ---- elementwise arithmetic with broadcasting (backward sums the gradient over broadcast dimensions) ----
        ["add_bcast"] = new([I(2, 3, 4), I(3, 1)], x => One(x[0] + x[1]), t => One(t[0] + t[1]), Sums),
        ["sub_bcast"] = new([I(2, 1, 4), I(3, 4)], x => One(x[0] - x[1]), t => One(t[0] - t[1]), Sums),
        ["mul_bcast"] = new([I(2, 3, 4), I(4)], x => One(x[0] * x[1]), t => One(t[0] * t[1]), Sums),
        ["div_bcast"] = new([I(3, 4), new([1, 4], Draw.AwayFromZero)], x => One(x[0] / x[1]), t => One(t[0] / t[1]), Sums),
        ["scale"] = new([I(3, 5)], x => One(x[0] * 1.5f), t => One(t[0] * 1.5f), Exact),
        ["add_scalar"] = new([I(3, 5)], x => One(x[0] + 2f), t => One(t[0] + 2f), Exact),
        ["neg"] = new([I(3, 5)], x => One(-x[0]), t => One(-t[0]), Exact),
        ["exp"] = new([I(4, 6)], x => One(x[0].Exp()), t => One(t[0].exp()), Transcendental),
        ["log"] = new([new([4, 6], Draw.Positive)], x => One(x[0].Log()), t => One(t[0].log()), Transcendental),
        // ---- activations ----
        ["gelu_erf"] = new([new([4, 8], Draw.Normal, 3f)], x => One(F.Gelu(x[0])), t => One(gelu(t[0])), Transcendental),
        ["gelu_tanh"] = new([new([4, 8], Draw.Normal, 3f)], x => One(F.Gelu(x[0], GeluApproximation.Tanh)),
            t => One(gelu(t[0], TorchSharp.Modules.GELU.Approximate.tanh)), Transcendental),
        ["relu"] = new([new([4, 8], Draw.AwayFromZero)], x => One(F.Relu(x[0])), t => One(relu(t[0])), Exact),
        ["tanh"] = new([new([4, 8], Draw.Normal, 2f)], x => One(F.Tanh(x[0])), t => One(t[0].tanh()), Transcendental),
        // ---- softmax ----
        ["softmax_last"] = new([new([3, 4, 10], Draw.Normal, 3f)], x => One(F.Softmax(x[0], -1)), t => One(softmax(t[0], -1)), Transcendental),
        ["softmax_mid"] = new([new([3, 6, 4], Draw.Normal, 3f)], x => One(F.Softmax(x[0], 1)), t => One(softmax(t[0], 1)), Transcendental),
        ["log_softmax_last"] = new([new([3, 4, 10], Draw.Normal, 3f)], x => One(F.LogSoftmax(x[0], -1)), t => One(log_softmax(t[0], -1)), Transcendental),
        ["log_softmax_first"] = new([new([5, 3, 4], Draw.Normal, 3f)], x => One(F.LogSoftmax(x[0], 0)), t => One(log_softmax(t[0], 0)), Transcendental),
        // ---- layer norm ----
        ["layer_norm"] = new([new([3, 5, 32], Draw.Normal, 2f), I(32), I(32)], x => One(F.LayerNorm(x[0], x[1], x[2])),
            t => One(layer_norm(t[0], [32], t[1], t[2], 1e-5)), Sums),
        // ---- embedding (ids repeat, so backward adds several rows into one); TorchSharp has no functional
        //      embedding, and F.embedding(ids, W) is W.index_select(0, ids.flatten()) reshaped ----
        ["embedding"] = new([I(11, 8)], x => One(F.Embedding(EmbeddingIds, x[0])),
            t => One(t[0].index_select(0, EmbeddingIds.ToTorch().reshape(-1)).reshape(3, 6, 8)), Sums),
        // ---- cross-entropy, with ignored rows (-100), label smoothing and sum ----
        ["cross_entropy"] = new([new([12, 9], Draw.Normal, 2f)], x => One(F.CrossEntropy(x[0], Targets)),
            t => One(cross_entropy(t[0], Targets.ToTorch())), Transcendental),
        ["cross_entropy_3d"] = new([new([2, 5, 9], Draw.Normal, 2f)], x => One(F.CrossEntropy(x[0], Targets3d)),
            t => One(cross_entropy(t[0].reshape(10, 9), Targets3d.ToTorch().reshape(10))), Transcendental),
        ["cross_entropy_smooth"] = new([new([12, 9], Draw.Normal, 2f)], x => One(F.CrossEntropy(x[0], Targets, labelSmoothing: 0.1f)),
            t => One(cross_entropy(t[0], Targets.ToTorch(), label_smoothing: 0.1)), Transcendental),
        ["cross_entropy_sum"] = new([new([12, 9], Draw.Normal, 2f)], x => One(F.CrossEntropy(x[0], Targets, labelSmoothing: 0.2f, reduction: Reduction.Sum)),
            t => One(cross_entropy(t[0], Targets.ToTorch(), reduction: torch.nn.Reduction.Sum, label_smoothing: 0.2)), Transcendental),
        ["linear_cross_entropy"] = new([I(2, 6, 16), new([20, 16], Draw.Normal, 0.5f), I(20)],
            x => One(F.LinearCrossEntropy(x[0], x[1], x[2], HeadTargets)),
            t => One(cross_entropy(linear(t[0], t[1], t[2]).reshape(12, 20), HeadTargets.ToTorch().reshape(12))), Sums),
        // ---- attention: additive mask, causal, heads as channel groups with padding, fused QKV ----
        ["sdpa_mask"] = new([I(2, 3, 5, 8), I(2, 3, 7, 8), I(2, 3, 7, 6)], x => One(F.ScaledDotProductAttention(x[0], x[1], x[2], SdpaMask)),
            t => One(scaled_dot_product_attention(t[0], t[1], t[2], SdpaMask.ToTorch())), Sums),
        ["sdpa_causal"] = new([I(2, 3, 6, 8), I(2, 3, 6, 8), I(2, 3, 6, 8)], x => One(F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true)),
            t => One(scaled_dot_product_attention(t[0], t[1], t[2], null, 0.0, true)), Sums),
        ["mha_cross_padding"] = new([I(2, 5, 12), I(2, 7, 12), I(2, 7, 12)],
            x => One(F.MultiHeadAttention(x[0], x[1], x[2], 3, AttentionMask.FromPadding(Keep))),
            t => One(Merge(scaled_dot_product_attention(Heads(t[0], 3), Heads(t[1], 3), Heads(t[2], 3), AttentionMask.FromPadding(Keep).ToTorch()))), Sums),
        ["self_attention_causal"] = new([I(2, 6, 36)], x => One(F.SelfAttention(x[0], 3, isCausal: true)),
            t => One(Merge(scaled_dot_product_attention(Heads(t[0][.., .., ..12], 3), Heads(t[0][.., .., 12..24], 3), Heads(t[0][.., .., 24..], 3), null, 0.0, true))), Sums),
        // ---- dropout in eval: the identity in both ----
        ["dropout_eval"] = new([I(4, 6)], x => One(F.Dropout(x[0], 0.3f, training: false)), t => One(dropout(t[0], 0.3, training: false)), Exact),
        // ---- reductions ----
        ["sum_all"] = new([I(3, 4, 5)], x => One(x[0].Sum()), t => One(t[0].sum()), Sums),
        ["mean_all"] = new([I(3, 4, 5)], x => One(x[0].Mean()), t => One(t[0].mean()), Sums),
        ["sum_dim"] = new([I(3, 4, 5)], x => One(x[0].Sum(1)), t => One(t[0].sum(1)), Sums),
        ["mean_dim_keep"] = new([I(3, 4, 5)], x => One(x[0].Mean(-1, keepDim: true)), t => One(t[0].mean([-1L], keepdim: true)), Sums),
        // ---- shape ops ----
        ["reshape"] = new([I(2, 3, 4)], x => One(x[0].Reshape(4, 6)), t => One(t[0].reshape(4, 6)), Exact),
        ["transpose"] = new([I(2, 3, 4)], x => One(x[0].Transpose(1, 2)), t => One(t[0].transpose(1, 2)), Exact),
        ["permute"] = new([I(2, 3, 4)], x => One(x[0].Permute(2, 0, 1)), t => One(t[0].permute(2, 0, 1)), Exact),
        // ---- concat and split ----
        ["concat"] = new([I(2, 3, 4), I(2, 5, 4)], x => One(F.Concat([x[0], x[1]], 1)), t => One(torch.cat([t[0], t[1]], 1)), Exact),
        ["split_sizes"] = new([I(3, 9, 2)], x => F.Split(x[0], [2, 3, 4], 1), t => t[0].split([2L, 3L, 4L], 1), Exact),
        ["split_chunks"] = new([I(5, 3)], x => x[0].Split(2, 0), t => t[0].split(2, 0), Exact),
        // ---- indexing (a repeated index adds two gradients into one row) ----
        ["index_select"] = new([I(6, 4)], x => One(x[0].IndexSelect(0, Pick)), t => One(t[0].index_select(0, Pick.ToTorch())), Exact),
        ["index_select_mid"] = new([I(3, 6, 2)], x => One(x[0].IndexSelect(1, Pick)), t => One(t[0].index_select(1, Pick.ToTorch())), Exact),
        ["gather"] = new([I(3, 5)], x => One(x[0].Gather(1, GatherIndex)), t => One(t[0].gather(1, GatherIndex.ToTorch())), Exact),
        // ---- casts to 16-bit formats (x.to(dtype) and back): round to nearest even, subnormals included, both ways ----
        ["cast_bf16"] = new([new([8, 16], Draw.Normal, 100f)], x => One(F.Cast(x[0], OpClass.Residual)),
            t => One(t[0].to_type(torch.ScalarType.BFloat16).to_type(torch.ScalarType.Float32)), Exact, PrecisionPolicy.Fp32.With(OpClass.Residual, FloatFormat.Bf16)),
        ["cast_fp16_subnormal"] = new([new([8, 16], Draw.Normal, 3e-5f)], x => One(F.Cast(x[0], OpClass.Residual)),
            t => One(t[0].to_type(torch.ScalarType.Float16).to_type(torch.ScalarType.Float32)), Exact, PrecisionPolicy.Fp32.With(OpClass.Residual, FloatFormat.Fp16)),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndEveryInputGradientMatchLibTorch(string name)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var c = Cases[name];
        var g = new Generator(Seed(name));
        var inputs = c.Inputs.Select(i => DrawInput(i, g)).ToArray();

        var ours = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var theirs = inputs.Select(t => t.ToTorch(requiresGrad: true)).ToArray();
        using (c.Policy != null ? Autocast.Enter(c.Policy) : null)
        {
            var outOurs = c.Ours(ours);
            var outTheirs = c.Torch(theirs);
            Assert.Equal(outTheirs.Length, outOurs.Length);
            Tensor? loss = null;
            TT? torchLoss = null;
            for (int o = 0; o < outOurs.Length; o++)
            {
                Compare(outTheirs[o].ToCurriculum(), outOurs[o], $"{name} output {o}", c.Tol);
                var w = Tensor.Randn([.. outOurs[o].Shape], g);
                var term = (outOurs[o] * w).Sum();
                loss = loss == null ? term : loss + term;
                var torchTerm = (outTheirs[o] * w.ToTorch()).sum();
                torchLoss = torchLoss is null ? torchTerm : torchLoss + torchTerm;
            }
            loss!.Backward();
            torchLoss!.backward();
        }
        for (int k = 0; k < inputs.Length; k++)
            Compare(theirs[k].grad!.ToCurriculum(), ours[k].Grad!, $"{name} gradient of input {k}", c.Tol);
    }

    /// <summary>FNV-1a of the case name: a seed of its own per case, the same in every run (string.GetHashCode is not).</summary>
    internal static ulong Seed(string name)
    {
        ulong h = 14695981039346656037UL;
        foreach (char ch in name) h = (h ^ ch) * 1099511628211UL;
        return h;
    }

    internal static Tensor DrawInput(In input, Generator g)
    {
        var t = Tensor.Randn(input.Shape, g);
        for (int i = 0; i < t.Numel; i++)
        {
            float v = t.Data[i] * input.Scale;
            t.Data[i] = input.Draw switch
            {
                Draw.Positive => MathF.Abs(v) + 0.1f,
                Draw.AwayFromZero => v >= 0 ? v + 0.1f : v - 0.1f,   // kinks (ReLU) and divisions kept 0.1 from zero
                _ => v,
            };
        }
        return t;
    }

    void Compare(Tensor expected, Tensor actual, string what, Tol tol) => Compare(output, expected, actual, what, tol);

    /// <summary>Asserts |actual - expected| ≤ Atol + Rtol·|expected| element by element; writes the worst differences.</summary>
    internal static void Compare(ITestOutputHelper output, Tensor expected, Tensor actual, string what, Tol tol)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {Shapes.Text(actual.Shape)} != libtorch's {Shapes.Text(expected.Shape)}");
        double worst = 0, worstRel = 0;
        for (int i = 0; i < expected.Numel; i++)
        {
            double e = expected.Data[i], a = actual.Data[i], diff = Math.Abs(a - e);
            worst = Math.Max(worst, diff);
            worstRel = Math.Max(worstRel, diff / Math.Max(Math.Abs(e), 1e-30));
            Assert.True(diff <= tol.Atol + tol.Rtol * Math.Abs(e),
                $"{what}[{i}]: ours {a:R} vs libtorch {e:R}, |diff| {diff:G3} > {tol.Atol} + {tol.Rtol}·|libtorch| ({tol.Why})");
        }
        output.WriteLine($"{what}: max |diff| {worst:G3}, max relative {worstRel:G3}");
    }
}
