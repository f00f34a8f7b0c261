namespace Curriculum.Tensors;

/// <summary>Picking elements by index: <c>index_select</c> (e.g. the masked positions of a batch) and <c>gather</c>.</summary>
public static partial class F
{
    /// <summary>
    /// x with dimension <paramref name="dim"/> replaced by the entries <paramref name="index"/> (1-D) picks:
    /// x (N,C).IndexSelect(0, idx (K)) -> (K,C). Backward adds each picked slice's gradient back, in index order.
    /// </summary>
    public static Tensor IndexSelect(Tensor x, int dim, IntTensor index)
    {
        var s = x.ShapeArray;
        int d = Shapes.NormDim(dim, s.Length, "IndexSelect");
        if (index.Rank != 1) throw new ArgumentException($"IndexSelect: index must be 1-D, got {Shapes.Text(index.ShapeArray)}.");
        int outer = Shapes.Prod(s, 0, d), n = s[d], inner = Shapes.Prod(s, d + 1, s.Length), k = index.Numel;
        var ids = index.Data;
        for (int i = 0; i < k; i++)
            if ((uint)ids[i] >= (uint)n) throw new IndexOutOfRangeException($"IndexSelect: index {ids[i]} at position {i} is outside [0,{n}) for dimension {d} of {Shapes.Text(s)}.");
        if (x.OnDevice)
        {
            var kernels = DeviceOps.KernelsOf("IndexSelect", x);
            return Autograd.RecordOnDevice(new Tensor(kernels.IndexSelect(x.Buffer!, d, ids)), "IndexSelect", [x],
                g => Autograd.AccumulateOnDevice(x, kernels.IndexSelectBackward(g, s, d, ids)));
        }
        var shape = (int[])s.Clone();
        shape[d] = k;
        var y = Tensor.Empty(shape);
        var xd = x.Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < k; i++)
                xd.AsSpan((o * n + ids[i]) * inner, inner).CopyTo(y.Data.AsSpan((o * k + i) * inner, inner));
        return Autograd.Record(y, "IndexSelect", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx == null) return;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < k; i++)
                    Kernels.Elementwise.AddInPlace(gx.AsSpan((o * n + ids[i]) * inner, inner), g.AsSpan((o * k + i) * inner, inner));
        });
    }

    /// <summary>
    /// <c>torch.gather</c>: out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (likewise for any dim). index has x's rank;
    /// its sizes may be smaller than x's in every dimension; the result has index's shape.
    /// </summary>
    public static Tensor Gather(Tensor x, int dim, IntTensor index)
    {
        int[] s = x.ShapeArray, si = index.ShapeArray;
        int d = Shapes.NormDim(dim, s.Length, "Gather");
        if (si.Length != s.Length) throw new ArgumentException($"Gather: index {Shapes.Text(si)} must have the rank of input {Shapes.Text(s)}.");
        for (int i = 0; i < s.Length; i++)
            if (i != d && si[i] > s[i]) throw new ArgumentException($"Gather: index {Shapes.Text(si)} is larger than input {Shapes.Text(s)} in dimension {i}.");
        var srcOffset = new int[index.Numel];
        var coord = new int[s.Length];
        var strides = new int[s.Length];
        for (int i = s.Length - 1, st = 1; i >= 0; i--) { strides[i] = st; st *= s[i]; }
        for (int f = 0; f < index.Numel; f++)
        {
            int v = index.Data[f];
            if ((uint)v >= (uint)s[d]) throw new IndexOutOfRangeException($"Gather: index {v} at flat position {f} is outside [0,{s[d]}) for dimension {d} of {Shapes.Text(s)}.");
            int off = 0;
            for (int i = 0; i < s.Length; i++) off += (i == d ? v : coord[i]) * strides[i];
            srcOffset[f] = off;
            for (int i = s.Length - 1; i >= 0; i--) { if (++coord[i] < si[i]) break; coord[i] = 0; }
        }
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf("Gather", x);
            var ids = index.Data;
            return Autograd.RecordOnDevice(new Tensor(k.Gather(x.Buffer!, d, ids, si)), "Gather", [x],
                g => Autograd.AccumulateOnDevice(x, k.GatherBackward(g, s, d, ids, si)));
        }
        var y = Tensor.Empty(si);
        for (int f = 0; f < srcOffset.Length; f++) y.Data[f] = x.Data[srcOffset[f]];
        return Autograd.Record(y, "Gather", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) for (int f = 0; f < srcOffset.Length; f++) gx[srcOffset[f]] += g[f];
        });
    }
}
