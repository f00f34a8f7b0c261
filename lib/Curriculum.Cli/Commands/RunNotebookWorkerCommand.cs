using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Curriculum.Kernel;
using Curriculum.Notebooks;

namespace Curriculum.Cli.Commands;

/// <summary>
/// The hidden <c>curriculum run-notebook PATH --executed FILE</c> that <c>curriculum run</c> starts once per
/// notebook: it makes the notebook's folder the working folder (so <c>#r "../artifacts/lib/Curriculum.dll"</c>
/// and data paths mean what they mean in VS Code and Jupyter), runs the notebook in a <see cref="KernelSession"/>,
/// writes the executed copy and a one-line result, and exits, which also ends a cell abandoned at its time limit.
/// </summary>
static class RunNotebookWorkerCommand
{
    const string Name = "run-notebook";

    public static Command Create()
    {
        var path = new Argument<string>("path");
        var executed = new Option<string>("--executed") { Required = true };
        var parameters = RunCommand.ParametersOption();
        var cellTimeout = RunCommand.CellTimeoutOption();
        var command = new Command(Name, "Run one notebook in this process (used by `curriculum run`).") { path, executed, parameters, cellTimeout };
        command.Hidden = true;
        command.SetAction(parse => Run(parse.GetValue(path)!, parse.GetValue(executed)!, parse.GetValue(parameters) ?? [], parse.GetValue(cellTimeout)));
        return command;
    }

    /// <summary>What became of one notebook: the line to print and the worker's exit code.</summary>
    internal sealed record Outcome(string Summary, int ExitCode);

    sealed record ResultLine(string Summary, int ExitCode);

    static int Run(string path, string executedPath, string[] parameterTexts, double? cellTimeoutSeconds)
    {
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };   // the kernel captures Console.Error
        using var interrupt = new InterruptRequest(null);

        NotebookRunResult result;
        try
        {
            string fullPath = Path.GetFullPath(path);
            var doc = NotebookDocument.Load(fullPath);
            Environment.CurrentDirectory = Path.GetDirectoryName(fullPath)!;
            result = NotebookExecutor.RunAsync(doc, path, new NotebookRunOptions
            {
                Parameters = parameterTexts.Select(ParameterInjection.ParseAssignment).ToList(),
                CellTimeout = cellTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                Progress = new CellProgress(stderr, terminal: !Console.IsErrorRedirected),
                Interrupt = interrupt.Token,
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NotebookFormatException or ArgumentException)
        {
            return Finish(executedPath, new ResultLine($"ERROR {path}: {e.Message}", 2));
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

    /// <summary>Runs one notebook in a child process and moves its executed copy to <paramref name="target"/>.</summary>
    internal static Outcome RunInChild(string path, string target, string[] parameterTexts, double? cellTimeoutSeconds, InterruptRequest interrupt)
    {
        string staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.running");
        string resultFile = staging + ".result.json";
        var info = SelfStartInfo();
        info.ArgumentList.Add(Name);
        info.ArgumentList.Add(path);
        info.ArgumentList.Add("--executed");
        info.ArgumentList.Add(staging);
        foreach (var p in parameterTexts) { info.ArgumentList.Add("-p"); info.ArgumentList.Add(p); }
        if (cellTimeoutSeconds is { } t) { info.ArgumentList.Add("--cell-timeout"); info.ArgumentList.Add(t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)); }
        try
        {
            using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the notebook process");
            using (interrupt.Token.Register(() => ForwardInterrupt(child)))
                child.WaitForExit();
            if (!File.Exists(resultFile))
                return new Outcome($"FAIL {path}: the kernel process ended with exit code {child.ExitCode} before it could report", 1);
            var line = JsonSerializer.Deserialize<ResultLine>(File.ReadAllText(resultFile))!;
            if (File.Exists(staging)) File.Move(staging, target, overwrite: true);
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
