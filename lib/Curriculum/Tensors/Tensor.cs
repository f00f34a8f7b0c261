using System.Globalization;
using System.Text;

namespace Curriculum.Tensors;

/// <summary>
/// A float32 tensor: contiguous row-major data and a shape (like <c>torch.Tensor</c>, always contiguous).
/// <see cref="Reshape"/> returns a view that shares the data; every other op returns a new tensor.
/// When autograd records an op, the result keeps a reference to how it was made (<see cref="IsLeaf"/> false).
/// </summary>
public sealed partial class Tensor
{
    readonly int[] _shape;

    /// <summary>The elements, row-major; shared between a tensor and its reshaped views.</summary>
    public float[] Data { get; }

    public Tensor(float[] data, params int[] shape)
    {
        _shape = (int[])shape.Clone();
        long n = Shapes.Numel(_shape);
        if (n != data.Length)
            throw new ArgumentException($"Tensor: {data.Length} values do not fill shape {Shapes.Text(_shape)} ({n} elements).");
        Data = data;
    }

    /// <summary>The sizes of the dimensions (<c>tensor.shape</c>).</summary>
    public IReadOnlyList<int> Shape => _shape;
    internal int[] ShapeArray => _shape;
    public int Rank => _shape.Length;
    /// <summary>Number of elements (<c>numel()</c>).</summary>
    public int Numel => Data.Length;
    /// <summary>Size of one dimension; negative counts from the end (<c>size(dim)</c>).</summary>
    public int Size(int dim) => _shape[Shapes.NormDim(dim, Rank, "Size")];
    public Span<float> AsSpan() => Data;

    // ---- creation ----------------------------------------------------------------------------

    /// <summary>New tensor with unspecified contents, for ops that overwrite every element.</summary>
    internal static Tensor Empty(int[] shape) => new(BufferPool.Rent(checked((int)Shapes.Numel(shape))), shape);

    public static Tensor Zeros(params int[] shape) => new(new float[checked((int)Shapes.Numel(shape))], shape);
    public static Tensor Ones(params int[] shape) => Full(1f, shape);
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(shape);
        Array.Fill(t.Data, value);
        return t;
    }
    public static Tensor ZerosLike(Tensor t) => Zeros(t._shape);

    /// <summary>A tensor holding a copy of <paramref name="values"/> (<c>torch.tensor</c>); 1-D when no shape is given.</summary>
    public static Tensor FromArray(float[] values, params int[] shape) => new((float[])values.Clone(), shape.Length == 0 ? [values.Length] : shape);
    public static Tensor FromArray(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var t = Empty([r, c]);
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t.Data[i * c + j] = values[i, j];
        return t;
    }
    /// <summary>A 0-dimensional tensor, shape () (<c>torch.tensor(v)</c>).</summary>
    public static Tensor Scalar(float value) => new([value]);

    /// <summary>0, 1, ..., n-1 as floats (<c>torch.arange</c>).</summary>
    public static Tensor Arange(int n)
    {
        var t = Empty([n]);
        for (int i = 0; i < n; i++) t.Data[i] = i;
        return t;
    }

    /// <summary>Standard normal samples (<c>torch.randn</c>), from <paramref name="generator"/> or the default one.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null)
    {
        var t = Empty(shape);
        (generator ?? Generator.Default).FillNormal(t.Data, 0f, 1f);
        return t;
    }

    /// <summary>Uniform samples in [low, high) (<c>torch.rand</c> scaled).</summary>
    public static Tensor Rand(int[] shape, float low = 0f, float high = 1f, Generator? generator = null)
    {
        var t = Empty(shape);
        (generator ?? Generator.Default).FillUniform(t.Data, low, high);
        return t;
    }

    // ---- reading -----------------------------------------------------------------------------

    /// <summary>The value of a one-element tensor (<c>item()</c>).</summary>
    public float Item() => Numel == 1 ? Data[0]
        : throw new InvalidOperationException($"Item: tensor of shape {Shapes.Text(_shape)} has {Numel} elements, not 1.");

    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>The element at the given indices (one per dimension).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index] => Data[Shapes.FlatIndex(_shape, index)];

    /// <summary>True when no element is NaN or infinite (a check for losses and gradients).</summary>
    public bool AllFinite()
    {
        foreach (var v in Data) if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>A copy that shares nothing and records no history.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), _shape);

    /// <summary>Same data, cut off from autograd (<c>detach()</c>).</summary>
    public Tensor Detach() => new(Data, _shape);

    public override string ToString()
    {
        var sb = new StringBuilder("tensor(");
        int shown = Math.Min(Numel, 12);
        sb.Append('[');
        for (int i = 0; i < shown; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Data[i].ToString("G5", CultureInfo.InvariantCulture));
        }
        if (shown < Numel) sb.Append(", ...");
        sb.Append("], shape=").Append(Shapes.Text(_shape));
        if (RequiresGrad) sb.Append(", requires_grad");
        return sb.Append(')').ToString();
    }
}
