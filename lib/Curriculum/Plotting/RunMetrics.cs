using System.Globalization;
using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// The metrics log of one training run, read from JSON Lines: one object per logged step, e.g.
/// <c>{"step": 100, "tokens": 51200, "loss": 3.21, "lr": 0.0006, "grad_norm": 0.8, "loss/mlm": 2.9}</c>.
/// Numbers are kept per field; null, "NaN" and "Infinity" become NaN / infinities (gaps in a
/// figure); other strings and booleans are ignored. Fields logged only on some steps (an eval loss
/// every 500 steps) are simply absent on the others.
/// </summary>
public sealed class RunMetrics
{
    readonly List<Dictionary<string, double>> rows;

    public RunMetrics(string name, IEnumerable<IReadOnlyDictionary<string, double>> rows)
    {
        Name = name;
        this.rows = rows.Select(r => new Dictionary<string, double>(r, StringComparer.Ordinal)).ToList();
    }

    RunMetrics(string name, List<Dictionary<string, double>> rows)
    {
        Name = name;
        this.rows = rows;
    }

    /// <summary>The run's name in legends.</summary>
    public string Name { get; }
    public int Count => rows.Count;
    public IReadOnlyDictionary<string, double> this[int i] => rows[i];

    /// <summary>Whether any row logs <paramref name="field"/>.</summary>
    public bool Has(string field) => rows.Exists(r => r.ContainsKey(field));

    /// <summary>
    /// Reads a metrics JSONL file. <paramref name="name"/> defaults to the file's folder name
    /// (runs/&lt;name&gt;/metrics.jsonl) or, for a bare file, its name without extension.
    /// A last line without its newline (a run still writing) is left out; any other line that is
    /// not a JSON object is an error naming the file and line.
    /// </summary>
    public static RunMetrics Load(string path, string? name = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot read the metrics log ({e.Message}).", e);
        }
        name ??= DefaultName(path);
        var lines = text.Split('\n');
        var rows = new List<Dictionary<string, double>>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            bool partialLast = i == lines.Length - 1;
            try
            {
                rows.Add(ParseRow(line));
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                if (partialLast) break;
                throw new InvalidDataException($"{path}:{i + 1}: expected one JSON object per line ({e.Message}).", e);
            }
        }
        return new RunMetrics(name, rows);
    }

    static string DefaultName(string path)
    {
        string full = Path.GetFullPath(path);
        string stem = Path.GetFileNameWithoutExtension(full);
        string? dir = Path.GetFileName(Path.GetDirectoryName(full));
        return stem == "metrics" && !string.IsNullOrEmpty(dir) ? dir : stem;
    }

    static Dictionary<string, double> ParseRow(string line)
    {
        using var doc = JsonDocument.Parse(line);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException($"found a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object");
        var row = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    row[p.Name] = p.Value.GetDouble();
                    break;
                case JsonValueKind.Null:
                    row[p.Name] = double.NaN;
                    break;
                case JsonValueKind.String:
                    // Python's json writes NaN/Infinity bare; some writers quote them.
                    if (double.TryParse(p.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                        && (double.IsNaN(v) || double.IsInfinity(v)))
                        row[p.Name] = v;
                    break;
            }
        }
        return row;
    }

    /// <summary>
    /// The (x, y) pairs of the rows that log both fields, in file order; a y that is NaN stays
    /// (a gap), a row without x or y is left out.
    /// </summary>
    public (double[] X, double[] Y) Series(string xField, string yField)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var r in rows)
        {
            if (!r.TryGetValue(xField, out double x) || !double.IsFinite(x)) continue;
            if (!r.TryGetValue(yField, out double y)) continue;
            xs.Add(x);
            ys.Add(y);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    public override string ToString() => $"RunMetrics \"{Name}\": {Count} rows";
}
