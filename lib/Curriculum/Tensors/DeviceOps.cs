using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// What the ops' device paths share: finding the one device all inputs are on, and rounding device buffers to a
/// precision policy's formats.
/// </summary>
internal static class DeviceOps
{
    /// <summary>The kernels of the device every given tensor is on; throws naming the devices when they differ (cpu included).</summary>
    internal static IDeviceKernels KernelsOf(string op, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        var device = a.Device;
        if ((b != null && b.Device != device) || (c != null && c.Device != device))
        {
            var names = new[] { a, b, c }.Where(t => t != null).Select(t => t!.Device.Name);
            throw new ArgumentException($"{op}: the inputs are on different devices ({string.Join(", ", names)}); "
                + "move them to one device first (tensor.To(device), module.To(device)).");
        }
        return device.Kernels ?? throw new InvalidOperationException($"{op}: called on the device path with cpu tensors.");
    }

    /// <summary>
    /// <paramref name="buffer"/> itself when <paramref name="format"/> is fp32, else a copy rounded to it on its device:
    /// an operand as a 16-bit cast holds it (<see cref="Rounding.Copy"/> on a device).
    /// </summary>
    internal static IDeviceBuffer Rounded(IDeviceKernels kernels, IDeviceBuffer buffer, FloatFormat format)
    {
        if (format == FloatFormat.Fp32) return buffer;
        var copy = buffer.Clone();
        kernels.RoundInPlace(copy, format);
        return copy;
    }

    /// <summary><paramref name="buffer"/> (a fresh result or gradient) rounded in place to <paramref name="format"/>; null stays null.</summary>
    internal static IDeviceBuffer? RoundedResult(IDeviceKernels kernels, IDeviceBuffer? buffer, FloatFormat format)
    {
        if (buffer != null && format != FloatFormat.Fp32) kernels.RoundInPlace(buffer, format);
        return buffer;
    }

    /// <summary>
    /// The format a device may compute a matrix product in under <paramref name="policy"/>: the 16-bit format when the
    /// operands are rounded to it and so is the result (autocast: bf16 or fp16 in, the same out; the accumulator is fp32,
    /// which <see cref="Autocast.Enter"/> requires), else Fp32 (fp32 products, or a result kept wider than the operands).
    /// </summary>
    internal static FloatFormat ProductFormat(PrecisionPolicy policy) =>
        ProductFormat(policy.FormatFor(OpClass.MatMulInput), policy.FormatFor(OpClass.MatMulOutput));

    internal static FloatFormat ProductFormat(FloatFormat input, FloatFormat output) => input == output ? input : FloatFormat.Fp32;
}
