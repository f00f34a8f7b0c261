namespace Curriculum.Tensors;

/// <summary>Shape arithmetic shared by the ops: sizes, broadcasting, and the text used in error messages.</summary>
public static class Shapes
{
    /// <summary>"(2,3,4)": how shapes appear in error messages.</summary>
    public static string Text(IReadOnlyList<int> shape) => "(" + string.Join(",", shape) + ")";

    public static long Numel(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int s in shape)
        {
            if (s < 0) throw new ArgumentException($"Shape {Text(shape)} has a negative size.");
            n *= s;
        }
        return n;
    }

    /// <summary>Turns a possibly negative dimension into [0, rank).</summary>
    public static int NormDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of rank {rank}.");
        return d;
    }

    internal static int FlatIndex(int[] shape, int[] index)
    {
        if (index.Length != shape.Length) throw new ArgumentException($"Index of rank {index.Length} for a tensor of shape {Text(shape)}.");
        int flat = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} out of range for dimension {i} of shape {Text(shape)}.");
            flat = flat * shape[i] + ix;
        }
        return flat;
    }

    /// <summary>NumPy broadcasting: align right, sizes must match or be 1.</summary>
    public static int[] Broadcast(int[] a, int[] b, string op)
    {
        int r = Math.Max(a.Length, b.Length);
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Text(a)} and {Text(b)} cannot be broadcast together.");
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /// <summary>Strides of <paramref name="shape"/> viewed as broadcast to <paramref name="target"/> (0 where repeated).</summary>
    internal static int[] BroadcastStrides(int[] shape, int[] target)
    {
        var s = new int[target.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            int t = i + target.Length - shape.Length;
            s[t] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return s;
    }

    /// <summary>Product of sizes in [from, to).</summary>
    internal static int Prod(int[] shape, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    internal static bool Equal(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);

    /// <summary>Resolves one -1 in a requested shape against an element count.</summary>
    internal static int[] Infer(int[] shape, int numel, string op, int[] from)
    {
        var s = (int[])shape.Clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (unknown >= 0) throw new ArgumentException($"{op}: only one dimension may be -1 in {Text(shape)}.");
                unknown = i;
            }
            else known *= s[i];
        }
        if (unknown >= 0 && known > 0 && numel % known == 0) s[unknown] = (int)(numel / known);
        if (Numel(s) != numel)
            throw new ArgumentException($"{op}: cannot view shape {Text(from)} ({numel} elements) as {Text(shape)}.");
        return s;
    }
}
