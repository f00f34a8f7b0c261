using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// One plotly.js trace (an entry of the figure's <c>data</c> array), placed in the subplot at
/// (<see cref="Row"/>, <see cref="Col"/>), both counted from 1 as in plotly's make_subplots.
/// </summary>
public abstract class Trace
{
    protected Trace(string? name, int row, int col)
    {
        Name = name;
        Row = row;
        Col = col;
    }

    public string? Name { get; }
    public int Row { get; }
    public int Col { get; }

    /// <summary>The plotly.js trace type: "scatter", "bar", "heatmap".</summary>
    public abstract string PlotlyType { get; }

    /// <summary>What a reader calls it in a summary: "line", "scatter", "bar", "heatmap", "histogram".</summary>
    public abstract string Kind { get; }

    /// <summary>Finite points (or cells) drawn.</summary>
    public abstract int PointCount { get; }

    /// <summary>Legend group: traces sharing it toggle together (one run drawn in several subplots).</summary>
    public string? LegendGroup { get; init; }

    /// <summary>False hides the legend entry (the second appearance of a run in another subplot).</summary>
    public bool ShowLegend { get; init; } = true;

    /// <summary>CSS colour, e.g. "#1f77b4"; null lets plotly.js pick from its colourway.</summary>
    public string? Color { get; init; }

    /// <summary>Opacity in [0, 1]; 1 is opaque.</summary>
    public double Opacity { get; init; } = 1;

    internal void WriteJson(Utf8JsonWriter w, string xAxis, string yAxis)
    {
        w.WriteStartObject();
        w.WriteString("type", PlotlyType);
        if (Name != null) w.WriteString("name", Name);
        if (xAxis != "x") w.WriteString("xaxis", xAxis);
        if (yAxis != "y") w.WriteString("yaxis", yAxis);
        if (LegendGroup != null) w.WriteString("legendgroup", LegendGroup);
        if (!ShowLegend) w.WriteBoolean("showlegend", false);
        if (Opacity != 1) w.WriteNumber("opacity", Opacity);
        WriteBody(w);
        w.WriteEndObject();
    }

    /// <summary>The trace-specific properties (data arrays, mode, marker).</summary>
    protected abstract void WriteBody(Utf8JsonWriter w);

    protected static void CheckSameLength(Numbers x, Numbers y, string? name, string kind)
    {
        if (x.Count != y.Count)
            throw new ArgumentException(
                $"{kind} series \"{name ?? "(unnamed)"}\": x has {x.Count} values but y has {y.Count}; they must have the same length.");
    }
}
