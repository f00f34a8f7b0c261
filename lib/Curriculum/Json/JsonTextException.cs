namespace Curriculum.Json;

/// <summary>
/// JSON text that cannot be read as one unambiguous document, with the place: 1-based line and column (in characters),
/// the byte offset, and what was expected there. The message leaves out the file; each reader adds its file name and
/// rethrows as its own exception type.
/// </summary>
public sealed class JsonTextException(string message, long line, long column, long byteOffset, Exception? inner = null)
    : Exception($"line {line}, column {column} (byte {byteOffset}): {message}", inner)
{
    public long Line { get; } = line;
    public long Column { get; } = column;
    public long ByteOffset { get; } = byteOffset;
}
