namespace Curriculum.Tensors;

/// <summary>
/// A tensor's elements in a device's memory (float32, contiguous, row-major), e.g. a libtorch tensor. The shape is the
/// tensor's. Reading them on the host copies (<see cref="ToArray"/>). Disposing frees the device memory at once rather
/// than when the garbage collector finalises the buffer.
/// </summary>
public interface IDeviceBuffer : IDisposable
{
    Device Device { get; }
    IReadOnlyList<int> Shape { get; }

    /// <summary>The elements copied to a new host array.</summary>
    float[] ToArray();

    /// <summary>Overwrites the elements with <paramref name="values"/> (a host-to-device copy of Numel floats).</summary>
    void CopyFrom(ReadOnlySpan<float> values);

    /// <summary>The same elements under another shape of equal size (no copy, like <c>view</c>).</summary>
    IDeviceBuffer Reshape(int[] shape);

    /// <summary>A copy in new device memory.</summary>
    IDeviceBuffer Clone();
}
