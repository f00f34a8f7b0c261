namespace Curriculum.Notebooks;

/// <summary>A notebook file that cannot be read: names the file and the place (JSON line/position or cell).</summary>
public sealed class NotebookFormatException(string path, string message, Exception? inner = null)
    : Exception($"{path}: {message}", inner)
{
    public string Path { get; } = path;
}
