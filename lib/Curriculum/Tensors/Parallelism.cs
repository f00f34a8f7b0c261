namespace Curriculum.Tensors;

/// <summary>
/// How many threads the engine's kernels may use. Work is split into a fixed number of
/// chunks that does not depend on the thread count, so results are bit-identical whatever it is.
/// </summary>
public static class Parallelism
{
    static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on worker threads (like <c>torch.set_num_threads</c>); devices with thread pools of their own follow it (<see cref="MaxThreadsChanged"/>).</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            _maxThreads = value >= 1 ? value
                : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
            MaxThreadsChanged?.Invoke(value);
        }
    }

    /// <summary>Raised with the new bound when <see cref="MaxThreads"/> is set (libtorch's devices pass it to their intra-op pool).</summary>
    public static event Action<int>? MaxThreadsChanged;

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, count), on up to MaxThreads threads.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (_maxThreads == 1 || count == 1) { for (int i = 0; i < count; i++) body(i); return; }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _maxThreads }, body);
    }
}
