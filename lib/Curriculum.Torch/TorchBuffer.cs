using Curriculum.Tensors;
using TorchSharp;

namespace Curriculum.Torch;

/// <summary>
/// A tensor's elements on a libtorch device: one float32, contiguous torch tensor that never requires a gradient
/// (our tape does the autograd). The native memory is freed on <see cref="Dispose"/>, or by the finaliser; the
/// garbage collector is told its size (<see cref="NativeMemoryPressure"/>) so that it collects often enough for memory it cannot see. Every method that hands
/// <see cref="Value"/> to libtorch keeps this buffer reachable until libtorch returns (see <see cref="GuardedTorchKernels"/>).
/// </summary>
internal sealed class TorchBuffer : IDeviceBuffer
{
    readonly long _bytes;
    readonly IntPtr _storage;
    bool _disposed;

    public TorchBuffer(Device device, torch.Tensor value)
    {
        Device = device;
        Value = value;
        Shape = Array.ConvertAll(value.shape, d => checked((int)d));
        _bytes = Math.Max(1, value.numel() * 4);
        NativeMemoryPressure.Add(_bytes);
        _storage = Counter.Hold(value).Key;
    }

    public Device Device { get; }

    TorchMemoryCounter Counter => TorchKernels.Of(Device).Memory;
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The libtorch tensor itself.</summary>
    public torch.Tensor Value { get; }

    public float[] ToArray()
    {
        using var host = Value.cpu();             // a new handle (a copy only from another device)
        using var dense = host.contiguous();
        GC.KeepAlive(this);
        return dense.data<float>().ToArray();
    }

    public void CopyFrom(ReadOnlySpan<float> values)
    {
        if (values.Length != Value.numel())
            throw new ArgumentException($"CopyFrom: {values.Length} values for a buffer of {Value.numel()} elements on '{Device.Name}'.");
        using var host = torch.tensor(values.ToArray(), Value.shape);
        Value.copy_(host);
        GC.KeepAlive(this);
    }

    public IDeviceBuffer Reshape(int[] shape)
    {
        var view = new TorchBuffer(Device, Value.reshape(Array.ConvertAll(shape, d => (long)d)));
        GC.KeepAlive(this);
        return view;
    }

    public IDeviceBuffer Clone()
    {
        try { return new TorchBuffer(Device, Value.clone()); }
        catch (Exception e) when (TorchOutOfMemory.IsRefusal(e)) { throw TorchOutOfMemory.Translate(e, Device.Name); }
        finally { GC.KeepAlive(this); }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Counter.Release(_storage);             // before the memory is freed and its address can be reused
        Value.Dispose();
        NativeMemoryPressure.Remove(_bytes);
        GC.SuppressFinalize(this);
    }

    ~TorchBuffer()
    {
        if (_disposed) return;
        NativeMemoryPressure.Remove(_bytes);
        Counter.Release(_storage);
    }
}
