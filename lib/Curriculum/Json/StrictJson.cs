using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Curriculum.Json;

/// <summary>
/// Parses JSON that a user wrote or a crash damaged, refusing what System.Text.Json would accept silently or reject
/// with a raw exception: invalid UTF-8 (named by byte offset, not "cannot transcode"), a key written twice in one
/// object (<c>{"lr": 0.1, "lr": 1}</c>: which one did the author mean?), and syntax errors, reported once with a
/// 1-based line and column rather than the reader's 0-based "LineNumber: 0 | BytePositionInLine: 5". Every failure
/// is a <see cref="JsonTextException"/>. A leading UTF-8 byte-order mark is skipped.
/// </summary>
public static class StrictJson
{
    /// <summary>Parses <paramref name="utf8"/> into a document, after <see cref="Check"/>.</summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8, JsonCommentHandling comments = JsonCommentHandling.Disallow)
    {
        var body = WithoutBom(utf8);
        Check(body.Span, comments);
        return JsonDocument.Parse(body, new JsonDocumentOptions { CommentHandling = comments });
    }

    /// <summary>Parses <paramref name="json"/> into a mutable node tree, after <see cref="Check"/>.</summary>
    public static JsonNode? ParseNode(string json)
    {
        var utf8 = WithoutBom(Encoding.UTF8.GetBytes(json)).Span;
        Check(utf8);
        return JsonNode.Parse(utf8);
    }

    /// <summary>Throws <see cref="JsonTextException"/> unless <paramref name="utf8"/> is one well-formed JSON value with unique keys.</summary>
    public static void Check(ReadOnlySpan<byte> utf8, JsonCommentHandling comments = JsonCommentHandling.Disallow)
    {
        if (!Utf8.IsValid(utf8))
        {
            Utf8.ToUtf16(utf8, new char[utf8.Length], out int valid, out _, replaceInvalidSequences: false);   // stops at the first bad byte
            throw At(utf8, valid, $"invalid UTF-8: byte 0x{utf8[valid]:X2} does not continue or start a character; expected UTF-8 text");
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = comments });
        var objects = new Stack<(HashSet<string>? Keys, string Path, int Index)>();
        string? key = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        key = reader.GetString()!;
                        var (keys, path, _) = objects.Peek();
                        if (!keys!.Add(key))
                            throw At(utf8, reader.TokenStartIndex, $"{Child(path, key)}: the key \"{key}\" appears twice in this object; expected each key once");
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        string container = objects.Count == 0 ? "$" : NextPath(objects, key);
                        objects.Push((reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, container, 0));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        objects.Pop();
                        break;
                    case JsonTokenType.Comment:
                        break;
                    default:
                        if (objects.Count > 0) NextPath(objects, key);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw At(utf8, Offset(utf8, e.LineNumber ?? 0, e.BytePositionInLine ?? 0), "invalid JSON: " + Reason(e.Message), e);
        }
    }

    // The path of the value that starts now, in the innermost container (counting array elements as they come).
    static string NextPath(Stack<(HashSet<string>? Keys, string Path, int Index)> objects, string? key)
    {
        var (keys, path, index) = objects.Pop();
        objects.Push((keys, path, index + 1));
        return keys != null ? Child(path, key!) : $"{path}[{index}]";
    }

    static string Child(string path, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"{path}.{key}" : $"{path}[{JsonSerializer.Serialize(key)}]";

    static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    // The reader's message without its own position and path (given once, 1-based, by JsonTextException).
    static string Reason(string message)
    {
        foreach (var marker in new[] { " LineNumber:", " Path:" })
        {
            int i = message.IndexOf(marker, StringComparison.Ordinal);
            if (i > 0) message = message[..i];
        }
        return message.TrimEnd(' ', '|', '.');
    }

    static long Offset(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine)
    {
        long offset = 0;
        for (long l = 0; l < line; l++)
        {
            int next = utf8[(int)offset..].IndexOf((byte)'\n');
            if (next < 0) break;
            offset += next + 1;
        }
        return Math.Min(offset + bytePositionInLine, utf8.Length);
    }

    static JsonTextException At(ReadOnlySpan<byte> utf8, long offset, string message, Exception? inner = null)
    {
        long line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
            if (utf8[i] == (byte)'\n') { line++; lineStart = i + 1; }
        long column = 1;
        for (long i = lineStart; i < offset; i++)
            if ((utf8[(int)i] & 0xC0) != 0x80) column++;   // count characters, not their continuation bytes
        return new JsonTextException(message, line, column, offset, inner);
    }
}
