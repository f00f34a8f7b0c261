using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// A plotly.js "bar" trace. Several bar traces in one subplot are drawn side by side
/// (<c>layout.barmode = "group"</c>): one trace per series, one bar per category.
/// </summary>
public sealed class BarTrace : Trace
{
    public BarTrace(IReadOnlyList<string> categories, Numbers values, string? name, int row, int col) : base(name, row, col)
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Count != values.Count)
            throw new ArgumentException(
                $"Bar series \"{name ?? "(unnamed)"}\": {categories.Count} categories but {values.Count} values; they must have the same length.");
        Categories = categories;
        Values = values;
    }

    public IReadOnlyList<string> Categories { get; }
    public Numbers Values { get; }

    /// <summary>Error bar half-widths per bar (e.g. the standard deviation across seeds), or null.</summary>
    public Numbers? Errors { get; init; }

    public override string PlotlyType => "bar";
    public override string Kind => "bar";
    public override int PointCount => Values.FiniteCount();

    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteStartArray("x");
        foreach (var c in Categories) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WritePropertyName("y");
        Values.WriteJsonArray(w);
        if (Errors is Numbers e)
        {
            w.WriteStartObject("error_y");
            w.WriteString("type", "data");
            w.WritePropertyName("array");
            e.WriteJsonArray(w);
            w.WriteBoolean("visible", true);
            w.WriteEndObject();
        }
        if (Color != null)
        {
            w.WriteStartObject("marker");
            w.WriteString("color", Color);
            w.WriteEndObject();
        }
    }
}
