using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Curriculum.Json;

namespace Curriculum.Notebooks;

/// <summary>
/// Reads and writes Jupyter's nbformat 4 JSON (https://nbformat.readthedocs.io). A damaged file is a
/// <see cref="NotebookFormatException"/> naming the place: the line and column of a JSON error or of a key written
/// twice, the cell and output, or the JSON path of a field of the wrong type.
/// </summary>
public static class IpynbFormat
{
    public static NotebookDocument Parse(string json, string path)
    {
        JsonNode? root;
        try { root = StrictJson.ParseNode(json); }
        catch (JsonTextException e) { throw new NotebookFormatException(path, e.Message, e); }
        if (root is not JsonObject nb) throw new NotebookFormatException(path, "expected a JSON object at the top level");
        if (Integer(nb["nbformat"]) != 4)
            throw new NotebookFormatException(path, $"field 'nbformat': expected 4 (only nbformat 4 notebooks are supported), found {Describe(nb["nbformat"])}");
        int minor = 0;
        if (nb["nbformat_minor"] is { } m)
            minor = Integer(m) is int n && n >= 0 ? n : throw new NotebookFormatException(path, $"field 'nbformat_minor': expected a non-negative integer, found {Describe(m)}");
        var doc = new NotebookDocument
        {
            FormatMinor = minor,
            Metadata = nb["metadata"] switch
            {
                null => new JsonObject(),
                JsonObject o => o,
                var other => throw new NotebookFormatException(path, $"field 'metadata': expected an object, found {Describe(other)}"),
            },
        };
        doc.Metadata.Parent?.AsObject().Remove("metadata");
        if (nb["cells"] is not JsonArray cells) throw new NotebookFormatException(path, "field 'cells': expected an array");
        string defaultLanguage = OptionalString(doc.Metadata, path, "metadata", "polyglot_notebook", "kernelInfo", "defaultKernelName") ?? "csharp";
        for (int i = 0; i < cells.Count; i++)
            doc.Cells.Add(ParseCell(cells[i], i + 1, path, defaultLanguage));
        return doc;
    }

    // An integer that fits an int, or null (a string, a fraction, 1e400, 2147483648).
    static int? Integer(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int i) ? i : null;

    static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "a string",
        JsonValue v => v.ToJsonString(),
        JsonArray => "an array",
        _ => "an object",
    };

    /// <summary>The string at <paramref name="keys"/> below <paramref name="o"/>, or null where a key is absent; a node of another type is an error.</summary>
    static string? OptionalString(JsonObject o, string path, string where, params string[] keys)
    {
        JsonNode? node = o;
        for (int i = 0; i < keys.Length; i++)
        {
            where += "." + keys[i];
            node = ((JsonObject)node!)[keys[i]];
            if (node == null) return null;
            bool last = i == keys.Length - 1;
            if (last ? node is not JsonValue s || s.GetValueKind() != JsonValueKind.String : node is not JsonObject)
                throw new NotebookFormatException(path, $"field '{where}': expected {(last ? "a string" : "an object")}, found {Describe(node)}");
        }
        return node!.GetValue<string>();
    }

    static NotebookCell ParseCell(JsonNode? node, int number, string path, string defaultLanguage)
    {
        string where = $"cell {number}";
        if (node is not JsonObject c) throw new NotebookFormatException(path, $"{where}: expected an object");
        var kind = (c["cell_type"] as JsonValue)?.ToString() switch
        {
            "code" => CellKind.Code,
            "markdown" => CellKind.Markdown,
            "raw" => CellKind.Raw,
            var other => throw new NotebookFormatException(path,
                $"{where}: field 'cell_type': expected \"code\", \"markdown\" or \"raw\", found {other ?? "nothing"}"),
        };
        var metadata = c["metadata"] switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            var other => throw new NotebookFormatException(path, $"{where}: field 'metadata': expected an object, found {Describe(other)}"),
        };
        c.Remove("metadata");
        if (metadata["tags"] is { } tags && (tags is not JsonArray list || list.Any(t => t is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
            throw new NotebookFormatException(path, $"{where}: field 'metadata.tags': expected an array of strings, found {tags.ToJsonString()}");
        string language = OptionalString(metadata, path, $"{where}: metadata", "polyglot_notebook", "kernelName")
            ?? OptionalString(metadata, path, $"{where}: metadata", "dotnet_interactive", "language") ?? defaultLanguage;
        var cell = new NotebookCell(kind, ReadMultiline(c["source"], path, $"{where}: field 'source'"), language)
        {
            Id = (c["id"] as JsonValue)?.ToString(),
            Metadata = metadata,
        };
        if (kind == CellKind.Code)
        {
            if (c["execution_count"] is { } ec)   // null before the cell has run
                cell.ExecutionCount = Integer(ec) ?? throw new NotebookFormatException(path, $"{where}: field 'execution_count': expected an integer or null, found {Describe(ec)}");
            if (c["outputs"] is JsonArray outs)
                for (int i = 0; i < outs.Count; i++) cell.Outputs.Add(ParseOutput(outs[i], path, $"{where}, output {i + 1}"));
        }
        return cell;
    }

    static CellOutput ParseOutput(JsonNode? node, string path, string where)
    {
        if (node is not JsonObject o) throw new NotebookFormatException(path, $"{where}: expected an object");
        string type = (o["output_type"] as JsonValue)?.ToString() ?? "";
        return type switch
        {
            "stream" => new StreamOutput((o["name"] as JsonValue)?.ToString() ?? "stdout", ReadMultiline(o["text"], path, $"{where}: field 'text'")),
            "display_data" => new DisplayDataOutput(ReadBundle(o["data"], path, where)),
            "execute_result" => new ExecuteResultOutput(
                o["execution_count"] is { } n ? Integer(n) ?? throw new NotebookFormatException(path, $"{where}: field 'execution_count': expected an integer or null, found {Describe(n)}") : 0,
                ReadBundle(o["data"], path, where)),
            "error" => new ErrorOutput((o["ename"] as JsonValue)?.ToString() ?? "", (o["evalue"] as JsonValue)?.ToString() ?? "",
                (o["traceback"] as JsonArray)?.Select(t => t?.ToString() ?? "").ToList() ?? new List<string>()),
            _ => throw new NotebookFormatException(path,
                $"{where}: field 'output_type': expected stream, display_data, execute_result or error, found \"{type}\""),
        };
    }

    static MimeBundle ReadBundle(JsonNode? node, string path, string where)
    {
        var bundle = new MimeBundle();
        if (node is not JsonObject data) throw new NotebookFormatException(path, $"{where}: field 'data': expected an object");
        foreach (var (mime, value) in data)
            bundle[mime] = MimeBundle.IsJson(mime) ? value?.ToJsonString() ?? "null" : ReadMultiline(value, path, $"{where}: data '{mime}'");
        return bundle;
    }

    /// <summary>nbformat's multiline string: a string, or an array of strings to concatenate.</summary>
    static string ReadMultiline(JsonNode? node, string path, string where) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray a => string.Concat(a.Select(x => x is JsonValue s && s.GetValueKind() == JsonValueKind.String
            ? s.GetValue<string>()
            : throw new NotebookFormatException(path, $"{where}: expected an array of strings"))),
        null => throw new NotebookFormatException(path, $"{where}: missing"),
        _ => throw new NotebookFormatException(path, $"{where}: expected a string or an array of strings"),
    };

    static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(NotebookDocument doc)
    {
        var cells = new JsonArray();
        foreach (var cell in doc.Cells) cells.Add(SerializeCell(cell, doc.FormatMinor));
        var root = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = doc.Metadata.DeepClone(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = doc.FormatMinor,
        };
        return root.ToJsonString(WriteOptions) + "\n";
    }

    static JsonObject SerializeCell(NotebookCell cell, int minor)
    {
        var o = new JsonObject
        {
            ["cell_type"] = cell.Kind switch { CellKind.Code => "code", CellKind.Markdown => "markdown", _ => "raw" },
        };
        if (minor >= 5) o["id"] = cell.Id ?? NewCellId();
        var metadata = (JsonObject)cell.Metadata.DeepClone();
        if (cell.Kind == CellKind.Code) metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = cell.Language };
        o["metadata"] = metadata;
        o["source"] = Lines(cell.Source);
        if (cell.Kind == CellKind.Code)
        {
            o["execution_count"] = cell.ExecutionCount;
            var outs = new JsonArray();
            foreach (var output in cell.Outputs) outs.Add(SerializeOutput(output));
            o["outputs"] = outs;
        }
        return o;
    }

    static JsonObject SerializeOutput(CellOutput output) => output switch
    {
        StreamOutput s => new JsonObject { ["output_type"] = "stream", ["name"] = s.Name, ["text"] = Lines(s.Text) },
        DisplayDataOutput d => new JsonObject { ["output_type"] = "display_data", ["data"] = Bundle(d.Data), ["metadata"] = new JsonObject() },
        ExecuteResultOutput r => new JsonObject
        {
            ["output_type"] = "execute_result", ["execution_count"] = r.ExecutionCount,
            ["data"] = Bundle(r.Data), ["metadata"] = new JsonObject(),
        },
        ErrorOutput e => new JsonObject
        {
            ["output_type"] = "error", ["ename"] = e.EName, ["evalue"] = e.EValue,
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        },
        _ => throw new ArgumentException("unknown output " + output.GetType().Name),
    };

    static JsonObject Bundle(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
            data[mime] = MimeBundle.IsJson(mime) ? JsonNode.Parse(value) : Lines(value);
        return data;
    }

    /// <summary>Splits text into lines that keep their '\n', as Jupyter writes multiline strings.</summary>
    static JsonArray Lines(string text)
    {
        var a = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { a.Add(text[start..(i + 1)]); start = i + 1; }
        if (start < text.Length) a.Add(text[start..]);
        return a;
    }

    /// <summary>A cell id as nbformat 4.5 allows: 1-64 characters of [a-zA-Z0-9-_].</summary>
    public static string NewCellId() => Guid.NewGuid().ToString("N")[..12];
}
