using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Curriculum.Tensors;

/// <summary>
/// A float32 tensor: contiguous row-major data and a shape (like <c>torch.Tensor</c>, always contiguous).
/// <see cref="Reshape"/> returns a view that shares the data; every other op returns a new tensor.
/// When autograd records an op, the result keeps a reference to how it was made (<see cref="IsLeaf"/> false).
/// A tensor lives on a <see cref="Device"/>: on <see cref="Device.Cpu"/> (the default) its elements are a host array,
/// <see cref="Data"/>; on another device they are that device's <see cref="IDeviceBuffer"/>, and reading them on the host
/// copies (<see cref="ToArray"/>, <see cref="Item"/>).
/// </summary>
public sealed partial class Tensor
{
    readonly int[] _shape;
    readonly int _numel;
    // Exactly one is set: host elements (cpu) or a device buffer. Both change only when a leaf moves (MoveTo).
    float[]? _data;
    IDeviceBuffer? _buffer;

    /// <summary>
    /// The elements in host memory, row-major; shared between a tensor and its reshaped views. A tensor on another device
    /// has no host array: this throws, and <see cref="ToArray"/> copies the elements to the host.
    /// </summary>
    public float[] Data
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _data ?? NoHostData();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    float[] NoHostData() => throw new InvalidOperationException(
        $"Data: this tensor of shape {Shapes.Text(_shape)} lives on device '{Device.Name}', not in host memory; "
        + "ToArray() copies its elements to the host, To(Device.Cpu) gives a cpu tensor.");

    public Tensor(float[] data, params int[] shape)
    {
        _shape = (int[])shape.Clone();
        long n = Shapes.Numel(_shape);
        if (n != data.Length)
            throw new ArgumentException($"Tensor: {data.Length} values do not fill shape {Shapes.Text(_shape)} ({n} elements).");
        _data = data;
        _numel = data.Length;
    }

    /// <summary>A tensor whose elements are <paramref name="buffer"/> on its device (its shape is the buffer's).</summary>
    public Tensor(IDeviceBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _shape = [.. buffer.Shape];
        _numel = checked((int)Shapes.Numel(_shape));
        _buffer = buffer;
    }

    /// <summary>Where the elements live (<c>tensor.device</c>).</summary>
    public Device Device => _buffer?.Device ?? Device.Cpu;

    /// <summary>True when the elements are on a device other than cpu (in <see cref="Buffer"/>).</summary>
    internal bool OnDevice => _buffer != null;

    /// <summary>The device buffer; null on cpu.</summary>
    public IDeviceBuffer? Buffer => _buffer;

    /// <summary>
    /// This leaf's elements (and gradient) moved to <paramref name="device"/> in place, keeping the tensor object, as
    /// <c>module.to(device)</c> does to parameters: modules hold their parameters by reference.
    /// </summary>
    internal void MoveTo(Device device)
    {
        if (!IsLeaf) throw new InvalidOperationException("MoveTo: only a leaf (a parameter) moves in place; use To(device) for a result of an op.");
        if (device == Device) return;
        // The old storage is left to the garbage collector: a detached view (a state dict) may still share it.
        float[] host = _data ?? _buffer!.ToArray();
        if (device.Kernels is { } kernels) { _buffer = kernels.FromHost(host, _shape); _data = null; }
        else { _data = host; _buffer = null; }
        Grad?.MoveTo(device);
    }

    /// <summary>The sizes of the dimensions (<c>tensor.shape</c>).</summary>
    public IReadOnlyList<int> Shape => _shape;
    internal int[] ShapeArray => _shape;
    public int Rank => _shape.Length;
    /// <summary>Number of elements (<c>numel()</c>).</summary>
    public int Numel => _numel;
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
        var d = t.Data;
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[i * c + j] = values[i, j];
        return t;
    }
    /// <summary>A 0-dimensional tensor, shape () (<c>torch.tensor(v)</c>).</summary>
    public static Tensor Scalar(float value) => new([value]);

    /// <summary>0, 1, ..., n-1 as floats (<c>torch.arange</c>).</summary>
    public static Tensor Arange(int n)
    {
        var t = Empty([n]);
        var d = t.Data;
        for (int i = 0; i < n; i++) d[i] = i;
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

    /// <summary>The value of a one-element tensor (<c>item()</c>); copied from a device to the host.</summary>
    public float Item() => Numel != 1
        ? throw new InvalidOperationException($"Item: tensor of shape {Shapes.Text(_shape)} has {Numel} elements, not 1.")
        : _data != null ? _data[0] : _buffer!.ToArray()[0];

    /// <summary>The elements copied to a new host array, from whatever device they are on.</summary>
    public float[] ToArray() => _data != null ? (float[])_data.Clone() : _buffer!.ToArray();

    /// <summary>The elements in host memory for reading: <see cref="Data"/> itself on cpu (no copy), a copy from a device.</summary>
    internal float[] HostData() => _data ?? _buffer!.ToArray();

    /// <summary>The element at the given indices (one per dimension).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index] => Data[Shapes.FlatIndex(_shape, index)];

    /// <summary>True when no element is NaN or infinite (a check for losses and gradients); a device tensor is copied to the host.</summary>
    public bool AllFinite()
    {
        foreach (var v in _data ?? _buffer!.ToArray()) if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>A copy on the same device that shares nothing and records no history.</summary>
    public Tensor Clone() => _data != null ? new((float[])_data.Clone(), _shape) : new(_buffer!.Clone());

    /// <summary>Same elements, cut off from autograd (<c>detach()</c>).</summary>
    public Tensor Detach() => _data != null ? new(_data, _shape) : new(_buffer!);

    /// <summary>A copy on <paramref name="device"/> (<c>tensor.to(device)</c>), recorded so that gradients flow back; this tensor when already there.</summary>
    public Tensor To(Device device) => F.To(this, device);

    public override string ToString()
    {
        var sb = new StringBuilder("tensor(");
        int shown = Math.Min(Numel, 12);
        var values = _data ?? _buffer!.ToArray();
        sb.Append('[');
        for (int i = 0; i < shown; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(values[i].ToString("G5", CultureInfo.InvariantCulture));
        }
        if (shown < Numel) sb.Append(", ...");
        sb.Append("], shape=").Append(Shapes.Text(_shape));
        if (_buffer != null) sb.Append(", device='").Append(Device.Name).Append('\'');
        if (RequiresGrad) sb.Append(", requires_grad");
        return sb.Append(')').ToString();
    }
}
