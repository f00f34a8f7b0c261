namespace Curriculum.Training;

/// <summary>
/// Flags a loss that is far above its recent history: loss &gt; mean + k·std of the last <see cref="Window"/>
/// accepted losses (population std). Nothing is flagged until the window is full, so the fast early descent
/// is never mistaken for a spike. The window is part of the trainer's checkpoint.
/// </summary>
public sealed class SpikeDetector
{
    readonly double[] _values;
    int _count, _next;

    public int Window { get; }
    public double K { get; }

    public SpikeDetector(int window = 50, double k = 4.0)
    {
        if (window < 2) throw new ArgumentOutOfRangeException(nameof(window), window, "SpikeDetector: the window needs at least 2 losses.");
        if (!(k > 0) || !double.IsFinite(k)) throw new ArgumentOutOfRangeException(nameof(k), k, "SpikeDetector: k must be a positive number.");
        Window = window;
        K = k;
        _values = new double[window];
    }

    /// <summary>True once the window holds <see cref="Window"/> losses.</summary>
    public bool Ready => _count == Window;

    /// <summary>mean + k·std of the window; +∞ until it is full.</summary>
    public double Threshold()
    {
        if (!Ready) return double.PositiveInfinity;
        double mean = 0;
        foreach (var v in _values) mean += v;
        mean /= Window;
        double var = 0;
        foreach (var v in _values) var += (v - mean) * (v - mean);
        return mean + K * Math.Sqrt(var / Window);
    }

    public bool IsSpike(double loss) => loss > Threshold();

    /// <summary>Adds an accepted loss, dropping the oldest once the window is full.</summary>
    public void Add(double loss)
    {
        _values[_next] = loss;
        _next = (_next + 1) % Window;
        if (_count < Window) _count++;
    }

    /// <summary>The losses in the window, oldest first.</summary>
    public double[] History()
    {
        var h = new double[_count];
        int start = _count < Window ? 0 : _next;
        for (int i = 0; i < _count; i++) h[i] = _values[(start + i) % Window];
        return h;
    }

    /// <summary>Replaces the window by <paramref name="history"/> (oldest first), as saved by <see cref="History"/>.</summary>
    public void Load(IReadOnlyList<double> history)
    {
        if (history.Count > Window)
            throw new InvalidDataException($"SpikeDetector: a history of {history.Count} losses does not fit a window of {Window}.");
        _count = 0;
        _next = 0;
        foreach (var v in history) Add(v);
    }
}
