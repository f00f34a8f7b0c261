using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Curriculum.Notebooks;

/// <summary>
/// Runs a notebook's C# cells in order in one Roslyn scripting session (the C# script dialect
/// .NET Interactive used): state carries from cell to cell, a trailing expression becomes the
/// cell's result, <c>display(x)</c> shows values, console output becomes stream outputs. Stops at
/// the first failing cell and records the error in the notebook, as papermill does.
/// </summary>
public static class NotebookExecutor
{
    static readonly string[] DefaultImports =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading.Tasks", "System.Diagnostics"];

    public static Task<NotebookRunResult> RunAsync(string path, NotebookRunOptions? options = null) =>
        RunAsync(NotebookDocument.Load(path), path, options);

    /// <summary>Runs <paramref name="doc"/> as if it were the file <paramref name="path"/> (for relative #r and data paths).</summary>
    public static async Task<NotebookRunResult> RunAsync(NotebookDocument doc, string path, NotebookRunOptions? options = null)
    {
        options ??= new NotebookRunOptions();
        var clock = Stopwatch.StartNew();
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? warning = ParameterInjection.Inject(doc, options.Parameters);

        var recorder = new CellRecorder();
        using var cancellation = new CancellationTokenSource();
        var globals = new NotebookGlobals(recorder, cancellation.Token);
        var scriptOptions = ScriptOptions.Default
            .AddReferences(typeof(NotebookGlobals).Assembly, typeof(Enumerable).Assembly, typeof(Console).Assembly,
                typeof(System.Text.Json.JsonSerializer).Assembly, typeof(JsonNode).Assembly, typeof(Stopwatch).Assembly,
                typeof(System.Collections.Concurrent.ConcurrentDictionary<,>).Assembly, typeof(Parallel).Assembly)
            .AddImports(DefaultImports)
            .WithMetadataResolver(new NotebookMetadataResolver(directory))
            .WithSourceResolver(new SourceFileResolver([], directory))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(LanguageVersion.Latest);

        foreach (var c in doc.Cells.Where(c => c.Kind == CellKind.Code)) { c.Outputs.Clear(); c.ExecutionCount = null; }

        ScriptState<object>? state = null;
        int executionCount = 0;
        (int Cell, int? Line, string Message)? failure = null;
        // Like .NET Interactive, cells run in the notebook's folder (process-wide: one notebook at a time).
        string previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            for (int i = 0; i < doc.Cells.Count && failure == null; i++)
            {
                var cell = doc.Cells[i];
                if (cell.Kind != CellKind.Code) continue;
                int number = i + 1;
                cell.ExecutionCount = ++executionCount;
                var cellClock = Stopwatch.StartNew();
                try
                {
                    var code = CellCode.Prepare(cell);
                    if (code.Html != null)
                        recorder.Add(new DisplayDataOutput(new MimeBundle { [MimeBundle.Html] = code.Html, [MimeBundle.PlainText] = code.Html }));
                    else if (code.CSharp.Trim().Length > 0)
                    {
                        string cellFile = Path.Combine(directory, $"{Path.GetFileName(path)}.cell{number}.csx");
                        var cellOptions = scriptOptions.WithFilePath(cellFile);
                        var run = Task.Run(async () =>
                        {
                            ConsoleRouter.RouteTo(recorder);
                            return state == null
                                ? await CSharpScript.Create(code.CSharp, cellOptions, typeof(NotebookGlobals))
                                    .RunAsync(globals, _ => true, cancellation.Token)
                                : await state.ContinueWithAsync(code.CSharp, cellOptions, _ => true, cancellation.Token);
                        });
                        if (options.CellTimeout is { } limit && await Task.WhenAny(run, Task.Delay(limit)) != run)
                        {
                            cancellation.Cancel();
                            throw new CellTimeoutException(limit);
                        }
                        state = await run;
                        if (state.Exception != null)
                        {
                            int? line = CellLine(state.Exception, cellFile);
                            recorder.Add(ErrorOf(state.Exception, number, line, cellFile));
                            failure = (number, line, $"{state.Exception.GetType().Name}: {state.Exception.Message}");
                        }
                        else if (state.ReturnValue != null)
                            recorder.Add(new ExecuteResultOutput(executionCount, ValueFormatter.Format(state.ReturnValue)));
                    }
                }
                catch (CompilationErrorException e)
                {
                    var d = e.Diagnostics.First(x => x.Severity == DiagnosticSeverity.Error);
                    int line = d.Location.GetLineSpan().StartLinePosition.Line + 1;
                    string message = $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}";
                    var all = e.Diagnostics.Where(x => x.Severity == DiagnosticSeverity.Error)
                        .Select(x => $"cell {number}, line {x.Location.GetLineSpan().StartLinePosition.Line + 1}: {x.Id}: {x.GetMessage(CultureInfo.InvariantCulture)}");
                    recorder.Add(new ErrorOutput("CompilationError", message, all.ToList()));
                    failure = (number, line, message);
                }
                catch (Exception e) when (e is CellTimeoutException or NotebookCellException)
                {
                    int? line = (e as NotebookCellException)?.Line;
                    recorder.Add(new ErrorOutput(e.GetType().Name, e.Message, [$"cell {number}{(line is { } l ? $", line {l}" : "")}: {e.Message}"]));
                    failure = (number, line, e.Message);
                }
                finally
                {
                    ConsoleRouter.RouteTo(null);
                }
                cell.Outputs.AddRange(recorder.Take());
                cell.Metadata["curriculum"] = new JsonObject { ["duration_s"] = Math.Round(cellClock.Elapsed.TotalSeconds, 3) };
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }

        doc.Metadata["curriculum"] = new JsonObject
        {
            ["executed_at"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["duration_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["status"] = failure == null ? "passed" : "failed",
            ["parameters"] = new JsonObject(options.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        if (doc.Metadata["kernelspec"] == null)
            foreach (var (key, value) in NotebookDocument.DotNetInteractiveMetadata()) doc.Metadata[key] = value!.DeepClone();
        return new NotebookRunResult(path, doc, clock.Elapsed, failure?.Cell, failure?.Line, failure?.Message, warning);
    }

    /// <summary>The line within the cell where the exception came out of the cell's own code.</summary>
    static int? CellLine(Exception e, string cellFile)
    {
        foreach (var frame in new StackTrace(e, true).GetFrames())
            if (frame.GetFileName() == cellFile && frame.GetFileLineNumber() > 0) return frame.GetFileLineNumber();
        return null;
    }

    static ErrorOutput ErrorOf(Exception e, int cell, int? line, string cellFile)
    {
        var traceback = new List<string> { $"cell {cell}{(line is { } l ? $", line {l}" : "")}: {e.GetType().FullName}: {e.Message}" };
        foreach (var frame in new StackTrace(e, true).GetFrames())
        {
            var method = frame.GetMethod();
            string? file = frame.GetFileName();
            // Roslyn's and the runtime's own frames say nothing about the notebook.
            string ns = method?.DeclaringType?.Namespace ?? "";
            if (file == null && (ns.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || ns.StartsWith("System.Runtime", StringComparison.Ordinal)
                || ns.StartsWith("System.Threading", StringComparison.Ordinal))) continue;
            string where = file == null ? "" : file == cellFile ? $" (this cell, line {frame.GetFileLineNumber()})"
                : $" ({Path.GetFileName(file)}:{frame.GetFileLineNumber()})";
            traceback.Add($"   at {method?.DeclaringType?.Name}.{method?.Name}{where}");
        }
        if (e.InnerException != null) traceback.Add($" ---> {e.InnerException.GetType().FullName}: {e.InnerException.Message}");
        return new ErrorOutput(e.GetType().Name, e.Message, traceback);
    }

    sealed class CellTimeoutException(TimeSpan limit)
        : Exception($"the cell ran past the time limit of {limit.TotalSeconds:0.#} s (--cell-timeout) and was stopped");
}
