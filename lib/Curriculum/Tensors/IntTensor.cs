namespace Curriculum.Tensors;

/// <summary>
/// An int32 tensor for token ids, targets and indices (<c>torch.long</c> tensors in PyTorch).
/// Contiguous row-major; it never takes part in autograd.
/// </summary>
public sealed class IntTensor
{
    readonly int[] _shape;
    public int[] Data { get; }

    public IntTensor(int[] data, params int[] shape)
    {
        _shape = (int[])shape.Clone();
        if (Shapes.Numel(_shape) != data.Length)
            throw new ArgumentException($"IntTensor: {data.Length} values do not fill shape {Shapes.Text(_shape)}.");
        Data = data;
    }

    public IReadOnlyList<int> Shape => _shape;
    internal int[] ShapeArray => _shape;
    public int Rank => _shape.Length;
    public int Numel => Data.Length;
    public int Size(int dim) => _shape[Shapes.NormDim(dim, Rank, "Size")];
    public int this[params int[] index] => Data[Shapes.FlatIndex(_shape, index)];

    /// <summary>A copy of <paramref name="values"/>; 1-D when no shape is given.</summary>
    public static IntTensor FromArray(int[] values, params int[] shape) => new((int[])values.Clone(), shape.Length == 0 ? [values.Length] : shape);
    public static IntTensor Arange(int n)
    {
        var d = new int[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return new IntTensor(d, n);
    }

    /// <summary>Uniform integers in [0, high) (<c>torch.randint</c>).</summary>
    public static IntTensor RandInt(int high, int[] shape, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        var d = new int[checked((int)Shapes.Numel(shape))];
        for (int i = 0; i < d.Length; i++) d[i] = g.NextInt(high);
        return new IntTensor(d, shape);
    }

    /// <summary>Same data, new shape (one size may be -1).</summary>
    public IntTensor Reshape(params int[] shape) => new(Data, Shapes.Infer(shape, Numel, "Reshape", _shape));

    /// <summary>Flat positions of the non-zero elements (<c>nonzero()</c> of a flattened mask), e.g. masked tokens.</summary>
    public IntTensor NonZero()
    {
        int count = 0;
        foreach (int v in Data) if (v != 0) count++;
        var idx = new int[count];
        for (int i = 0, k = 0; i < Data.Length; i++) if (Data[i] != 0) idx[k++] = i;
        return new IntTensor(idx, count);
    }

    public Tensor ToFloat()
    {
        var f = new float[Numel];
        for (int i = 0; i < f.Length; i++) f[i] = Data[i];
        return new Tensor(f, _shape);
    }

    public override string ToString() => $"IntTensor(shape={Shapes.Text(_shape)})";
}
