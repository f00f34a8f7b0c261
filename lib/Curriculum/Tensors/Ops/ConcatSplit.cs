namespace Curriculum.Tensors;

/// <summary>Joining and cutting along one dimension (<c>torch.cat</c>, <c>torch.split</c>, <c>torch.chunk</c>).</summary>
public static partial class F
{
    /// <summary>Joins tensors whose shapes agree except in <paramref name="dim"/>.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat: no tensors given.");
        var s0 = tensors[0].ShapeArray;
        int d = Shapes.NormDim(dim, s0.Length, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            var s = t.ShapeArray;
            bool ok = s.Length == s0.Length;
            for (int i = 0; ok && i < s.Length; i++) ok = i == d || s[i] == s0[i];
            if (!ok) throw new ArgumentException($"Concat: shapes {Shapes.Text(s0)} and {Shapes.Text(s)} differ outside dimension {d}.");
            total += s[d];
        }
        var shape = (int[])s0.Clone();
        shape[d] = total;
        foreach (var t in tensors) if (t.OnDevice) return ConcatOnDevice(tensors, d);
        int outer = Shapes.Prod(s0, 0, d), inner = Shapes.Prod(s0, d + 1, s0.Length);
        var y = Tensor.Empty(shape);
        var starts = new int[tensors.Count];
        for (int ti = 0, at = 0; ti < tensors.Count; ti++)
        {
            starts[ti] = at;
            int n = tensors[ti].ShapeArray[d] * inner;
            for (int o = 0; o < outer; o++)
                tensors[ti].Data.AsSpan(o * n, n).CopyTo(y.Data.AsSpan(o * total * inner + at * inner, n));
            at += tensors[ti].ShapeArray[d];
        }
        var inputs = new Tensor[tensors.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = tensors[i];
        return Autograd.Record(y, "Concat", inputs, g =>
        {
            for (int ti = 0; ti < inputs.Length; ti++)
            {
                var gx = Autograd.GradBuffer(inputs[ti]);
                if (gx == null) continue;
                int n = inputs[ti].ShapeArray[d] * inner;
                for (int o = 0; o < outer; o++)
                    Kernels.Elementwise.AddInPlace(gx.AsSpan(o * n, n), g.AsSpan(o * total * inner + starts[ti] * inner, n));
            }
        });
    }

    // Each part's gradient is its slice of dY along d.
    static Tensor ConcatOnDevice(IReadOnlyList<Tensor> tensors, int d)
    {
        var inputs = tensors.ToArray();
        var k = DeviceOps.KernelsOf("Concat", inputs[0]);
        var buffers = new IDeviceBuffer[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            DeviceOps.KernelsOf("Concat", inputs[0], inputs[i]);   // throws naming the devices when a part is elsewhere
            buffers[i] = inputs[i].Buffer!;
        }
        return Autograd.RecordOnDevice(new Tensor(k.Concat(buffers, d)), "Concat", inputs, g =>
        {
            for (int i = 0, at = 0; i < inputs.Length; at += inputs[i].ShapeArray[d], i++)
                if (inputs[i].RequiresGrad) Autograd.AccumulateOnDevice(inputs[i], k.Narrow(g, d, at, inputs[i].ShapeArray[d]));
        });
    }

    /// <summary>Cuts <paramref name="dim"/> into pieces of the given sizes, which must add up to its length.</summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int dim)
    {
        var s = x.ShapeArray;
        int d = Shapes.NormDim(dim, s.Length, "Split");
        int sum = 0;
        foreach (int z in sizes) { if (z < 0) throw new ArgumentException($"Split: negative size in ({string.Join(",", sizes)})."); sum += z; }
        if (sum != s[d]) throw new ArgumentException($"Split: sizes ({string.Join(",", sizes)}) do not add up to {s[d]}, dimension {d} of {Shapes.Text(s)}.");
        if (x.OnDevice) return SplitOnDevice(x, sizes, d);
        int outer = Shapes.Prod(s, 0, d), inner = Shapes.Prod(s, d + 1, s.Length), total = s[d];
        var result = new Tensor[sizes.Length];
        for (int pi = 0, at = 0; pi < sizes.Length; pi++)
        {
            var shape = (int[])s.Clone();
            shape[d] = sizes[pi];
            var y = Tensor.Empty(shape);
            int n = sizes[pi] * inner, start = at;
            for (int o = 0; o < outer; o++) x.Data.AsSpan(o * total * inner + start * inner, n).CopyTo(y.Data.AsSpan(o * n, n));
            result[pi] = Autograd.Record(y, "Split", [x], g =>
            {
                var gx = Autograd.GradBuffer(x);
                if (gx == null) return;
                for (int o = 0; o < outer; o++)
                    Kernels.Elementwise.AddInPlace(gx.AsSpan(o * total * inner + start * inner, n), g.AsSpan(o * n, n));
            });
            at += sizes[pi];
        }
        return result;
    }

    // Each piece is a copy of its slice; its gradient lands in that slice of dX (zeros elsewhere).
    static Tensor[] SplitOnDevice(Tensor x, int[] sizes, int d)
    {
        var k = DeviceOps.KernelsOf("Split", x);
        var s = x.ShapeArray;
        var result = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++)
        {
            int start = at;
            result[i] = Autograd.RecordOnDevice(new Tensor(k.Narrow(x.Buffer!, d, start, sizes[i])), "Split", [x],
                g => Autograd.AccumulateOnDevice(x, k.NarrowBackward(g, s, d, start)));
        }
        return result;
    }

    /// <summary>Pieces of <paramref name="splitSize"/> along <paramref name="dim"/>, the last possibly smaller (<c>torch.split(x, n)</c>).</summary>
    public static Tensor[] Split(Tensor x, int splitSize, int dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize, "Split: size must be positive.");
        int len = x.ShapeArray[Shapes.NormDim(dim, x.Rank, "Split")];
        var sizes = new int[Math.Max(1, (len + splitSize - 1) / splitSize)];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = Math.Min(splitSize, len - i * splitSize);
        return Split(x, sizes, dim);
    }
}
