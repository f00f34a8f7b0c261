using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace Curriculum.Kernel;

/// <summary>
/// Runs a notebook's code cells in order in one <see cref="KernelSession"/>, the real .NET
/// Interactive C# kernel, and records what the kernel published as the cells' outputs, as Jupyter
/// would store them: console output as streams, <c>display(x)</c> as display_data with every mime
/// type the kernel's formatters gave, a trailing expression as execute_result. Stops at the first
/// failing cell and records the error in the notebook, as papermill does. A cell past the time
/// limit, or interrupted, is abandoned while it still runs: the caller ends the process after
/// saving (see <see cref="NotebookRunResult.Abandoned"/>).
/// </summary>
public static class NotebookExecutor
{
    /// <summary>Runs <paramref name="doc"/>, read from <paramref name="path"/>, with the current folder as the notebook's folder.</summary>
    public static async Task<NotebookRunResult> RunAsync(NotebookDocument doc, string path, NotebookRunOptions options)
    {
        var clock = Stopwatch.StartNew();
        ParameterInjection.Inject(doc, options.Parameters);
        var codeCells = doc.Cells.Where(c => c.Kind == CellKind.Code).ToList();
        foreach (var c in codeCells) { c.Outputs.Clear(); c.ExecutionCount = null; }

        using var session = new KernelSession();
        // The kernel's first submission compiles and loads its own machinery (seconds): pay that before the
        // first cell, so a cell's time limit and duration measure the cell.
        await session.SubmitAsync("0");
        var recorder = new KernelEventRecorder();
        using var subscription = session.Events.Subscribe(recorder.Add);

        int executionCount = 0;
        (int Cell, int? Line, string Message)? failure = null;
        bool interrupted = false, abandoned = false;
        for (int i = 0; i < doc.Cells.Count && failure == null; i++)
        {
            var cell = doc.Cells[i];
            if (cell.Kind != CellKind.Code || cell.Source.Trim().Length == 0) continue;
            int number = i + 1;
            cell.ExecutionCount = ++executionCount;
            var cellClock = Stopwatch.StartNew();
            recorder.Start(executionCount);
            if (cell.Language == "html")
                recorder.Add(new DisplayDataOutput(new MimeBundle { [MimeBundle.Html] = cell.Source, [MimeBundle.PlainText] = cell.Source }));
            else if (cell.Language is not ("csharp" or "c#"))
            {
                string message = $"cells in '{cell.Language}' cannot be run here: the notebooks run C# (and html) cells";
                recorder.Add(new ErrorOutput("UnsupportedLanguage", message, [$"cell {number}: {message}"]));
                failure = (number, null, message);
            }
            else
            {
                using (options.Progress?.Track(Path.GetFileName(path), codeCells.IndexOf(cell) + 1, codeCells.Count))
                {
                    var submit = session.SubmitAsync(cell.Source);
                    var stop = Task.Delay(options.CellTimeout ?? Timeout.InfiniteTimeSpan, options.Interrupt);
                    if (await Task.WhenAny(submit, stop) != submit)
                    {
                        abandoned = true;
                        interrupted = options.Interrupt.IsCancellationRequested;
                        string message = interrupted
                            ? $"interrupted after {cellClock.Elapsed.TotalSeconds:F1} s"
                            : $"timed out after {options.CellTimeout!.Value.TotalSeconds:0.#} s (--cell-timeout)";
                        recorder.Add(new ErrorOutput(interrupted ? "Interrupted" : "CellTimeout", message, [$"cell {number}: {message}"]));
                        failure = (number, null, message);
                    }
                    else if (recorder.Failure(number) is { } failed)
                        failure = failed;
                }
            }
            cell.Outputs.AddRange(recorder.Take());
            cell.Metadata["curriculum"] = new JsonObject { ["duration_s"] = Math.Round(cellClock.Elapsed.TotalSeconds, 3) };
        }

        doc.Metadata["curriculum"] = new JsonObject
        {
            ["executed_at"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["duration_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["status"] = interrupted ? "interrupted" : failure == null ? "passed" : "failed",
            ["kernel"] = "Microsoft.DotNet.Interactive.CSharp " + typeof(CSharpKernel).Assembly.GetName().Version,
            ["parameters"] = new JsonObject(options.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        if (doc.Metadata["kernelspec"] == null)
            foreach (var (key, value) in NotebookDocument.DotNetInteractiveMetadata()) doc.Metadata[key] = value!.DeepClone();
        return new NotebookRunResult(path, doc, clock.Elapsed, failure?.Cell, failure?.Line, failure?.Message, interrupted) { Abandoned = abandoned };
    }
}
