namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Splits [0, count) into chunks whose size depends only on the work, never on the thread count,
/// and runs them through <see cref="Parallelism.For"/>: results are identical for any MaxThreads.
/// </summary>
internal static class Chunks
{
    /// <summary>Runs body(start, end) over fixed chunks of about <paramref name="chunk"/> items.</summary>
    public static void For(int count, int chunk, Action<int, int> body)
    {
        if (count <= 0) return;
        int n = (count + chunk - 1) / chunk;
        if (n == 1) { body(0, count); return; }
        Parallelism.For(n, c => body(c * chunk, Math.Min(count, (c + 1) * chunk)));
    }

    /// <summary>Rows per chunk so that one chunk holds roughly <paramref name="work"/> elements.</summary>
    public static int RowsPer(int rowLength, int work = 16384) => Math.Max(1, work / Math.Max(1, rowLength));
}
