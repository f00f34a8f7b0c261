using System.Text;
using System.Text.Json;

namespace Curriculum.Data;

/// <summary>Streams <c>{"id": ..., "text": ..., "label": ...}</c> lines one at a time (constant
/// memory: one line is held at once). A line that is not such an object, or bytes that are not
/// UTF-8, stop the read with a <see cref="DataFormatException"/> naming the file and line.</summary>
public static class JsonlReader
{
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<Document> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        long lineNumber = 0;
        foreach (var bytes in Utf8Lines.Read(path))
        {
            lineNumber++;
            string line;
            try { line = StrictUtf8.GetString(bytes.Span); }
            catch (DecoderFallbackException e) { throw new DataFormatException(path, lineNumber, $"bytes that are not UTF-8 (at byte {e.Index} of the line); " + TextEncodingDetector.Explain(path)); }
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return Parse(line, path, lineNumber);
        }
    }

    /// <summary>One JSONL line; <paramref name="path"/> and <paramref name="line"/> only name the place in errors.</summary>
    public static Document Parse(string json, string path, long line)
    {
        JsonDocument parsed;
        try { parsed = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new DataFormatException(path, line, $"not a JSON object ({e.Message})"); }
        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, line, $"expected a JSON object {{\"id\", \"text\"}}, found {root.ValueKind}");
            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw new DataFormatException(path, line, "expected a string field \"text\"");
            string id = root.TryGetProperty("id", out var idElement)
                ? idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => throw new DataFormatException(path, line, "expected \"id\" to be a string or a number"),
                }
                : $"{System.IO.Path.GetFileName(path)}:{line}";
            string? label = null;
            if (root.TryGetProperty("label", out var labelElement))
                label = labelElement.ValueKind switch
                {
                    JsonValueKind.String => labelElement.GetString(),
                    JsonValueKind.Null => null,
                    _ => labelElement.GetRawText(),
                };
            return new Document(id, text.GetString()!, label);
        }
    }
}
