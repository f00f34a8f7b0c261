using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>How a line is stroked (plotly.js <c>line.dash</c>).</summary>
public enum LineDash { Solid, Dash, Dot, DashDot }

/// <summary>
/// A plotly.js "scatter" trace: a line (<c>mode: "lines"</c>) or points (<c>mode: "markers"</c>).
/// Non-finite y (or x) values are written as null, which plotly.js leaves as a gap.
/// </summary>
public sealed class LineTrace : Trace
{
    public LineTrace(Numbers x, Numbers y, string? name, bool markers, int row, int col) : base(name, row, col)
    {
        CheckSameLength(x, y, name, markers ? "Scatter" : "Line");
        X = x;
        Y = y;
        Markers = markers;
    }

    public Numbers X { get; }
    public Numbers Y { get; }

    /// <summary>True: points only (a scatter plot); false: a connected line.</summary>
    public bool Markers { get; }

    public LineDash Dash { get; init; } = LineDash.Solid;

    /// <summary>Line width or marker size in pixels; null keeps plotly.js's default.</summary>
    public double? Width { get; init; }

    /// <summary>Hover text per point (scatter labels), or null.</summary>
    public IReadOnlyList<string>? Text { get; init; }

    public override string PlotlyType => "scatter";
    public override string Kind => Markers ? "scatter" : "line";

    public override int PointCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < Y.Count; i++) if (double.IsFinite(X[i]) && double.IsFinite(Y[i])) n++;
            return n;
        }
    }

    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteString("mode", Markers ? "markers" : "lines");
        w.WritePropertyName("x");
        X.WriteJsonArray(w);
        w.WritePropertyName("y");
        Y.WriteJsonArray(w);
        if (Text != null)
        {
            w.WriteStartArray("text");
            foreach (var t in Text) w.WriteStringValue(t);
            w.WriteEndArray();
        }
        if (Markers)
        {
            w.WriteStartObject("marker");
            if (Color != null) w.WriteString("color", Color);
            if (Width is double size) w.WriteNumber("size", size);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("line");
            if (Color != null) w.WriteString("color", Color);
            if (Width is double width) w.WriteNumber("width", width);
            if (Dash != LineDash.Solid) w.WriteString("dash", Dash switch
            {
                LineDash.Dash => "dash",
                LineDash.Dot => "dot",
                _ => "dashdot",
            });
            w.WriteEndObject();
        }
    }
}
