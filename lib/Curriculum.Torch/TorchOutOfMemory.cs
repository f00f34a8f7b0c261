using System.Globalization;
using System.Text.RegularExpressions;
using Curriculum.Tensors;

namespace Curriculum.Torch;

/// <summary>
/// Recognises libtorch's refusal of an allocation in the exception TorchSharp raises for a native error, and reads the
/// size asked from its message. libtorch's CPU allocator says "DefaultCPUAllocator: can't allocate memory: you tried to
/// allocate 1125899906842624 bytes"; CUDA's caching allocator says "CUDA out of memory. Tried to allocate 2.00 GiB ..."
/// (c10/cuda/CUDACachingAllocator.cpp), the size rounded to two decimals.
/// </summary>
static partial class TorchOutOfMemory
{
    [GeneratedRegex(@"you tried to allocate (\d+) bytes")]
    private static partial Regex CpuBytes();

    [GeneratedRegex(@"Tried to allocate ([0-9.]+) (B|KiB|MiB|GiB|TiB)")]
    private static partial Regex CudaSize();

    /// <summary>True for libtorch's out-of-memory errors (CPU or CUDA), whatever exception type carries them.</summary>
    public static bool IsRefusal(Exception e) =>
        e is not DeviceOutOfMemoryException
        && (e.Message.Contains("can't allocate memory", StringComparison.Ordinal)
            || e.Message.Contains("CUDA out of memory", StringComparison.Ordinal)
            || e.Message.Contains("CUDA error: out of memory", StringComparison.Ordinal));

    /// <summary>The engine's exception for <paramref name="e"/> on <paramref name="deviceName"/>, with the bytes asked where the message gives them.</summary>
    public static DeviceOutOfMemoryException Translate(Exception e, string deviceName) =>
        new(deviceName, RequestedBytes(e.Message), e);

    /// <summary>The size in libtorch's message: exact from the CPU allocator, to two decimals of its unit from CUDA's; null if absent.</summary>
    public static long? RequestedBytes(string message)
    {
        var cpu = CpuBytes().Match(message);
        if (cpu.Success && long.TryParse(cpu.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long exact)) return exact;
        var cuda = CudaSize().Match(message);
        if (!cuda.Success || !double.TryParse(cuda.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return null;
        int power = Array.IndexOf(["B", "KiB", "MiB", "GiB", "TiB"], cuda.Groups[2].Value);
        return (long)Math.Round(value * Math.Pow(1024, power));
    }
}
