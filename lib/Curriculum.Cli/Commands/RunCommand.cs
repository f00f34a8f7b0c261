using System.CommandLine;
using Curriculum.Notebooks;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum run PATH... [--out DIR] [-p NAME=VALUE]... [--cell-timeout SECONDS] [--book DIR]</c>: runs notebooks
/// headless and writes the executed copies. Exit code 0 all passed, 1 some failed, 2 usage or unreadable input.
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
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "Override a value of the notebook's 'parameters' cell, e.g. -p steps=50 (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var cellTimeout = new Option<double?>("--cell-timeout")
        {
            Description = "Fail a cell that runs longer than this many seconds (default: no limit).",
        };
        var book = new Option<string?>("--book")
        {
            Description = "Then render everything in --out as an HTML book into this folder (as `curriculum book`).",
        };
        var command = new Command("run", "Run notebooks headless, in order, and write the executed copies with their outputs.")
        {
            paths, outDir, parameters, cellTimeout, book,
        };
        command.SetAction(parse =>
        {
            int exit = Run(parse.GetValue(paths)!, parse.GetValue(outDir)!, parse.GetValue(parameters) ?? [], parse.GetValue(cellTimeout));
            if (exit == 2 || parse.GetValue(book) is not { } bookDir) return exit;
            return Math.Max(exit, BookCommand.Run(parse.GetValue(outDir)!, bookDir, null, BookBuilder.DefaultTitle));
        });
        return command;
    }

    static int Run(string[] paths, string outDir, string[] parameterTexts, double? cellTimeoutSeconds)
    {
        List<KeyValuePair<string, string>> parameters;
        try { parameters = parameterTexts.Select(ParameterInjection.ParseAssignment).ToList(); }
        catch (ArgumentException e) { Console.Error.WriteLine("error: " + e.Message); return 2; }
        if (cellTimeoutSeconds is <= 0)
        {
            Console.Error.WriteLine("error: --cell-timeout must be a positive number of seconds");
            return 2;
        }

        var notebooks = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
                notebooks.AddRange(Directory.EnumerateFiles(p)
                    .Where(f => f.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".dib", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(p)) notebooks.Add(p);
            else { Console.Error.WriteLine($"error: {p}: no such file or folder"); return 2; }
        }
        if (notebooks.Count == 0) { Console.Error.WriteLine($"error: no .ipynb or .dib notebooks in {string.Join(", ", paths)}"); return 2; }

        var options = new NotebookRunOptions
        {
            Parameters = parameters,
            CellTimeout = cellTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        };
        int exit = 0;
        foreach (var path in notebooks)
        {
            NotebookRunResult result;
            try { result = NotebookExecutor.RunAsync(path, options).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is NotebookFormatException or ArgumentException)
            {
                Console.WriteLine($"ERROR {path}: {e.Message}");
                exit = 2;
                continue;
            }
            if (result.Warning != null) Console.Error.WriteLine($"warning: {path}: {result.Warning}");
            var target = Path.Combine(outDir, Path.ChangeExtension(Path.GetFileName(path), ".ipynb"));
            result.Executed.Save(target);
            Console.WriteLine(result.Summary);
            if (!result.Passed && exit == 0) exit = 1;
        }
        return exit;
    }
}
