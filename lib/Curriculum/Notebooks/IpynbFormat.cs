using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Curriculum.Notebooks;

/// <summary>Reads and writes Jupyter's nbformat 4 JSON (https://nbformat.readthedocs.io).</summary>
public static class IpynbFormat
{
    public static NotebookDocument Parse(string json, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(path,
                $"not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}", e);
        }
        if (root is not JsonObject nb) throw new NotebookFormatException(path, "expected a JSON object at the top level");
        if (nb["nbformat"] is not JsonValue major || major.GetValueKind() != JsonValueKind.Number || major.GetValue<int>() != 4)
            throw new NotebookFormatException(path, "field 'nbformat': expected 4 (only nbformat 4 notebooks are supported)");
        var doc = new NotebookDocument
        {
            FormatMinor = nb["nbformat_minor"] is JsonValue minor && minor.GetValueKind() == JsonValueKind.Number ? minor.GetValue<int>() : 0,
            Metadata = nb["metadata"] as JsonObject ?? new JsonObject(),
        };
        doc.Metadata.Parent?.AsObject().Remove("metadata");
        if (nb["cells"] is not JsonArray cells) throw new NotebookFormatException(path, "field 'cells': expected an array");
        string defaultLanguage = doc.Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? "csharp";
        for (int i = 0; i < cells.Count; i++)
            doc.Cells.Add(ParseCell(cells[i], i + 1, path, defaultLanguage));
        return doc;
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
        var metadata = c["metadata"] as JsonObject ?? new JsonObject();
        c.Remove("metadata");
        string language = metadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
            ?? metadata["dotnet_interactive"]?["language"]?.GetValue<string>() ?? defaultLanguage;
        var cell = new NotebookCell(kind, ReadMultiline(c["source"], path, $"{where}: field 'source'"), language)
        {
            Id = (c["id"] as JsonValue)?.ToString(),
            Metadata = metadata,
        };
        if (kind == CellKind.Code)
        {
            if (c["execution_count"] is JsonValue ec && ec.GetValueKind() == JsonValueKind.Number) cell.ExecutionCount = ec.GetValue<int>();
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
                o["execution_count"] is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? n.GetValue<int>() : 0,
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

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
