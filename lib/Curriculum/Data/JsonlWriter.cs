using System.Text.Encodings.Web;
using System.Text.Json;

namespace Curriculum.Data;

/// <summary>Writes documents as JSONL to a temporary file beside the target and renames it into
/// place on <see cref="Commit"/>; disposed without a commit, the temporary file is deleted, so no
/// partial output is ever left under the target name.</summary>
public sealed class JsonlWriter : IDisposable
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    readonly string _path;
    readonly string _tempPath;
    readonly FileStream _stream;
    readonly Utf8JsonWriter _json;
    bool _committed;

    public long Count { get; private set; }

    public JsonlWriter(string path)
    {
        _path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(dir);
        _tempPath = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(_path) + "." + Environment.ProcessId + ".tmp");
        _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _json = new Utf8JsonWriter(_stream, Options);
    }

    public void Write(Document doc)
    {
        _json.WriteStartObject();
        _json.WriteString("id", doc.Id);
        _json.WriteString("text", doc.Text);
        if (doc.Label != null) _json.WriteString("label", doc.Label);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
        Count++;
    }

    public void Commit()
    {
        _json.Dispose();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tempPath, _path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
        if (!_committed && File.Exists(_tempPath)) File.Delete(_tempPath);
    }

    /// <summary>Writes all documents and commits; returns how many were written.</summary>
    public static long WriteAll(string path, IEnumerable<Document> docs)
    {
        using var writer = new JsonlWriter(path);
        foreach (var d in docs) writer.Write(d);
        writer.Commit();
        return writer.Count;
    }
}
