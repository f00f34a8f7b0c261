using Curriculum.Notebooks;

namespace Curriculum.Kernel;

/// <summary>Settings for one headless run.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Overrides for the parameters cell, as NAME=VALUE pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>A cell running longer than this fails; null: no limit.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>Where progress lines for long cells go (null: none). Must not be the console the kernel captures.</summary>
    public CellProgress? Progress { get; init; }

    /// <summary>Cancelled on Ctrl-C: the running cell is abandoned and the run ends as interrupted.</summary>
    public CancellationToken Interrupt { get; init; }

    /// <summary>
    /// Cells whose failure is recorded and the run goes on (an autograder's solution and test cells, each graded on
    /// its own); null: the run stops at the first failing cell. A cell past its time limit always stops the run.
    /// </summary>
    public Func<NotebookCell, bool>? ContinueAfterFailure { get; init; }

    /// <summary>The most characters of output kept per cell; past it a note says how much was dropped (null: all).</summary>
    public int? MaxOutputChars { get; init; }

    /// <summary>Called with the notebook and the cell after each cell has run, to save progress that a crash of the process must not lose.</summary>
    public Action<NotebookDocument, NotebookCell>? CellFinished { get; init; }
}

/// <summary>What a run produced: the executed notebook and, if it stopped, where and why.</summary>
public sealed record NotebookRunResult(
    string Path,
    NotebookDocument Executed,
    TimeSpan Duration,
    int? FailedCell = null,
    int? FailedLine = null,
    string? Message = null,
    bool Interrupted = false)
{
    public bool Passed => FailedCell == null && !Interrupted;

    /// <summary>True when a cell was abandoned while still running (timeout or interrupt): the kernel is not reusable.</summary>
    public bool Abandoned { get; init; }

    /// <summary>The one-line summary the CLI prints: PASS path seconds, FAIL path cell N (line L): message, or INTERRUPTED.</summary>
    public string Summary =>
        Interrupted ? $"INTERRUPTED {Path} cell {FailedCell} after {Duration.TotalSeconds:F1}s"
        : Passed ? $"PASS {Path} {Duration.TotalSeconds:F1}s"
        : $"FAIL {Path} cell {FailedCell}{(FailedLine is { } l ? $" (line {l})" : "")}: {Message}";
}
