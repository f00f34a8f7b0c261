using System.Text.RegularExpressions;

namespace Curriculum.Notebooks;

/// <summary>A cell that cannot be run headless; names the line within the cell.</summary>
public sealed class NotebookCellException(string message, int? line = null) : Exception(message)
{
    public int? Line { get; } = line;
}

/// <summary>
/// What the executor runs for a code cell: C# with .NET Interactive's leading <c>#!csharp</c> line
/// blanked (so line numbers stay those of the cell), or the markup of an <c>html</c> cell.
/// </summary>
readonly record struct CellCode(string CSharp, string? Html)
{
    static readonly Regex NugetReference = new(@"^\s*#r\s+""nuget:", RegexOptions.Compiled);

    public static CellCode Prepare(NotebookCell cell)
    {
        if (cell.Language == "html") return new CellCode("", cell.Source);
        if (cell.Language is not ("csharp" or "c#"))
            throw new NotebookCellException($"cells in '{cell.Language}' cannot be run: the headless executor runs C# (and html) cells only");
        var lines = cell.Source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                string magic = trimmed.Split(' ', 2)[0];
                if (magic is "#!csharp" or "#!c#") { lines[i] = ""; continue; }
                throw new NotebookCellException($"magic command '{magic}' is not supported by the headless executor", i + 1);
            }
            if (NugetReference.IsMatch(lines[i]))
                throw new NotebookCellException("'#r \"nuget:...\"' needs the network and .NET Interactive; reference a local dll with #r \"path.dll\"", i + 1);
        }
        return new CellCode(string.Join("\n", lines), null);
    }
}
