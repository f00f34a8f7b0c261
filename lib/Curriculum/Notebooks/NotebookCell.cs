using System.Text.Json.Nodes;

namespace Curriculum.Notebooks;

public enum CellKind { Code, Markdown, Raw }

/// <summary>One cell of a notebook: its source, metadata and (for code) the outputs of its last run.</summary>
public sealed class NotebookCell
{
    public NotebookCell(CellKind kind, string source, string language = "csharp")
    {
        Kind = kind;
        Source = source;
        Language = language;
    }

    public CellKind Kind { get; }
    public string Source { get; set; }
    /// <summary>The .NET Interactive kernel name of a code cell ("csharp", "fsharp", "pwsh", ...).</summary>
    public string Language { get; set; }
    /// <summary>nbformat 4.5 cell id, or null for older notebooks.</summary>
    public string? Id { get; set; }
    /// <summary>The cell's metadata object as read, kept whole so tools' own keys survive a round trip.</summary>
    public JsonObject Metadata { get; set; } = new();
    public List<CellOutput> Outputs { get; } = new();
    public int? ExecutionCount { get; set; }

    /// <summary>Tags from <c>metadata.tags</c> (papermill's "parameters", "injected-parameters").</summary>
    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray a ? a.Select(t => t?.GetValue<string>() ?? "").ToList() : Array.Empty<string>();

    public bool HasTag(string tag) => Tags.Contains(tag);

    public void AddTag(string tag)
    {
        if (Metadata["tags"] is not JsonArray a) Metadata["tags"] = a = new JsonArray();
        if (!HasTag(tag)) a.Add(tag);
    }
}
