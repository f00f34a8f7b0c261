using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>Shape mismatches name the op and both shapes; bad indices name the index.</summary>
public class ShapeErrorTests
{
    static void Throws(Action a, params string[] parts)
    {
        var e = Assert.ThrowsAny<ArgumentException>(a);
        foreach (var p in parts) Assert.Contains(p, e.Message);
    }

    [Fact] public void Add() => Throws(() => _ = Tensor.Zeros(2, 3) + Tensor.Zeros(4, 3), "Add", "(2,3)", "(4,3)");
    [Fact] public void MatMul() => Throws(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)), "MatMul", "(2,3)", "(4,5)");
    [Fact] public void Linear() => Throws(() => F.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(5, 4)), "Linear", "(2,3)", "(5,4)");
    [Fact] public void LayerNorm() => Throws(() => F.LayerNorm(Tensor.Zeros(2, 3), Tensor.Ones(4), null), "LayerNorm", "(4)", "(2,3)");
    [Fact] public void Reshape() => Throws(() => Tensor.Zeros(2, 3).Reshape(4, 2), "Reshape", "(2,3)", "(4,2)");
    [Fact] public void Concat() => Throws(() => F.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)], 0), "Concat", "(2,3)", "(2,4)");
    [Fact] public void CrossEntropy() => Throws(() => F.CrossEntropy(Tensor.Zeros(3, 5), IntTensor.FromArray([0, 1], 2)), "CrossEntropy", "(3,5)", "(2)");
    [Fact] public void Attention() => Throws(() => F.ScaledDotProductAttention(Tensor.Zeros(1, 2, 3, 4), Tensor.Zeros(1, 2, 5, 3), Tensor.Zeros(1, 2, 5, 4)),
        "ScaledDotProductAttention", "(1,2,3,4)", "(1,2,5,3)");
    [Fact] public void AttentionMaskShape() => Throws(() => F.SelfAttention(Tensor.Zeros(1, 3, 6), 2, Tensor.Zeros(4, 4)), "SelfAttention", "(4,4)", "(1,2,3,3)");

    [Fact]
    public void EmbeddingIndexOutOfRange()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => F.Embedding(IntTensor.FromArray([1, 7], 2), Tensor.Zeros(5, 2)));
        Assert.Contains("7", e.Message);
        Assert.Contains("(5,2)", e.Message);
    }
}
