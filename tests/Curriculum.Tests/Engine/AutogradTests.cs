using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>Autograd semantics, each checked against a hand-worked derivative.</summary>
public class AutogradTests
{
    [Fact]
    public void GradientOfHandWorkedExpression()
    {
        // L = Σ (a·b + a) with a = [1,2], b = [3,4]: dL/da = b + 1 = [4,5], dL/db = a = [1,2]
        var a = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var b = Tensor.FromArray([3f, 4f]).RequiresGrad_();
        ((a * b) + a).Sum().Backward();
        Assert.Equal([4f, 5f], a.Grad!.Data);
        Assert.Equal([1f, 2f], b.Grad!.Data);
    }

    [Fact]
    public void GradientsAccumulateAcrossMicroBatchesUntilZeroGrad()
    {
        var w = Tensor.FromArray([2f]).RequiresGrad_();
        (w * 3f).Sum().Backward();
        (w * 5f).Sum().Backward();
        Assert.Equal(8f, w.Grad!.Item());
        w.ZeroGrad();
        Assert.Null(w.Grad);
    }

    [Fact]
    public void ReusedTensorSumsBothPaths()
    {
        // y = x·x: dy/dx = 2x
        var x = Tensor.FromArray([3f]).RequiresGrad_();
        (x * x).Sum().Backward();
        Assert.Equal(6f, x.Grad!.Item());
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        Tensor y;
        using (Autograd.NoGrad()) y = x * 2f;
        Assert.False(y.RequiresGrad);
        Assert.True(Autograd.IsGradEnabled);
        Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
    }

    [Fact]
    public void FrozenLeafGetsNoGradient()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        var frozen = Tensor.Ones(2).RequiresGrad_(false);
        (x * frozen).Sum().Backward();
        Assert.NotNull(x.Grad);
        Assert.Null(frozen.Grad);
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphThrows()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        var loss = (x * x).Sum();
        loss.Backward();
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
    }

    [Fact]
    public void NonScalarNeedsGradient()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        var y = x * 3f;
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        y.Backward(Tensor.FromArray([1f, 2f]));
        Assert.Equal([3f, 6f], x.Grad!.Data);
    }

    [Fact]
    public void ReshapeIsAViewOfTheSameData()
    {
        var x = Tensor.Arange(6);
        var v = x.Reshape(2, 3);
        Assert.Same(x.Data, v.Data);
        Assert.Equal(5f, v[1, 2]);
    }

    [Fact]
    public void RequiresGradCannotBeSetOnNonLeaf()
    {
        var y = Tensor.Ones(2).RequiresGrad_() * 2f;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.False(y.Detach().RequiresGrad);
    }

    [Fact]
    public void DropoutKeepsExpectationAndIsIdentityInEval()
    {
        var x = Tensor.Ones(100_000);
        var y = F.Dropout(x, 0.25f, training: true, new Generator(1));
        int zeros = y.Data.Count(v => v == 0f);
        Assert.InRange(zeros / 100_000.0, 0.24, 0.26);             // binomial sd 0.0014
        Assert.All(y.Data, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6));
        Assert.Same(x, F.Dropout(x, 0.25f, training: false));
    }

    [Fact]
    public void NanCheckFindsNonFiniteLoss()
    {
        Assert.True(Tensor.FromArray([1f, 2f]).AllFinite());
        Assert.False(F.Log(Tensor.FromArray([-1f])).AllFinite());
        Assert.False(Tensor.FromArray([float.PositiveInfinity]).AllFinite());
    }

    [Fact]
    public void FullyMaskedAttentionRowGivesZeros()
    {
        var q = Tensor.Randn([1, 1, 2, 2], new Generator(1));
        var mask = AttentionMask.FromBool([false, false, true, true], 1, 1, 2, 2);
        var o = F.ScaledDotProductAttention(q, q, q, mask);
        Assert.Equal([0f, 0f], o.Data[..2]);
        Assert.True(o.AllFinite());
    }
}
