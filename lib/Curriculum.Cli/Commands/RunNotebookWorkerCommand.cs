using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Curriculum.Kernel;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Cli.Commands;

/// <summary>
/// The hidden <c>curriculum run-notebook PATH --executed FILE</c> that <c>curriculum run</c> starts once per
/// notebook: it makes the notebook's folder the working folder (so <c>#r "../artifacts/lib/Curriculum.dll"</c>
/// and data paths mean what they mean in VS Code and Jupyter), runs the notebook in a <see cref="KernelSession"/>,
/// writes the executed copy and a one-line result, and exits, which also ends a cell abandoned at its time limit.
/// With <c>--grading</c> (for <c>curriculum assignment grade</c>) nbgrader's solution and test cells may fail and the
/// run goes on, each cell's output is capped, and the executed copy is saved after every cell, so that a submission that
/// ends the process still leaves the results of the graded cells that ran.
/// </summary>
static class RunNotebookWorkerCommand
{
    const string Name = "run-notebook";

    /// <summary>The most characters a graded cell's outputs keep: enough for any honest message, not a flood.</summary>
    const int GradingOutputLimit = 100_000;

    public static Command Create()
    {
        var path = new Argument<string>("path");
        var executed = new Option<string>("--executed") { Required = true };
        var parameters = RunCommand.ParametersOption();
        var cellTimeout = RunCommand.CellTimeoutOption();
        var grading = new Option<bool>("--grading");
        var command = new Command(Name, "Run one notebook in this process (used by `curriculum run` and `curriculum assignment grade`).")
        {
            path, executed, parameters, cellTimeout, grading,
        };
        command.Hidden = true;
        command.SetAction(parse => Run(parse.GetValue(path)!, parse.GetValue(executed)!,
            new WorkerSettings(parse.GetValue(parameters) ?? [], parse.GetValue(cellTimeout)) { Grading = parse.GetValue(grading) }));
        return command;
    }

    /// <summary>How the child process runs its notebook.</summary>
    internal sealed record WorkerSettings(string[] Parameters, double? CellTimeoutSeconds)
    {
        /// <summary>Autograding: graded cells may fail and the run goes on; outputs capped; progress saved after each cell.</summary>
        public bool Grading { get; init; }

        /// <summary>The child's managed heap limit in bytes (the runtime's DOTNET_GCHeapHardLimit); null: the runtime's default.</summary>
        public long? HeapLimitBytes { get; init; }
    }

    /// <summary>
    /// What became of one notebook: the line to print, the worker's exit code, and, when the process ended before it
    /// could report (a crash, an exit, running out of memory), how it ended.
    /// </summary>
    internal sealed record Outcome(string Summary, int ExitCode, string? EndedEarly = null);

    sealed record ResultLine(string Summary, int ExitCode);

    static int Run(string path, string executedPath, WorkerSettings settings)
    {
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };   // the kernel captures Console.Error
        using var interrupt = new InterruptRequest(null);

        NotebookRunResult result;
        try
        {
            string fullPath = Path.GetFullPath(path);
            var doc = NotebookDocument.Load(fullPath);
            Environment.CurrentDirectory = Path.GetDirectoryName(fullPath)!;
            var options = new NotebookRunOptions
            {
                Parameters = settings.Parameters.Select(ParameterInjection.ParseAssignment).ToList(),
                CellTimeout = settings.CellTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                Progress = new CellProgress(stderr, terminal: !Console.IsErrorRedirected),
                Interrupt = interrupt.Token,
            };
            if (settings.Grading)
            {
                var graded = NbgraderCell.All(doc, path).Where(c => c.Cell.Grade || c.Cell.Solution).Select(c => doc.Cells[c.Index]).ToHashSet();
                options = options with
                {
                    Progress = null,   // graders run side by side: their progress lines would interleave
                    ContinueAfterFailure = graded.Contains,
                    MaxOutputChars = GradingOutputLimit,
                    // Only graded cells have results to lose; the chapter's own cells (figures, megabytes) are not saved each time.
                    CellFinished = (d, cell) => { if (graded.Contains(cell)) d.Save(executedPath); },
                };
            }
            result = NotebookExecutor.RunAsync(doc, path, options).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NotebookFormatException or ArgumentException)
        {
            return Finish(executedPath, new ResultLine(e is NotebookFormatException ? $"ERROR {e.Message}" : $"ERROR {path}: {e.Message}", 2));
        }
        result.Executed.Save(executedPath);
        int code = result.Interrupted ? InterruptRequest.ExitCode : result.Passed ? 0 : 1;
        code = Finish(executedPath, new ResultLine(result.Summary, code));
        // A cell abandoned at its limit may still be running on another thread: leaving the process ends it.
        if (result.Abandoned) Environment.Exit(code);
        return code;
    }

    static int Finish(string executedPath, ResultLine line)
    {
        File.WriteAllText(executedPath + ".result.json", JsonSerializer.Serialize(line));
        return line.ExitCode;
    }

    /// <summary>
    /// Runs one notebook in a child process and moves its executed copy to <paramref name="target"/>: the whole run, or
    /// (grading) as far as it got when the process ended early.
    /// </summary>
    internal static Outcome RunInChild(string path, string target, WorkerSettings settings, InterruptRequest interrupt)
    {
        string staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.running");
        string resultFile = staging + ".result.json";
        var info = SelfStartInfo();
        info.ArgumentList.Add(Name);
        info.ArgumentList.Add(path);
        info.ArgumentList.Add("--executed");
        info.ArgumentList.Add(staging);
        foreach (var p in settings.Parameters) { info.ArgumentList.Add("-p"); info.ArgumentList.Add(p); }
        if (settings.CellTimeoutSeconds is { } t) { info.ArgumentList.Add("--cell-timeout"); info.ArgumentList.Add(t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)); }
        if (settings.Grading) info.ArgumentList.Add("--grading");
        if (settings.HeapLimitBytes is { } heap) info.Environment["DOTNET_GCHeapHardLimit"] = heap.ToString("X");   // the runtime reads it as hex
        try
        {
            using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the notebook process");
            using (interrupt.Token.Register(() => ForwardInterrupt(child)))
                child.WaitForExit();
            if (File.Exists(staging)) File.Move(staging, target, overwrite: true);
            if (!File.Exists(resultFile))
            {
                string ended = $"the kernel process ended with exit code {child.ExitCode} before it could report";
                return new Outcome($"FAIL {path}: {ended}", 1, ended);
            }
            var line = JsonSerializer.Deserialize<ResultLine>(File.ReadAllText(resultFile))!;
            return new Outcome(line.Summary, line.ExitCode);
        }
        finally
        {
            if (File.Exists(staging)) File.Delete(staging);
            if (File.Exists(resultFile)) File.Delete(resultFile);
        }
    }

    /// <summary>A Ctrl-C at the terminal reaches the child too; a signal sent to this process alone is passed on.</summary>
    static void ForwardInterrupt(Process child)
    {
        Task.Run(() =>
        {
            if (child.WaitForExit(TimeSpan.FromSeconds(2))) return;
            try { _ = Kill(child.Id, 2); } catch (Exception e) when (e is InvalidOperationException or DllNotFoundException) { }
        });
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>How to start this same command: its apphost, or the dotnet host with this assembly.</summary>
    static ProcessStartInfo SelfStartInfo()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        return info;
    }
}
