using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// Settings of one plotly.js axis (<c>layout.xaxis</c>, <c>layout.yaxis2</c>, ...). Unset values
/// leave plotly.js's defaults (autorange, linear).
/// </summary>
public sealed class Axis
{
    public string? Title { get; set; }
    /// <summary>Logarithmic scale (plotly.js <c>type: "log"</c>).</summary>
    public bool Log { get; set; }
    /// <summary>Visible range in data units; on a log axis these are values, not exponents.</summary>
    public double? Min { get; set; }
    public double? Max { get; set; }
    /// <summary>Draw from high to low (a heatmap's first row at the top).</summary>
    public bool Reversed { get; set; }
    /// <summary>Tick positions and their labels (category labels of heatmap cells).</summary>
    public double[]? TickValues { get; set; }
    public string[]? TickText { get; set; }
    public bool ShowTickLabels { get; set; } = true;
    /// <summary>Another axis whose range this one follows ("x", "y3"): shared axes of subplots.</summary>
    public string? Matches { get; set; }
    /// <summary>Where the axis spans in the figure, as a fraction of its width or height.</summary>
    public (double Start, double End)? Domain { get; set; }
    /// <summary>The axis this one is drawn against ("y2" for "x2").</summary>
    public string? Anchor { get; set; }

    internal void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Title != null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", Title);
            w.WriteEndObject();
        }
        if (Log) w.WriteString("type", "log");
        if (Min.HasValue || Max.HasValue)
        {
            if (Min.HasValue && Max.HasValue)
            {
                // plotly.js gives a log axis's range in powers of ten.
                w.WriteStartArray("range");
                w.WriteNumberValue(Log ? Math.Log10(Min.Value) : Min.Value);
                w.WriteNumberValue(Log ? Math.Log10(Max.Value) : Max.Value);
                w.WriteEndArray();
                if (Reversed) w.WriteString("autorange", "reversed");
            }
            else
            {
                // One end fixed, the other fitted: plotly.js's "autorange" with a min or max bound.
                w.WriteStartObject("autorangeoptions");
                if (Min.HasValue) w.WriteNumber("minallowed", Log ? Math.Log10(Min.Value) : Min.Value);
                if (Max.HasValue) w.WriteNumber("maxallowed", Log ? Math.Log10(Max.Value) : Max.Value);
                w.WriteEndObject();
                if (Reversed) w.WriteString("autorange", "reversed");
            }
        }
        else if (Reversed) w.WriteString("autorange", "reversed");
        if (TickValues != null && TickText != null)
        {
            w.WriteString("tickmode", "array");
            w.WriteStartArray("tickvals");
            foreach (var v in TickValues) Numbers.WriteValue(w, v);
            w.WriteEndArray();
            w.WriteStartArray("ticktext");
            foreach (var t in TickText) w.WriteStringValue(t);
            w.WriteEndArray();
        }
        if (!ShowTickLabels) w.WriteBoolean("showticklabels", false);
        if (Matches != null) w.WriteString("matches", Matches);
        if (Anchor != null) w.WriteString("anchor", Anchor);
        if (Domain is var (start, end))
        {
            w.WriteStartArray("domain");
            w.WriteNumberValue(Math.Round(start, 6));
            w.WriteNumberValue(Math.Round(end, 6));
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
