using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// A plotly.js "heatmap" trace: z[row, col] drawn as a grid of colours (an attention map is
/// z[query, key]). Cells sit at x = 0..cols-1, y = 0..rows-1; the figure labels those positions
/// with tick text, so repeated labels (the same token twice) stay separate cells.
/// </summary>
public sealed class HeatmapTrace : Trace
{
    readonly double[,] z;

    public HeatmapTrace(double[,] z, string? name, int row, int col) : base(name, row, col)
    {
        this.z = z ?? throw new ArgumentNullException(nameof(z));
    }

    public int Rows => z.GetLength(0);
    public int Cols => z.GetLength(1);
    public double this[int r, int c] => z[r, c];

    /// <summary>A plotly.js colour scale name ("Viridis", "Blues", "RdBu", ...).</summary>
    public string ColorScale { get; init; } = "Viridis";

    /// <summary>Fixed ends of the colour scale (e.g. 0 and 1 for attention weights); null fits the data.</summary>
    public double? ZMin { get; init; }
    public double? ZMax { get; init; }

    public override string PlotlyType => "heatmap";
    public override string Kind => "heatmap";

    public override int PointCount
    {
        get
        {
            int n = 0;
            foreach (var v in z) if (double.IsFinite(v)) n++;
            return n;
        }
    }

    protected override void WriteBody(Utf8JsonWriter w)
    {
        w.WriteStartArray("z");
        for (int r = 0; r < Rows; r++)
        {
            w.WriteStartArray();
            for (int c = 0; c < Cols; c++) Numbers.WriteValue(w, z[r, c]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteString("colorscale", ColorScale);
        if (ZMin is double lo) w.WriteNumber("zmin", lo);
        if (ZMax is double hi) w.WriteNumber("zmax", hi);
    }
}
