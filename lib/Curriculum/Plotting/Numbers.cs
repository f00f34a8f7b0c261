using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// A column of numbers for a figure: converts implicitly from the arrays and lists notebooks hold
/// (<c>double[]</c>, <c>float[]</c>, <c>int[]</c>, <c>long[]</c>, <c>List&lt;double&gt;</c>,
/// <c>List&lt;float&gt;</c>, <c>List&lt;int&gt;</c>), so <c>fig.Line(steps, losses)</c> takes either.
/// Floats are written in their shortest float form (0.1f as 0.1, not 0.10000000149011612).
/// NaN and infinities are written as JSON null, which plotly.js draws as a gap.
/// </summary>
public readonly struct Numbers
{
    readonly double[]? doubles;
    readonly float[]? floats;

    Numbers(double[] d) { doubles = d; floats = null; }
    Numbers(float[] f) { floats = f; doubles = null; }

    public int Count => doubles?.Length ?? floats?.Length ?? 0;

    public double this[int i] => doubles != null ? doubles[i] : floats![i];

    public static implicit operator Numbers(double[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));
    public static implicit operator Numbers(float[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));
    public static implicit operator Numbers(List<double> values) => new(values.ToArray());
    public static implicit operator Numbers(List<float> values) => new(values.ToArray());
    public static implicit operator Numbers(int[] values) => new(Array.ConvertAll(values, v => (double)v));
    public static implicit operator Numbers(List<int> values) => new(values.ConvertAll(v => (double)v).ToArray());
    public static implicit operator Numbers(long[] values) => new(Array.ConvertAll(values, v => (double)v));

    /// <summary>0, 1, ..., n-1: the x of a series given only its y.</summary>
    public static Numbers Range(int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return new Numbers(r);
    }

    /// <summary>Number of finite values (what a reader would call the points drawn).</summary>
    public int FiniteCount()
    {
        int n = 0;
        for (int i = 0; i < Count; i++) if (double.IsFinite(this[i])) n++;
        return n;
    }

    public (double Min, double Max) FiniteRange()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < Count; i++)
        {
            double v = this[i];
            if (!double.IsFinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        return (lo, hi);
    }

    internal void WriteJsonArray(Utf8JsonWriter w)
    {
        w.WriteStartArray();
        if (floats != null)
            foreach (var v in floats) WriteValue(w, v);
        else if (doubles != null)
            foreach (var v in doubles) WriteValue(w, v);
        w.WriteEndArray();
    }

    internal static void WriteValue(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
    }

    internal static void WriteValue(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
    }
}
