using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Reshaping (a view sharing data) and dimension reordering (a copy, as tensors stay contiguous).</summary>
public static partial class F
{
    /// <summary>Same data, new shape; one size may be -1 (<c>reshape</c> / <c>view</c>).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var s = Shapes.Infer(shape, x.Numel, "Reshape", x.ShapeArray);
        if (x.OnDevice)
        {
            // A view of the device buffer; dY is viewed back in x's shape (a new handle on g's memory, not g itself).
            var view = new Tensor(x.Buffer!.Reshape(s));
            return Autograd.RecordOnDevice(view, "Reshape", [x], g => Autograd.AccumulateOnDevice(x, g.Reshape(x.ShapeArray)));
        }
        var y = new Tensor(x.Data, s);
        return Autograd.Record(y, "Reshape", [x], g => Autograd.AccumulateOwned(x, g));
    }

    /// <summary>Reorders dimensions: result dimension i is input dimension dims[i] (<c>permute</c>).</summary>
    public static Tensor Permute(Tensor x, params int[] dims)
    {
        int r = x.Rank;
        if (dims.Length != r) throw new ArgumentException($"Permute: {dims.Length} dimensions given for shape {Shapes.Text(x.ShapeArray)}.");
        var perm = new int[r];
        var seen = new bool[r];
        for (int i = 0; i < r; i++)
        {
            perm[i] = Shapes.NormDim(dims[i], r, "Permute");
            if (seen[perm[i]]) throw new ArgumentException($"Permute: dimension {dims[i]} repeated in ({string.Join(",", dims)}).");
            seen[perm[i]] = true;
        }
        var inShape = x.ShapeArray;
        var outShape = new int[r];
        for (int i = 0; i < r; i++) outShape[i] = inShape[perm[i]];
        var inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[perm[i]] = i;
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf("Permute", x);
            return Autograd.RecordOnDevice(new Tensor(k.Permute(x.Buffer!, perm)), "Permute", [x],
                g => Autograd.AccumulateOnDevice(x, k.Permute(g, inverse)));
        }
        var y = Tensor.Empty(outShape);
        PermuteCopy(x.Data, inShape, perm, y.Data, accumulate: false);
        return Autograd.Record(y, "Permute", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) PermuteCopy(g, outShape, inverse, gx, accumulate: true);
        });
    }

    /// <summary>Swaps two dimensions (<c>transpose(d0, d1)</c>); a copy.</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        int r = x.Rank;
        var perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        int a = Shapes.NormDim(dim0, r, "Transpose"), b = Shapes.NormDim(dim1, r, "Transpose");
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(x, perm);
    }

    // dst (shape = src shape permuted by perm) = or += src.
    static void PermuteCopy(float[] src, int[] srcShape, int[] perm, float[] dst, bool accumulate)
    {
        int r = srcShape.Length;
        var srcStrides = new int[r];
        for (int i = r - 1, s = 1; i >= 0; i--) { srcStrides[i] = s; s *= srcShape[i]; }
        var outShape = new int[r];
        var strides = new int[r];
        for (int i = 0; i < r; i++) { outShape[i] = srcShape[perm[i]]; strides[i] = srcStrides[perm[i]]; }
        if (r == 0) { if (accumulate) dst[0] += src[0]; else dst[0] = src[0]; return; }
        int inner = outShape[^1], si = strides[^1];
        Broadcasting.ForEachRow(outShape, strides, strides, (o, a, _) =>
        {
            if (accumulate) for (int j = 0; j < inner; j++) dst[o + j] += src[a + j * si];
            else for (int j = 0; j < inner; j++) dst[o + j] = src[a + j * si];
        });
    }
}
