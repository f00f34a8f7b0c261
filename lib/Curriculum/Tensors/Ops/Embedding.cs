using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Table lookup (<c>F.embedding</c>): row idx[i] of the weight for each index.</summary>
public static partial class F
{
    /// <summary>indices (...) with values in [0,V), weight (V,C) -> (...,C).</summary>
    public static Tensor Embedding(IntTensor indices, Tensor weight)
    {
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: weight must be (V,C), got {Shapes.Text(weight.ShapeArray)}.");
        int v = weight.ShapeArray[0], c = weight.ShapeArray[1];
        var ids = indices.Data;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)v)
                throw new IndexOutOfRangeException($"Embedding: index {ids[i]} at flat position {i} is outside [0,{v}) for weight {Shapes.Text(weight.ShapeArray)}.");
        if (weight.OnDevice) return EmbeddingOnDevice(indices, weight);
        var shape = new int[indices.Rank + 1];
        indices.ShapeArray.CopyTo(shape, 0);
        shape[^1] = c;
        var y = Tensor.Empty(shape);
        var wd = weight.Data;
        for (int i = 0; i < ids.Length; i++) wd.AsSpan(ids[i] * c, c).CopyTo(y.Data.AsSpan(i * c, c));
        return Autograd.Record(y, "Embedding", [weight], g =>
        {
            // dW[idx[i]] += dY[i], in index order (deterministic when an id repeats).
            var gw = Autograd.GradBuffer(weight);
            if (gw == null) return;
            for (int i = 0; i < ids.Length; i++) Elementwise.AddInPlace(gw.AsSpan(ids[i] * c, c), g.AsSpan(i * c, c));
        });
    }

    // The ids stay host data; the kernels copy them to the device in the forward and again in the backward.
    static Tensor EmbeddingOnDevice(IntTensor indices, Tensor weight)
    {
        var k = DeviceOps.KernelsOf("Embedding", weight);
        var ids = indices.Data;
        var y = new Tensor(k.Embedding(ids, indices.ShapeArray, weight.Buffer!));
        return Autograd.RecordOnDevice(y, "Embedding", [weight], g =>
            Autograd.AccumulateOnDevice(weight, k.EmbeddingBackward(g, ids, weight.ShapeArray[0])));
    }
}
