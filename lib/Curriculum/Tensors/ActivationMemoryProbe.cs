namespace Curriculum.Tensors;

/// <summary>
/// Measures the bytes a training step's tensors hold, like <c>torch.cuda.max_memory_allocated()</c> on a CPU engine:
/// each sample forces a full garbage collection and reads the live managed heap (<c>GC.GetTotalMemory(true)</c>), less
/// the free arrays the buffer pool keeps for reuse (an allocator cache), less the bytes live when the probe started.
/// Started after the parameters, gradients and optimiser state exist, a sample after the forward pass reads the saved
/// activations; while a probe is active, <see cref="Checkpoint"/> samples after each block's recomputation, where a
/// checkpointed step peaks. Samples cost a full collection each: measure, do not time, with a probe running.
/// <code>
/// using var probe = ActivationMemoryProbe.Start();
/// var loss = model.Loss(x, y);
/// probe.Sample();          // saved activations at the end of the forward pass
/// loss.Backward();         // checkpointed blocks sample here
/// long peak = probe.PeakBytes;
/// </code>
/// </summary>
public sealed class ActivationMemoryProbe : IDisposable
{
    [ThreadStatic] static ActivationMemoryProbe? _active;
    readonly ActivationMemoryProbe? _outer;
    bool _disposed;

    /// <summary>Live bytes (pool excluded) when the probe started.</summary>
    public long BaselineBytes { get; }
    /// <summary>The largest sample, in bytes above the baseline.</summary>
    public long PeakBytes { get; private set; }
    /// <summary>How many samples were taken.</summary>
    public int SampleCount { get; private set; }

    ActivationMemoryProbe()
    {
        BaselineBytes = LiveBytes();
        _outer = _active;
        _active = this;
    }

    /// <summary>Starts measuring on this thread from the bytes live now.</summary>
    public static ActivationMemoryProbe Start() => new();

    /// <summary>Bytes live now above the baseline (a full collection first); updates <see cref="PeakBytes"/>.</summary>
    public long Sample()
    {
        long bytes = LiveBytes() - BaselineBytes;
        PeakBytes = Math.Max(PeakBytes, bytes);
        SampleCount++;
        return bytes;
    }

    /// <summary>Samples the probe active on this thread, if any.</summary>
    internal static void SampleActive() => _active?.Sample();

    static long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true) - BufferPool.FreeBytes();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _active = _outer;
    }
}
