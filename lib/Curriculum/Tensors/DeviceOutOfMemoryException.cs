namespace Curriculum.Tensors;

/// <summary>
/// A device refused an allocation (<c>torch.cuda.OutOfMemoryError</c>): the message names the device, the bytes asked
/// where the device said, and what to lower. The model's state is as it was before the op that asked.
/// </summary>
public sealed class DeviceOutOfMemoryException(string deviceName, long? requestedBytes, Exception? inner = null)
    : Exception(Describe(deviceName, requestedBytes), inner)
{
    /// <summary>The device that refused (<c>cuda</c>, <c>torch-cpu</c>).</summary>
    public string DeviceName { get; } = deviceName;

    /// <summary>The size of the refused allocation in bytes, null where the device did not say.</summary>
    public long? RequestedBytes { get; } = requestedBytes;

    static string Describe(string device, long? bytes) =>
        $"device '{device}' is out of memory"
        + (bytes is { } b ? $": an allocation of {Size(b)} ({b} bytes) was refused" : "")
        + ". Lower the batch size or the sequence length (the activations grow with both), then run again.";

    static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):0.00} TiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.00} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.00} KiB",
        _ => $"{bytes} B",
    };
}
