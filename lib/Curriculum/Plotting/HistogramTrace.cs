using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// A histogram with its counts computed here, as numpy.histogram does: <c>bins</c> equal-width
/// bins over [min, max] of the finite values, each bin [lo, hi) except the last, which is [lo, hi].
/// Drawn as a plotly.js "bar" trace with one bar per bin, as wide as the bin.
/// Non-finite values are not counted (<see cref="Dropped"/> says how many).
/// </summary>
public sealed class HistogramTrace : Trace
{
    public HistogramTrace(Numbers values, int bins, string? name, int row, int col) : base(name, row, col)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, $"Histogram \"{name ?? "(unnamed)"}\": bins must be at least 1.");
        (Edges, Counts) = Compute(values, bins);
        Dropped = values.Count - values.FiniteCount();
    }

    /// <summary>bins + 1 edges, increasing (empty when there is no finite value).</summary>
    public double[] Edges { get; }
    public long[] Counts { get; }
    public int Dropped { get; }

    public override string PlotlyType => "bar";
    public override string Kind => "histogram";
    public override int PointCount => Counts.Length;

    /// <summary>Edges and counts of <paramref name="bins"/> equal bins, as numpy.histogram(values, bins).</summary>
    public static (double[] Edges, long[] Counts) Compute(Numbers values, int bins)
    {
        var (lo, hi) = values.FiniteRange();
        if (lo > hi) return ([], []);
        // numpy widens a zero range to [v - 0.5, v + 0.5].
        if (lo == hi) { lo -= 0.5; hi += 0.5; }
        // Edges as numpy.linspace computes them (i * step + lo, last edge exactly hi).
        var edges = new double[bins + 1];
        double step = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) edges[i] = i * step + lo;
        edges[bins] = hi;
        var counts = new long[bins];
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) continue;
            int b = (int)((v - lo) / (hi - lo) * bins);
            if (b >= bins) b = bins - 1;
            // Rounding can put a value just below an edge into the next bin: step back to the edge that holds it.
            while (b > 0 && v < edges[b]) b--;
            while (b < bins - 1 && v >= edges[b + 1]) b++;
            counts[b]++;
        }
        return (edges, counts);
    }

    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteStartArray("x");
        for (int i = 0; i < Counts.Length; i++) Numbers.WriteValue(w, (Edges[i] + Edges[i + 1]) / 2);
        w.WriteEndArray();
        w.WriteStartArray("y");
        foreach (var c in Counts) w.WriteNumberValue(c);
        w.WriteEndArray();
        w.WriteStartArray("width");
        for (int i = 0; i < Counts.Length; i++) Numbers.WriteValue(w, Edges[i + 1] - Edges[i]);
        w.WriteEndArray();
        w.WriteStartObject("marker");
        if (Color != null) w.WriteString("color", Color);
        w.WriteStartObject("line");
        w.WriteString("color", "white");
        w.WriteNumber("width", 1);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
