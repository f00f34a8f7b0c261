using System.Text.Json.Nodes;
using Curriculum.Json;

namespace Curriculum.Notebooks;

/// <summary>
/// Reads .NET Interactive's plain-text <c>.dib</c> format: sections that start with a line
/// <c>#!csharp</c>, <c>#!markdown</c>, <c>#!meta</c> (notebook metadata as JSON) or another kernel's name.
/// </summary>
public static class DibFormat
{
    // Kernel names .NET Interactive writes as section headers; any other "#!" line is a magic command inside a cell.
    static readonly HashSet<string> SectionNames = new(StringComparer.Ordinal)
    {
        "csharp", "c#", "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "meta", "mermaid", "sql", "kql", "value", "http",
    };

    public static NotebookDocument Parse(string text, string path)
    {
        var doc = new NotebookDocument { Metadata = NotebookDocument.DotNetInteractiveMetadata() };
        var lines = text.Replace("\r\n", "\n").Split('\n');
        string? section = null;
        int sectionLine = 0;
        var body = new List<string>();

        void Flush()
        {
            if (section == null) return;
            string content = string.Join("\n", body).Trim('\n');
            body.Clear();
            switch (section)
            {
                case "meta":
                    ReadMeta(content, doc, path, sectionLine);
                    break;
                case "markdown" or "md":
                    doc.Cells.Add(new NotebookCell(CellKind.Markdown, content));
                    break;
                default:
                    doc.Cells.Add(new NotebookCell(CellKind.Code, content, section == "c#" ? "csharp" : section == "f#" ? "fsharp" : section));
                    break;
            }
        }

        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("#!", StringComparison.Ordinal) && SectionNames.Contains(line[2..].Trim()))
            {
                Flush();
                section = line[2..].Trim();
                sectionLine = i + 1;
            }
            else if (section == null)
            {
                if (line.Trim().Length > 0)
                    throw new NotebookFormatException(path, $"line {i + 1}: expected a section header such as #!csharp or #!markdown before any content");
            }
            else body.Add(line);
        }
        Flush();
        return doc;
    }

    static void ReadMeta(string json, NotebookDocument doc, string path, int line)
    {
        if (json.Length == 0) return;
        try
        {
            if (StrictJson.ParseNode(json) is JsonObject meta && meta["kernelInfo"] is JsonObject kernelInfo)
                doc.Metadata["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = kernelInfo.DeepClone() };
        }
        catch (JsonTextException e)
        {
            throw new NotebookFormatException(path, $"#!meta section at line {line}, its {e.Message}", e);
        }
    }
}
