using System.Text.Json.Nodes;

namespace Curriculum.Notebooks;

/// <summary>
/// A notebook in memory: cells plus notebook-level metadata. Read from <c>.ipynb</c> (nbformat 4)
/// or <c>.dib</c>; always written as <c>.ipynb</c> with the .NET Interactive kernel metadata, so
/// the file opens in VS Code (Polyglot Notebooks) and Jupyter.
/// </summary>
public sealed class NotebookDocument
{
    public List<NotebookCell> Cells { get; } = new();
    public JsonObject Metadata { get; set; } = new();
    public int FormatMinor { get; set; } = 5;

    /// <summary>Reads a <c>.ipynb</c> or <c>.dib</c> file (chosen by extension).</summary>
    public static NotebookDocument Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, "cannot be read: " + e.Message, e);
        }
        return Path.GetExtension(path).Equals(".dib", StringComparison.OrdinalIgnoreCase)
            ? DibFormat.Parse(text, path)
            : IpynbFormat.Parse(text, path);
    }

    /// <summary>Writes the notebook as <c>.ipynb</c>, atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllText(tmp, IpynbFormat.Serialize(this));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>The notebook-level metadata that .NET Interactive / Polyglot Notebooks expects for C#.</summary>
    public static JsonObject DotNetInteractiveMetadata() => new()
    {
        ["kernelspec"] = new JsonObject
        {
            ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp",
        },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        },
    };
}
