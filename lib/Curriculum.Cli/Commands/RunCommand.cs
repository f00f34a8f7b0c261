using System.CommandLine;
using Curriculum.Kernel;
using Curriculum.Notebooks;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum run PATH... [--out DIR] [-p NAME=VALUE]... [--cell-timeout SECONDS] [--book DIR]</c>: runs
/// notebooks headless in the real .NET Interactive C# kernel, each in its own process with the notebook's
/// folder as working folder (<see cref="RunNotebookWorkerCommand"/>), so a runaway cell can be stopped and a
/// crash loses nothing but its notebook. Exit code 0 all passed, 1 some failed, 2 usage or unreadable
/// input, 130 interrupted (Ctrl-C: the running notebook is saved as far as it got, marked interrupted).
/// </summary>
static class RunCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Notebooks (.ipynb, .dib) or folders (their notebooks, in name order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Folder for the executed notebooks (same file names; .dib are written as .ipynb).",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var parameters = ParametersOption();
        var cellTimeout = CellTimeoutOption();
        var book = new Option<string?>("--book")
        {
            Description = "Then render everything in --out as an HTML book into this folder (as `curriculum book`).",
        };
        var command = new Command("run", "Run notebooks headless in the .NET Interactive C# kernel, in order, and write the executed copies with their outputs.")
        {
            paths, outDir, parameters, cellTimeout, book,
        };
        command.SetAction(parse =>
        {
            int exit = CliErrors.Guard(() => Run(parse.GetValue(paths)!, parse.GetValue(outDir)!, parse.GetValue(parameters) ?? [],
                parse.GetValue(cellTimeout), parse.GetValue(book)));
            if (exit is 2 or InterruptRequest.ExitCode || parse.GetValue(book) is not { } bookDir) return exit;
            return Math.Max(exit, BookCommand.Run(parse.GetValue(outDir)!, bookDir, null, BookBuilder.DefaultTitle));
        });
        return command;
    }

    internal static Option<string[]> ParametersOption() => new("--parameter", "-p")
    {
        Description = "Override a value of the notebook's 'parameters' cell, e.g. -p steps=50 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static Option<double?> CellTimeoutOption() => new("--cell-timeout")
    {
        Description = "Fail a cell that runs longer than this many seconds (default: no limit).",
    };

    static int Run(string[] paths, string outDir, string[] parameterTexts, double? cellTimeoutSeconds, string? book)
    {
        List<KeyValuePair<string, string>> parameters;
        try { parameters = parameterTexts.Select(ParameterInjection.ParseAssignment).ToList(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (cellTimeoutSeconds is <= 0) throw new UsageException("--cell-timeout must be a positive number of seconds");

        var notebooks = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
                notebooks.AddRange(Directory.EnumerateFiles(p)
                    .Where(f => f.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".dib", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(p)) notebooks.Add(p);
            else throw new UsageException($"{p}: no such file or folder");
        }
        if (notebooks.Count == 0) throw new UsageException($"no .ipynb or .dib notebooks in {string.Join(", ", paths)}");
        OutputLocation.Folder(outDir, "--out");
        if (book != null) OutputLocation.Folder(book, "--book");

        // Every notebook is read and takes its parameters before any runs: bad input costs no run time.
        int exit = 0;
        var runnable = new List<string>();
        foreach (var path in notebooks)
        {
            try
            {
                ParameterInjection.Inject(NotebookDocument.Load(path), parameters);
                runnable.Add(path);
            }
            catch (NotebookFormatException e) { Console.WriteLine($"ERROR {e.Message}"); exit = 2; }   // the message names the file
            catch (ArgumentException e) { Console.WriteLine($"ERROR {path}: {e.Message}"); exit = 2; }
        }
        if (exit == 2 && parameters.Count > 0) return 2;

        using var interrupt = new InterruptRequest("saving what the running notebook has done so far");
        foreach (var path in runnable)
        {
            var target = Path.Combine(outDir, Path.ChangeExtension(Path.GetFileName(path), ".ipynb"));
            var outcome = RunNotebookWorkerCommand.RunInChild(path, target,
                new RunNotebookWorkerCommand.WorkerSettings(parameterTexts, cellTimeoutSeconds), interrupt);
            Console.WriteLine(outcome.Summary);
            if (outcome.ExitCode == InterruptRequest.ExitCode) return InterruptRequest.ExitCode;
            if (outcome.ExitCode != 0 && exit == 0) exit = 1;
        }
        return exit;
    }
}
