using System.Diagnostics;

namespace Curriculum.Tensors;

/// <summary>Wall time spent in one op, summed over the calls since <see cref="OpProfiler.Reset"/>.</summary>
public sealed record OpTime(string Op, int ForwardCalls, double ForwardMs, int BackwardCalls, double BackwardMs)
{
    public double TotalMs => ForwardMs + BackwardMs;
}

/// <summary>
/// Per-op wall time of the forward and backward passes (a coarse <c>torch.profiler</c>), off by default.
/// Forward: each op is charged the time since the previous op finished (or since <see cref="Mark"/>), which
/// includes the module code between ops; ops run under no-grad inside a fused op are charged separately.
/// Backward: the time of each node's backward. Timing is taken on the thread that runs the graph.
/// </summary>
public static class OpProfiler
{
    static readonly Dictionary<string, (int Fc, long Ft, int Bc, long Bt)> _times = [];
    static long _mark;

    /// <summary>Whether ops are timed (adds a few hundred nanoseconds per op when on).</summary>
    public static bool Enabled { get; set; }

    /// <summary>Starts the clock for the next forward op (call it before a forward pass).</summary>
    public static void Mark() => _mark = Stopwatch.GetTimestamp();

    /// <summary>Forgets all times.</summary>
    public static void Reset() => _times.Clear();

    /// <summary>The times so far, most expensive first.</summary>
    public static IReadOnlyList<OpTime> Snapshot()
    {
        double ms = 1000.0 / Stopwatch.Frequency;
        var list = new List<OpTime>(_times.Count);
        foreach (var (op, t) in _times) list.Add(new OpTime(op, t.Fc, t.Ft * ms, t.Bc, t.Bt * ms));
        list.Sort((a, b) => b.TotalMs.CompareTo(a.TotalMs));
        return list;
    }

    /// <summary>Charges the time since the last mark to <paramref name="op"/>'s forward.</summary>
    internal static void Forward(string op)
    {
        long now = Stopwatch.GetTimestamp();
        var t = _times.GetValueOrDefault(op);
        _times[op] = (t.Fc + 1, t.Ft + now - _mark, t.Bc, t.Bt);
        _mark = now;
    }

    /// <summary>Charges the time since <paramref name="start"/> to <paramref name="op"/>'s backward.</summary>
    internal static void Backward(string op, long start)
    {
        long now = Stopwatch.GetTimestamp();
        var t = _times.GetValueOrDefault(op);
        _times[op] = (t.Fc, t.Ft, t.Bc + 1, t.Bt + now - start);
        _mark = now;
    }
}
