using System.Text.Json;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>
/// The figure JSON parsed back and checked against the plotly.js schema's names (plotly.js
/// reference: scatter.mode, layout.xaxis.type, layout.barmode, heatmap.z, axis.matches ...).
/// The browser test (Book) checks the same JSON with plotly.js itself.
/// </summary>
public class FigureJsonTests
{
    static JsonElement Parse(Figure fig) => JsonDocument.Parse(fig.ToJson()).RootElement;

    [Fact]
    public void Lines_with_title_axes_and_log_scale()
    {
        var fig = new Figure()
            .Line(new[] { 0.0, 1, 2 }, new[] { 1.0, 0.5, 0.25 }, name: "cosine")
            .Line(new[] { 0, 1, 2 }, new[] { 1f, 0.1f, 0.01f }, name: "wsd", dash: LineDash.Dash)
            .Title("LR").XAxis("step").YAxis("lr", log: true);
        var root = Parse(fig);
        var data = root.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("scatter", data[0].GetProperty("type").GetString());
        Assert.Equal("lines", data[0].GetProperty("mode").GetString());
        Assert.Equal("cosine", data[0].GetProperty("name").GetString());
        Assert.Equal([1.0, 0.5, 0.25], data[0].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("dash", data[1].GetProperty("line").GetProperty("dash").GetString());
        // float data written in shortest float form: 0.1f is "0.1", not 0.10000000149011612.
        Assert.Contains("[1,0.1,0.01]", fig.ToJson());
        // The first subplot's axes are plotly's defaults "x"/"y": no xaxis/yaxis property on the trace.
        Assert.False(data[0].TryGetProperty("xaxis", out _));
        var layout = root.GetProperty("layout");
        Assert.Equal("LR", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("step", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.False(layout.GetProperty("xaxis").TryGetProperty("type", out _));
    }

    [Fact]
    public void Log_axis_range_is_given_in_powers_of_ten()
    {
        var fig = new Figure().Line(new[] { 1.0, 2 }, new[] { 1e-4, 1e-2 }).YAxis("lr", log: true, min: 1e-5, max: 1e-1);
        var range = Parse(fig).GetProperty("layout").GetProperty("yaxis").GetProperty("range");
        Assert.Equal(-5, range[0].GetDouble(), 12);
        Assert.Equal(-1, range[1].GetDouble(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Figure().YAxis("lr", log: true, min: 0));
    }

    [Fact]
    public void Non_finite_values_become_null_gaps()
    {
        var fig = new Figure().Line(new[] { 0.0, 1, 2, 3 }, new[] { 1.0, double.NaN, double.PositiveInfinity, 2 }, name: "loss")
            .Scatter(new[] { 0f, float.NegativeInfinity }, new[] { 1f, 2f }, name: "pts");
        var data = Parse(fig).GetProperty("data");
        var y = data[0].GetProperty("y");
        Assert.Equal(JsonValueKind.Number, y[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, y[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, y[2].ValueKind);
        Assert.Equal(2.0, y[3].GetDouble());
        Assert.Equal(JsonValueKind.Null, data[1].GetProperty("x")[1].ValueKind);
        Assert.Equal("markers", data[1].GetProperty("mode").GetString());
        Assert.Equal(2, fig.Traces[0].PointCount);
        Assert.Equal(1, fig.Traces[1].PointCount);
    }

    [Fact]
    public void Empty_series_are_allowed()
    {
        var fig = new Figure().Line(Array.Empty<double>(), Array.Empty<double>(), name: "nothing yet").Histogram(Array.Empty<float>());
        var data = Parse(fig).GetProperty("data");
        Assert.Equal(0, data[0].GetProperty("x").GetArrayLength());
        Assert.Equal(0, data[1].GetProperty("y").GetArrayLength());
        Assert.Equal("Figure: 2 traces: line \"nothing yet\" (0 points), histogram (0 bins)", fig.ToString());
    }

    [Fact]
    public void Length_mismatch_names_the_series()
    {
        var e = Assert.Throws<ArgumentException>(() => new Figure().Line(new[] { 1.0, 2 }, new[] { 1.0 }, name: "val loss"));
        Assert.Contains("\"val loss\"", e.Message);
        Assert.Contains("2", e.Message);
        var b = Assert.Throws<ArgumentException>(() => new Figure().Bar(["a", "b"], new[] { 1.0 }, name: "seed 0"));
        Assert.Contains("\"seed 0\"", b.Message);
        var h = Assert.Throws<ArgumentException>(() => new Figure().Heatmap(new float[2, 3], xLabels: ["a", "b"], name: "head 1"));
        Assert.Contains("\"head 1\"", h.Message);
    }

    [Fact]
    public void Bars_of_several_series_are_grouped()
    {
        var fig = new Figure()
            .Bar(["BERT", "T5"], new[] { 1.0, 2 }, name: "seed 0")
            .Bar(["BERT", "T5"], new[] { 1.5, 2.5 }, name: "seed 1", errors: new[] { 0.1, 0.2 });
        var root = Parse(fig);
        Assert.Equal("group", root.GetProperty("layout").GetProperty("barmode").GetString());
        var d1 = root.GetProperty("data")[1];
        Assert.Equal("bar", d1.GetProperty("type").GetString());
        Assert.Equal(["BERT", "T5"], d1.GetProperty("x").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("data", d1.GetProperty("error_y").GetProperty("type").GetString());
        Assert.Equal(0.2, d1.GetProperty("error_y").GetProperty("array")[1].GetDouble());
    }

    [Fact]
    public void Heatmap_keeps_repeated_labels_apart_and_puts_the_first_row_on_top()
    {
        var z = new float[,] { { 1, 0, 0 }, { 0.5f, 0.5f, 0 }, { 0.2f, float.NaN, 0.3f } };
        string[] tokens = ["the", "cat", "the"];
        var fig = new Figure().Heatmap(z, tokens, tokens, zMin: 0, zMax: 1);
        var root = Parse(fig);
        var h = root.GetProperty("data")[0];
        Assert.Equal("heatmap", h.GetProperty("type").GetString());
        Assert.Equal(3, h.GetProperty("z").GetArrayLength());
        Assert.Equal(0.5, h.GetProperty("z")[1][0].GetDouble());
        Assert.Equal(JsonValueKind.Null, h.GetProperty("z")[2][1].ValueKind);
        Assert.Equal(1.0, h.GetProperty("zmax").GetDouble());
        var layout = root.GetProperty("layout");
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        var x = layout.GetProperty("xaxis");
        Assert.Equal("array", x.GetProperty("tickmode").GetString());
        Assert.Equal([0.0, 1, 2], x.GetProperty("tickvals").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(tokens, x.GetProperty("ticktext").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(8, fig.Traces[0].PointCount);
    }

    [Fact]
    public void Subplots_place_traces_on_their_axes_and_share_x()
    {
        var fig = Figure.Subplots(2, 2, shareX: true, titles: ["a", "b", "c"])
            .Line(new[] { 1.0, 2 }, new[] { 1.0, 2 }, row: 1, col: 1)
            .Line(new[] { 1.0, 2 }, new[] { 3.0, 4 }, row: 2, col: 2);
        var root = Parse(fig);
        var data = root.GetProperty("data");
        Assert.False(data[0].TryGetProperty("xaxis", out _));
        Assert.Equal("x4", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y4", data[1].GetProperty("yaxis").GetString());
        var layout = root.GetProperty("layout");
        // make_subplots(rows=2, cols=2): horizontal spacing 0.2/2, vertical 0.3/2.
        Assert.Equal([0.0, 0.45], layout.GetProperty("xaxis").GetProperty("domain").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.55, 1.0], layout.GetProperty("xaxis2").GetProperty("domain").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.575, 1.0], layout.GetProperty("yaxis").GetProperty("domain").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.0, 0.425], layout.GetProperty("yaxis3").GetProperty("domain").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("y2", layout.GetProperty("xaxis2").GetProperty("anchor").GetString());
        // Top row follows the bottom row of its column and hides its tick labels.
        Assert.Equal("x3", layout.GetProperty("xaxis").GetProperty("matches").GetString());
        Assert.Equal("x4", layout.GetProperty("xaxis2").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("xaxis").GetProperty("showticklabels").GetBoolean());
        Assert.False(layout.GetProperty("xaxis3").TryGetProperty("matches", out _));
        var ann = layout.GetProperty("annotations");
        Assert.Equal(3, ann.GetArrayLength());
        Assert.Equal("b", ann[1].GetProperty("text").GetString());
        Assert.Equal(0.775, ann[1].GetProperty("x").GetDouble(), 12);
        Assert.Equal(1.0, ann[1].GetProperty("y").GetDouble(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => fig.Line(new[] { 1.0 }, new[] { 1.0 }, row: 3));
        // A log scale set on one of a shared group applies to the group (plotly.js matches only like axes).
        fig.XAxis("step", log: true, row: 2, col: 1);
        layout = Parse(fig).GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.False(layout.GetProperty("xaxis2").TryGetProperty("type", out _));
    }

    [Fact]
    public void Legend_positions()
    {
        var layout = Parse(new Figure().Line(new[] { 1.0 }, name: "loss").Legend(LegendPosition.Below)).GetProperty("layout");
        Assert.Equal("h", layout.GetProperty("legend").GetProperty("orientation").GetString());
        // plotly.js hides the legend of a lone trace unless told: a placed legend is shown.
        Assert.True(layout.GetProperty("showlegend").GetBoolean());
        var unnamed = Parse(new Figure().Line(new[] { 1.0 }).Legend(LegendPosition.TopLeft)).GetProperty("layout");
        Assert.False(unnamed.TryGetProperty("legend", out _));
        var hidden = Parse(new Figure().Line(new[] { 1.0 }).Legend(LegendPosition.Hidden)).GetProperty("layout");
        Assert.False(hidden.GetProperty("showlegend").GetBoolean());
    }
}
