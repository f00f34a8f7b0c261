namespace Curriculum.Data;

/// <summary>Input that is not what was expected, with the file and 1-based line it was found at (0: the whole file).</summary>
public sealed class DataFormatException(string path, long line, string message)
    : Exception(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}")
{
    public string Path { get; } = path;
    public long Line { get; } = line;
}
