using System.Globalization;
using System.Text;
using System.Text.Json;
using Curriculum.Notebooks;

namespace Curriculum.Plotting;

/// <summary>
/// A plotly.js figure built fluently, shown in a notebook with <c>display(fig)</c>:
/// <code>
/// new Figure().Line(steps, cosine, name: "cosine").Line(steps, wsd, name: "wsd")
///     .Title("Learning rate").XAxis("step").YAxis("lr", log: true)
/// </code>
/// A grid of subplots is <c>Figure.Subplots(rows, cols, shareX: true)</c>, then each trace names
/// its <c>row</c> and <c>col</c> (from 1, as plotly's make_subplots). <see cref="ToJson"/> gives
/// the <c>{data, layout}</c> object of the plotly.js schema.
/// </summary>
[TypeFormatterSource(typeof(KernelFormatterSource), PreferredMimeTypes = [PlotlyMimeType, MimeBundle.Html, MimeBundle.PlainText])]
public sealed class Figure : IMimeRenderable
{
    readonly List<Trace> traces = [];
    readonly Axis[] xAxes, yAxes;
    readonly string[]? subplotTitles;
    LegendPosition legend = LegendPosition.Right;

    public Figure() : this(1, 1, false, false, null) { }

    Figure(int rows, int cols, bool shareX, bool shareY, IReadOnlyList<string>? titles)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"A figure needs at least one row and one column, got {rows}x{cols}.");
        if (titles != null && titles.Count > rows * cols)
            throw new ArgumentException($"{titles.Count} subplot titles for a {rows}x{cols} grid of {rows * cols} subplots.", nameof(titles));
        Rows = rows;
        Cols = cols;
        subplotTitles = titles?.ToArray();
        xAxes = new Axis[rows * cols];
        yAxes = new Axis[rows * cols];
        for (int i = 0; i < xAxes.Length; i++) { xAxes[i] = new Axis(); yAxes[i] = new Axis(); }
        if (rows * cols > 1) LayOutGrid(shareX, shareY);
    }

    /// <summary>
    /// A rows x cols grid of subplots, like plotly's make_subplots: <paramref name="shareX"/> makes
    /// the subplots of a column follow one x range (tick labels on the bottom row only),
    /// <paramref name="shareY"/> the subplots of a row one y range (labels on the first column).
    /// <paramref name="titles"/> go above the subplots, row by row.
    /// </summary>
    public static Figure Subplots(int rows, int cols, bool shareX = false, bool shareY = false, IReadOnlyList<string>? titles = null) =>
        new(rows, cols, shareX, shareY, titles);

    public int Rows { get; }
    public int Cols { get; }
    public IReadOnlyList<Trace> Traces => traces;
    public string? TitleText { get; private set; }
    /// <summary>Size in pixels; a null width fills the page (the snapshot uses 800).</summary>
    public int? Width { get; private set; }
    public int Height { get; private set; } = 0;

    /// <summary>The height drawn when none is set: 400 px for one row, 280 px per row beyond.</summary>
    public int EffectiveHeight => Height > 0 ? Height : (Rows == 1 ? 400 : 120 + 280 * Rows);

    // ---- traces ------------------------------------------------------------------------------

    /// <summary>A line through (x[i], y[i]); non-finite values leave a gap.</summary>
    public Figure Line(Numbers x, Numbers y, string? name = null, int row = 1, int col = 1,
        string? color = null, LineDash dash = LineDash.Solid, double? width = null, double opacity = 1,
        string? legendGroup = null, bool showLegend = true) =>
        Add(new LineTrace(x, y, name, markers: false, row, col)
        {
            Color = color, Dash = dash, Width = width, Opacity = opacity, LegendGroup = legendGroup, ShowLegend = showLegend,
        });

    /// <summary>A line through (i, y[i]), i = 0, 1, ...</summary>
    public Figure Line(Numbers y, string? name = null, int row = 1, int col = 1, string? color = null, LineDash dash = LineDash.Solid) =>
        Line(Numbers.Range(y.Count), y, name, row, col, color, dash);

    /// <summary>Points (x[i], y[i]), with optional hover <paramref name="labels"/> per point.</summary>
    public Figure Scatter(Numbers x, Numbers y, string? name = null, IReadOnlyList<string>? labels = null,
        int row = 1, int col = 1, string? color = null, double? size = null)
    {
        if (labels != null && labels.Count != y.Count)
            throw new ArgumentException($"Scatter series \"{name ?? "(unnamed)"}\": {labels.Count} labels for {y.Count} points.", nameof(labels));
        return Add(new LineTrace(x, y, name, markers: true, row, col) { Text = labels, Color = color, Width = size });
    }

    /// <summary>
    /// One bar per category. Call again with the same categories for another series: the bars are
    /// grouped side by side. <paramref name="errors"/> draws error bars (e.g. std across seeds).
    /// </summary>
    public Figure Bar(IReadOnlyList<string> categories, Numbers values, string? name = null, Numbers? errors = null,
        int row = 1, int col = 1, string? color = null)
    {
        if (errors is Numbers e && e.Count != values.Count)
            throw new ArgumentException($"Bar series \"{name ?? "(unnamed)"}\": {e.Count} error values for {values.Count} bars.", nameof(errors));
        return Add(new BarTrace(categories, values, name, row, col) { Errors = errors, Color = color });
    }

    /// <summary>
    /// A heatmap of z[row, col] with the first row at the top, as an attention map (query by key)
    /// is read. Labels name the columns (<paramref name="xLabels"/>) and rows (<paramref name="yLabels"/>).
    /// </summary>
    public Figure Heatmap(float[,] z, IReadOnlyList<string>? xLabels = null, IReadOnlyList<string>? yLabels = null,
        string colorScale = "Viridis", double? zMin = null, double? zMax = null, int row = 1, int col = 1, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        var d = new double[z.GetLength(0), z.GetLength(1)];
        for (int r = 0; r < d.GetLength(0); r++)
            for (int c = 0; c < d.GetLength(1); c++) d[r, c] = z[r, c];
        return Heatmap(d, xLabels, yLabels, colorScale, zMin, zMax, row, col, name);
    }

    /// <inheritdoc cref="Heatmap(float[,], IReadOnlyList{string}?, IReadOnlyList{string}?, string, double?, double?, int, int, string?)"/>
    public Figure Heatmap(double[,] z, IReadOnlyList<string>? xLabels = null, IReadOnlyList<string>? yLabels = null,
        string colorScale = "Viridis", double? zMin = null, double? zMax = null, int row = 1, int col = 1, string? name = null)
    {
        var trace = new HeatmapTrace(z, name, row, col) { ColorScale = colorScale, ZMin = zMin, ZMax = zMax };
        if (xLabels != null && xLabels.Count != trace.Cols)
            throw new ArgumentException($"Heatmap \"{name ?? "(unnamed)"}\": {xLabels.Count} x labels for {trace.Cols} columns.", nameof(xLabels));
        if (yLabels != null && yLabels.Count != trace.Rows)
            throw new ArgumentException($"Heatmap \"{name ?? "(unnamed)"}\": {yLabels.Count} y labels for {trace.Rows} rows.", nameof(yLabels));
        Add(trace);
        int k = CellIndex(row, col);
        yAxes[k].Reversed = true;
        if (xLabels != null) Label(xAxes[k], xLabels);
        if (yLabels != null) Label(yAxes[k], yLabels);
        return this;

        static void Label(Axis axis, IReadOnlyList<string> labels)
        {
            axis.TickValues = new double[labels.Count];
            for (int i = 0; i < labels.Count; i++) axis.TickValues[i] = i;
            axis.TickText = labels.ToArray();
        }
    }

    /// <summary>A histogram of the finite values in <paramref name="bins"/> equal bins (numpy.histogram's rule).</summary>
    public Figure Histogram(Numbers values, int bins = 30, string? name = null, int row = 1, int col = 1, string? color = null, double opacity = 1) =>
        Add(new HistogramTrace(values, bins, name, row, col) { Color = color, Opacity = opacity });

    /// <summary>Adds a trace built by hand (any <see cref="Trace"/>).</summary>
    public Figure Add(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        CellIndex(trace.Row, trace.Col);
        traces.Add(trace);
        return this;
    }

    // ---- layout ------------------------------------------------------------------------------

    public Figure Title(string title) { TitleText = title; return this; }

    /// <summary>Names the x axis of a subplot; <paramref name="log"/> makes it logarithmic; min/max fix its range.</summary>
    public Figure XAxis(string? title = null, bool log = false, double? min = null, double? max = null, int row = 1, int col = 1) =>
        SetAxis(xAxes[CellIndex(row, col)], title, log, min, max);

    /// <inheritdoc cref="XAxis"/>
    public Figure YAxis(string? title = null, bool log = false, double? min = null, double? max = null, int row = 1, int col = 1) =>
        SetAxis(yAxes[CellIndex(row, col)], title, log, min, max);

    public Figure Legend(LegendPosition position) { legend = position; return this; }

    /// <summary>Size in pixels; leave width null to fill the page's width.</summary>
    public Figure Size(int? width, int height)
    {
        if (width is < 50 || height < 50) throw new ArgumentOutOfRangeException(nameof(height), $"Figure size {width}x{height} px is too small (50 px at least).");
        Width = width;
        Height = height;
        return this;
    }

    /// <summary>The x (or y) axis of a subplot, for settings the fluent methods do not cover.</summary>
    public Axis XAxisOf(int row = 1, int col = 1) => xAxes[CellIndex(row, col)];
    public Axis YAxisOf(int row = 1, int col = 1) => yAxes[CellIndex(row, col)];

    Figure SetAxis(Axis axis, string? title, bool log, double? min, double? max)
    {
        if (log && (min is <= 0 || max is <= 0))
            throw new ArgumentOutOfRangeException(nameof(min), $"A log axis needs a positive range, got min {min}, max {max}.");
        if (title != null) axis.Title = title;
        // Shared axes follow one range, so they must share one scale: plotly.js ignores "matches"
        // between a log and a linear axis.
        foreach (var other in xAxes.Contains(axis) ? xAxes : yAxes)
            if (other != axis && SameScaleGroup(axis, other)) other.Log = log;
        axis.Log = log;
        axis.Min = min;
        axis.Max = max;
        return this;
    }

    bool SameScaleGroup(Axis a, Axis b)
    {
        var axes = xAxes.Contains(a) ? xAxes : yAxes;
        Axis Root(Axis x) => x.Matches == null ? x : axes[x.Matches.Length == 1 ? 0 : int.Parse(x.Matches[1..], CultureInfo.InvariantCulture) - 1];
        return Root(a) == Root(b);
    }

    int CellIndex(int row, int col)
    {
        if (row < 1 || row > Rows || col < 1 || col > Cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"Subplot (row {row}, col {col}) is outside this {Rows}x{Cols} figure (rows and cols count from 1).");
        return (row - 1) * Cols + (col - 1);
    }

    // plotly names the k-th subplot's axes "x", "x2", ..., as make_subplots does (k from 0 here).
    static string AxisName(char xy, int k) => k == 0 ? xy.ToString() : xy + (k + 1).ToString(CultureInfo.InvariantCulture);

    // make_subplots' default spacing: 0.2/cols between columns, 0.3/rows between rows.
    void LayOutGrid(bool shareX, bool shareY)
    {
        double hs = 0.2 / Cols, vs = 0.3 / Rows;
        double w = (1 - hs * (Cols - 1)) / Cols, h = (1 - vs * (Rows - 1)) / Rows;
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Cols; c++)
            {
                int k = r * Cols + c;
                double x0 = c * (w + hs), top = 1 - r * (h + vs);
                xAxes[k].Domain = (x0, x0 + w);
                yAxes[k].Domain = (top - h, top);
                xAxes[k].Anchor = AxisName('y', k);
                yAxes[k].Anchor = AxisName('x', k);
                if (shareX && r < Rows - 1)
                {
                    xAxes[k].Matches = AxisName('x', (Rows - 1) * Cols + c);
                    xAxes[k].ShowTickLabels = false;
                }
                if (shareY && c > 0)
                {
                    yAxes[k].Matches = AxisName('y', r * Cols);
                    yAxes[k].ShowTickLabels = false;
                }
            }
    }

    // ---- output ------------------------------------------------------------------------------

    /// <summary>The figure as plotly.js JSON: <c>{"data": [traces], "layout": {...}}</c>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var t in traces)
            {
                int k = CellIndex(t.Row, t.Col);
                t.WriteJson(w, AxisName('x', k), AxisName('y', k));
            }
            w.WriteEndArray();
            w.WritePropertyName("layout");
            WriteLayout(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    void WriteLayout(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (TitleText != null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", TitleText);
            w.WriteEndObject();
        }
        for (int k = 0; k < xAxes.Length; k++)
        {
            w.WritePropertyName(k == 0 ? "xaxis" : "xaxis" + (k + 1).ToString(CultureInfo.InvariantCulture));
            xAxes[k].WriteJson(w);
            w.WritePropertyName(k == 0 ? "yaxis" : "yaxis" + (k + 1).ToString(CultureInfo.InvariantCulture));
            yAxes[k].WriteJson(w);
        }
        if (traces.Exists(t => t is BarTrace)) w.WriteString("barmode", "group");
        WriteLegend(w);
        if (Width is int width) w.WriteNumber("width", width);
        w.WriteNumber("height", EffectiveHeight);
        w.WriteStartObject("margin");
        w.WriteNumber("t", TitleText != null || subplotTitles != null ? 60 : 30);
        w.WriteNumber("r", 30);
        w.WriteEndObject();
        if (subplotTitles != null)
        {
            w.WriteStartArray("annotations");
            for (int k = 0; k < subplotTitles.Length; k++)
            {
                var (x0, x1) = xAxes[k].Domain ?? (0, 1);
                var (_, top) = yAxes[k].Domain ?? (0, 1);
                w.WriteStartObject();
                w.WriteString("text", subplotTitles[k]);
                w.WriteBoolean("showarrow", false);
                w.WriteString("xref", "paper");
                w.WriteString("yref", "paper");
                w.WriteNumber("x", Math.Round((x0 + x1) / 2, 6));
                w.WriteNumber("y", Math.Round(top, 6));
                w.WriteString("xanchor", "center");
                w.WriteString("yanchor", "bottom");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    void WriteLegend(Utf8JsonWriter w)
    {
        if (legend == LegendPosition.Right) return;
        if (legend == LegendPosition.Hidden) { w.WriteBoolean("showlegend", false); return; }
        // A placed legend is shown even for one named trace (plotly.js hides a lone trace's legend,
        // and then rejects the legend settings); with no named trace there is nothing to show.
        if (!traces.Exists(t => t.Name != null && t.ShowLegend)) return;
        w.WriteBoolean("showlegend", true);
        w.WriteStartObject("legend");
        var (x, y, xa, ya) = legend switch
        {
            LegendPosition.TopLeft => (0.01, 0.99, "left", "top"),
            LegendPosition.TopRight => (0.99, 0.99, "right", "top"),
            LegendPosition.BottomLeft => (0.01, 0.01, "left", "bottom"),
            LegendPosition.BottomRight => (0.99, 0.01, "right", "bottom"),
            _ => (0.5, -0.15, "center", "top"),
        };
        if (legend == LegendPosition.Below) w.WriteString("orientation", "h");
        w.WriteNumber("x", x);
        w.WriteNumber("y", y);
        w.WriteString("xanchor", xa);
        w.WriteString("yanchor", ya);
        if (legend != LegendPosition.Below) w.WriteString("bgcolor", "rgba(255,255,255,0.7)");
        w.WriteEndObject();
    }

    /// <summary>One line: title, grid, and each trace with its points, e.g.
    /// <c>Figure "LR": 2 traces: line "cosine" (100 points), line "wsd" (100 points)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Figure");
        if (TitleText != null) sb.Append(" \"").Append(TitleText).Append('"');
        if (Rows * Cols > 1) sb.Append(CultureInfo.InvariantCulture, $" ({Rows}x{Cols} subplots)");
        sb.Append(CultureInfo.InvariantCulture, $": {traces.Count} trace{(traces.Count == 1 ? "" : "s")}");
        const int listed = 6;
        for (int i = 0; i < traces.Count && i < listed; i++)
        {
            var t = traces[i];
            sb.Append(i == 0 ? ": " : ", ").Append(t.Kind);
            if (t.Name != null) sb.Append(" \"").Append(t.Name).Append('"');
            string unit = t is HeatmapTrace ? "cells" : t is HistogramTrace ? "bins" : "points";
            sb.Append(CultureInfo.InvariantCulture, $" ({t.PointCount} {unit})");
        }
        if (traces.Count > listed) sb.Append(CultureInfo.InvariantCulture, $", and {traces.Count - listed} more");
        return sb.ToString();
    }

    /// <summary>
    /// The notebook output: the plotly mime type (drawn natively by VS Code and JupyterLab),
    /// text/html (a div that draws itself where plotly.js is on the page, showing the snapshot
    /// until then), a static SVG when <see cref="FigureSnapshots"/> can render one, and the
    /// one-line text summary.
    /// </summary>
    public MimeBundle ToMimeBundle()
    {
        string json = ToJson();
        string? svg = FigureSnapshots.TryRender(json, Width ?? FigureSnapshots.DefaultWidth, EffectiveHeight);
        var bundle = new MimeBundle
        {
            [PlotlyMimeType] = json,
            [MimeBundle.Html] = FigureHtml.ForNotebook(json, svg),
            [MimeBundle.PlainText] = ToString(),
        };
        if (svg != null) bundle[SvgMimeType] = svg;
        return bundle;
    }

    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";
    public const string SvgMimeType = "image/svg+xml";
}
