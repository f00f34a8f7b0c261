namespace Curriculum.Tensors;

/// <summary>Sums and means, over everything or one dimension, in a fixed order (<c>sum</c>, <c>mean</c>).</summary>
public static partial class F
{
    /// <summary>Σ of all elements -> scalar (shape ()), accumulated in float64.</summary>
    public static Tensor Sum(Tensor x) => SumAll(x, 1.0, "Sum");

    /// <summary>Mean of all elements -> scalar.</summary>
    public static Tensor Mean(Tensor x) => SumAll(x, 1.0 / x.Numel, "Mean");

    static Tensor SumAll(Tensor x, double factor, string op)
    {
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf(op, x);
            var shape = x.ShapeArray;
            float f = (float)factor;
            return Autograd.RecordOnDevice(new Tensor(k.SumAll(x.Buffer!, factor)), op, [x],
                g => Autograd.AccumulateOnDevice(x, k.BroadcastTo(g, shape, f)));   // every element gets g·factor
        }
        var y = new Tensor([(float)(Kernels.Elementwise.Sum(x.Data) * factor)]);
        return Autograd.Record(y, op, [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx == null) return;
            float v = (float)(g[0] * factor);
            for (int i = 0; i < gx.Length; i++) gx[i] += v;
        });
    }

    public static Tensor Sum(Tensor x, int dim, bool keepDim = false) => SumDim(x, dim, keepDim, mean: false);
    public static Tensor Mean(Tensor x, int dim, bool keepDim = false) => SumDim(x, dim, keepDim, mean: true);

    static Tensor SumDim(Tensor x, int dim, bool keepDim, bool mean)
    {
        string op = mean ? "Mean" : "Sum";
        var s = x.ShapeArray;
        int d = Shapes.NormDim(dim, s.Length, op);
        if (x.OnDevice) return SumDimOnDevice(x, d, keepDim, mean ? 1f / s[d] : 1f, op);
        int outer = Shapes.Prod(s, 0, d), n = s[d], inner = Shapes.Prod(s, d + 1, s.Length);
        var shape = new List<int>(s);
        if (keepDim) shape[d] = 1; else shape.RemoveAt(d);
        var y = Tensor.Zeros(shape.ToArray());
        float f = mean ? 1f / n : 1f;
        var xd = x.Data;
        for (int o = 0; o < outer; o++)
        {
            var yr = y.Data.AsSpan(o * inner, inner);
            for (int j = 0; j < n; j++) Kernels.Elementwise.AddInPlace(yr, xd.AsSpan((o * n + j) * inner, inner));
            if (mean) for (int i = 0; i < inner; i++) yr[i] *= f;
        }
        return Autograd.Record(y, op, [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx == null) return;
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < n; j++)
                    Kernels.Elementwise.AddScaledInPlace(gx.AsSpan((o * n + j) * inner, inner), g.AsSpan(o * inner, inner), f);
        });
    }

    // scale · Σ along d; the backward stretches dY (its d-th dimension 1) back over d.
    static Tensor SumDimOnDevice(Tensor x, int d, bool keepDim, float scale, string op)
    {
        var k = DeviceOps.KernelsOf(op, x);
        var s = x.ShapeArray;
        var kept = (int[])s.Clone();
        kept[d] = 1;
        return Autograd.RecordOnDevice(new Tensor(k.SumDim(x.Buffer!, d, keepDim, scale)), op, [x], g =>
        {
            using var rows = g.Reshape(kept);
            Autograd.AccumulateOnDevice(x, k.BroadcastTo(rows, s, scale));
        });
    }
}
