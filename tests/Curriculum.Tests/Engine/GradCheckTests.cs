using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>
/// Finite-difference checks: for L(x) = Σ w ∘ f(x) with fixed random w, the central difference
/// (L(x+h) - L(x-h)) / 2h (float64 sums of float32 outputs, h = 1e-2) against the gradient from Backward().
/// </summary>
public class GradCheckTests
{
    static Tensor R(params int[] shape) => Tensor.Randn(shape, new Generator((ulong)shape.Sum() * 7919 + (ulong)shape.Length));

    static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var leaves = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var y = f(leaves);
        var w = Tensor.Randn([.. y.Shape], new Generator(99));
        (y * w).Sum().Backward();
        const float h = 1e-2f;
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k].Clone();
            for (int i = 0; i < x.Numel; i++)
            {
                float orig = x.Data[i];
                x.Data[i] = orig + h;
                double up = Loss(f, inputs, k, x, w);
                x.Data[i] = orig - h;
                double down = Loss(f, inputs, k, x, w);
                x.Data[i] = orig;
                double numeric = (up - down) / (2 * h), analytic = leaves[k].Grad!.Data[i];
                Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                    $"input {k}[{i}]: analytic {analytic} vs finite difference {numeric}");
            }
        }
    }

    static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, int k, Tensor replaced, Tensor w)
    {
        using var _ = Autograd.NoGrad();
        var args = inputs.Select((t, j) => j == k ? replaced : t).ToArray();
        var y = f(args);
        double s = 0;
        for (int i = 0; i < y.Numel; i++) s += (double)y.Data[i] * w.Data[i];
        return s;
    }

    static Tensor AwayFromZero(Tensor t)
    {
        // Inputs for kinked functions (ReLU) and divisions kept at least 0.1 from zero.
        for (int i = 0; i < t.Numel; i++) t.Data[i] = t.Data[i] >= 0 ? t.Data[i] + 0.1f : t.Data[i] - 0.1f;
        return t;
    }

    [Fact] public void Add() => Check(x => x[0] + x[1], R(2, 3, 4), R(3, 1));
    [Fact] public void Sub() => Check(x => x[0] - x[1], R(2, 1, 4), R(3, 4));
    [Fact] public void Mul() => Check(x => x[0] * x[1], R(2, 3, 4), R(4));
    [Fact] public void Div() => Check(x => x[0] / x[1], R(3, 4), AwayFromZero(R(1, 4)));
    [Fact] public void ScaleAndScalarAdd() => Check(x => x[0] * 1.5f + 2f, R(3, 4));
    [Fact] public void MatMul2D() => Check(x => x[0].MatMul(x[1]), R(3, 4), R(4, 5));
    [Fact] public void MatMulBatched() => Check(x => x[0].MatMul(x[1]), R(2, 3, 4), R(2, 4, 2));
    [Fact] public void Transpose() => Check(x => x[0].Transpose(0, 2), R(2, 3, 4));
    [Fact] public void Reshape() => Check(x => x[0].Reshape(4, -1) * x[0].Reshape(4, 6), R(2, 3, 4));
    [Fact] public void Linear() => Check(x => F.Linear(x[0], x[1], x[2]), R(2, 3, 4), R(5, 4), R(5));
    [Fact] public void Embedding() => Check(x => F.Embedding(IntTensor.FromArray([1, 0, 1, 3], 2, 2), x[0]), R(4, 3));
    [Fact] public void LayerNorm() => Check(x => F.LayerNorm(x[0], x[1], x[2]), R(3, 7), R(7), R(7));
    [Fact] public void GeluErf() => Check(x => F.Gelu(x[0]), R(3, 5));
    [Fact] public void GeluTanh() => Check(x => F.Gelu(x[0], GeluApproximation.Tanh), R(3, 5));
    [Fact] public void Relu() => Check(x => F.Relu(x[0]), AwayFromZero(R(3, 5)));
    [Fact] public void Tanh() => Check(x => F.Tanh(x[0]), R(3, 5));
    [Fact] public void ExpLog() => Check(x => F.Log(F.Exp(x[0]) + 1f), R(3, 5));
    [Fact] public void Softmax() => Check(x => F.Softmax(x[0], 1), R(2, 4, 3));
    [Fact] public void LogSoftmax() => Check(x => F.LogSoftmax(x[0], -1), R(3, 6));
    [Fact] public void Dropout() => Check(x => F.Dropout(x[0], 0.4f, true, new Generator(5)), R(4, 6));
    [Fact] public void CrossEntropy() => Check(x => F.CrossEntropy(x[0], IntTensor.FromArray([2, -100, 0, 4], 4), labelSmoothing: 0.1f), R(4, 5));
    [Fact] public void LinearCrossEntropy() => Check(x => F.LinearCrossEntropy(x[0], x[1], x[2], IntTensor.FromArray([2, -100, 0, 4], 4), labelSmoothing: 0.1f), R(4, 3), R(5, 3), R(5));
    [Fact] public void IndexSelect() => Check(x => x[0].IndexSelect(0, IntTensor.FromArray([2, 0, 2], 3)), R(4, 3));
    [Fact] public void Gather() => Check(x => x[0].Gather(1, IntTensor.FromArray([0, 2, 2, 1, 1, 0], 2, 3)), R(2, 4));
    [Fact] public void Concat() => Check(x => F.Concat([x[0], x[1]], 0), R(2, 3), R(1, 3));
    [Fact] public void Split() => Check(x => { var p = F.Split(x[0], 2, 1); return p[0] * p[1]; }, R(3, 4));
    [Fact] public void SumMean() => Check(x => x[0].Sum(1, keepDim: true) * x[0].Mean(0) + x[0].Mean(), R(3, 4));

    [Fact]
    public void AttentionWithMaskAndCausal()
    {
        var mask = AttentionMask.FromBool([true, true, false, true, true, false, true, true, true, true, true, false], 1, 1, 3, 4);
        Check(x => F.ScaledDotProductAttention(x[0], x[1], x[2], mask), R(2, 2, 3, 2), R(2, 2, 4, 2), R(2, 2, 4, 3));
        Check(x => F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true), R(1, 2, 4, 2), R(1, 2, 4, 2), R(1, 2, 4, 2));
    }

    [Fact] public void SelfAttentionFusedQkv() => Check(x => F.SelfAttention(x[0], 2, isCausal: true), R(2, 3, 12));
    [Fact] public void CrossAttentionHeads() => Check(x => F.MultiHeadAttention(x[0], x[1], x[2], 2), R(1, 3, 4), R(1, 5, 4), R(1, 5, 6));
    [Fact] public void AttentionDropout() => Check(x => F.SelfAttention(x[0], 2, dropoutP: 0.3f, generator: new Generator(3)), R(1, 4, 6));

    // A mask that needs a gradient (a learned position bias, broadcast over the batch here) gets dS from the fused kernel.
    [Fact] public void SelfAttentionWithALearnedMask() => Check(x => F.SelfAttention(x[0], 2, x[1]), R(2, 3, 12), R(1, 2, 3, 3));
    [Fact] public void CausalCrossHeadsWithALearnedMask() =>
        Check(x => F.MultiHeadAttention(x[0], x[1], x[2], 2, x[3], isCausal: true), R(1, 3, 4), R(1, 3, 4), R(1, 3, 6), R(1, 2, 3, 3));
}
