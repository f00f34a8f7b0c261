namespace Curriculum.Torch;

/// <summary>
/// Tells the garbage collector about the native memory of live torch buffers (<see cref="GC.AddMemoryPressure"/>), in
/// chunks of <see cref="Chunk"/> bytes: it collects often enough for memory it cannot see, and a training step's
/// thousands of buffers cost a few calls instead of one each (every call to the GC's pressure accounting is costly).
/// </summary>
internal static class NativeMemoryPressure
{
    /// <summary>Bytes per report to the GC.</summary>
    public const long Chunk = 16L << 20;

    static long _unreported;                     // bytes added minus bytes removed since the last report

    public static void Add(long bytes) => Report(Interlocked.Add(ref _unreported, bytes));

    public static void Remove(long bytes) => Report(Interlocked.Add(ref _unreported, -bytes));

    static void Report(long unreported)
    {
        if (Math.Abs(unreported) < Chunk) return;
        long chunk = unreported > 0 ? Chunk : -Chunk;
        // The thread that moves the count reports; another that raced it sees the new count on its next call.
        if (Interlocked.CompareExchange(ref _unreported, unreported - chunk, unreported) != unreported) return;
        if (chunk > 0) GC.AddMemoryPressure(Chunk);
        else GC.RemoveMemoryPressure(Chunk);
    }
}
