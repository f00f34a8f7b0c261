using System.Globalization;
using System.Text.Json.Nodes;

namespace Curriculum.Notebooks;

/// <summary>
/// One executed notebook as a chapter of the book: its page, title and what the executor recorded
/// (run time, status, when) in the notebook metadata <c>curriculum</c>.
/// </summary>
public sealed record BookChapter(string SourcePath, string PageFile, string Title, NotebookDocument Document)
{
    /// <summary>Total run time (metadata curriculum.duration_s), or null for a notebook not executed.</summary>
    public double? DurationSeconds => Number(Document.Metadata["curriculum"]?["duration_s"]);

    /// <summary>"passed" or "failed" as the executor wrote it, or null.</summary>
    public string? Status => (Document.Metadata["curriculum"]?["status"] as JsonValue)?.ToString();

    public string? ExecutedAt => (Document.Metadata["curriculum"]?["executed_at"] as JsonValue)?.ToString();

    /// <summary>Run time of one code cell (cell metadata curriculum.duration_s), or null.</summary>
    public static double? CellDuration(NotebookCell cell) => Number(cell.Metadata["curriculum"]?["duration_s"]);

    static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) ? d : null;

    /// <summary>"0.42 s", "12.3 s", "2 min 05 s".</summary>
    public static string FormatDuration(double seconds) => seconds switch
    {
        < 10 => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s",
        < 60 => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => $"{(int)(seconds / 60)} min {(int)(seconds % 60):00} s",
    };
}
