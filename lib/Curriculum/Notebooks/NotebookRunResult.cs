namespace Curriculum.Notebooks;

/// <summary>Settings for one headless run.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Overrides for the parameters cell, as NAME=VALUE pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>A cell running longer than this fails; null: no limit.</summary>
    public TimeSpan? CellTimeout { get; init; }
}

/// <summary>What a run produced: the executed notebook and, if it stopped, where and why.</summary>
public sealed record NotebookRunResult(
    string Path,
    NotebookDocument Executed,
    TimeSpan Duration,
    int? FailedCell = null,
    int? FailedLine = null,
    string? Message = null,
    string? Warning = null)
{
    public bool Passed => FailedCell == null;

    /// <summary>The one-line summary the CLI prints: PASS path seconds, or FAIL path cell N (line L): message.</summary>
    public string Summary => Passed
        ? $"PASS {Path} {Duration.TotalSeconds:F1}s"
        : $"FAIL {Path} cell {FailedCell}{(FailedLine is { } l ? $" (line {l})" : "")}: {Message}";
}
