using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Curriculum.Tests;

/// <summary>Runs a program and captures what it printed.</summary>
static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string fileName, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the <c>curriculum</c> CLI built beside the tests.</summary>
    public static Result Curriculum(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "Curriculum.Cli.dll"), .. args]);

    /// <summary>
    /// Runs the <c>curriculum</c> CLI from its own build output, as ./curriculum does: unlike the copy beside the tests,
    /// which sits with TorchSharp (the tests reference lib/Curriculum.Torch), it finds the torch devices only in artifacts/torch/.
    /// </summary>
    public static Result CurriculumFromItsBuild(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string folder = typeof(ProcessRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CliBuildFolder").Value!;
        return Run("dotnet", [Path.Combine(folder, "Curriculum.Cli.dll"), .. args], timeout: TimeSpan.FromMinutes(10), environment: environment);
    }

    /// <summary>A program started in the background, its output collected as it comes, to be signalled and awaited.</summary>
    public sealed class Running(Process process) : IDisposable
    {
        readonly System.Text.StringBuilder _stdout = new(), _stderr = new();

        public int Id => process.Id;

        /// <summary>What the program has written to stderr so far.</summary>
        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        internal void Collect()
        {
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_stdout) _stdout.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>Sends a POSIX signal (2 SIGINT, 15 SIGTERM), as a terminal's Ctrl-C or a scheduler would.</summary>
        public void Signal(int signal)
        {
            if (kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        public Result WaitForExit(TimeSpan timeout)
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"process {process.Id} did not finish within {timeout}; its stderr so far:\n{Stderr}");
            }
            process.WaitForExit();   // drains the asynchronous output
            lock (_stdout) lock (_stderr) return new Result(process.ExitCode, _stdout.ToString(), _stderr.ToString());
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        [DllImport("libc", SetLastError = true)]
        static extern int kill(int pid, int sig);
    }

    /// <summary>Starts the <c>curriculum</c> CLI built beside the tests without waiting for it.</summary>
    public static Running StartCurriculum(params string[] args)
    {
        // A test run started as a background job of a non-interactive shell inherits SIGINT ignored (POSIX), and .NET
        // keeps an ignored SIGINT ignored; the tests that signal the CLI need its default action back (env execs dotnet,
        // so the process id is the CLI's).
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Curriculum.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var running = new Running(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
        running.Collect();
        return running;
    }

    /// <summary>Debian's python3 (where python3-torch, python3-nbformat live), or null.</summary>
    public static string? DebianPython => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : null;
}
