using System.Text.Json.Nodes;
using Curriculum.Notebooks;

namespace Curriculum.Tests.Notebooks;

/// <summary>Writes small notebooks for the executor tests into a fresh temporary folder.</summary>
sealed class NotebookBuilder : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "curriculum-nb-" + Guid.NewGuid().ToString("N")[..8]);
    readonly NotebookDocument _doc = new() { Metadata = NotebookDocument.DotNetInteractiveMetadata() };

    public NotebookBuilder() => System.IO.Directory.CreateDirectory(Directory);

    public NotebookBuilder Code(string source, params string[] tags)
    {
        var cell = new NotebookCell(CellKind.Code, source);
        foreach (var t in tags) cell.AddTag(t);
        _doc.Cells.Add(cell);
        return this;
    }

    public NotebookBuilder Markdown(string source)
    {
        _doc.Cells.Add(new NotebookCell(CellKind.Markdown, source));
        return this;
    }

    public string Save(string name = "test.ipynb")
    {
        var path = Path.Combine(Directory, name);
        _doc.Save(path);
        return path;
    }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public static JsonObject ReadJson(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
