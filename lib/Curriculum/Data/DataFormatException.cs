namespace Curriculum.Data;

/// <summary>Input that is not what was expected, with the file and 1-based line it was found at.</summary>
public sealed class DataFormatException(string path, long line, string message)
    : Exception($"{path}:{line}: {message}")
{
    public string Path { get; } = path;
    public long Line { get; } = line;
}
