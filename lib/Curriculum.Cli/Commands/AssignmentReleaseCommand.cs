using System.CommandLine;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum assignment release NB... --out DIR</c>: writes each key's student version (<see cref="StudentVersion"/>)
/// under the same file name. Exit 0 done, 2 a key that is not a notebook or whose nbgrader cells or markers are malformed
/// (the file, cell and what was expected are named, and nothing is written for any key).
/// </summary>
static class AssignmentReleaseCommand
{
    public static Command Create()
    {
        var keys = new Argument<string[]>("notebooks")
        {
            Description = "Instructor notebooks (.ipynb, .dib) with nbgrader solution and test cells.",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Folder for the student versions (same file names; .dib are written as .ipynb).",
            Required = true,
        };
        var command = new Command("release", "Write the student version: solutions replaced by stubs, hidden tests removed, outputs cleared, graded cells locked.")
        {
            keys, outDir,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(parse.GetValue(keys)!, parse.GetValue(outDir)!)));
        return command;
    }

    static int Run(string[] keys, string outDir)
    {
        var released = new List<(string Target, NotebookDocument Student)>();
        foreach (var key in keys)
        {
            if (!File.Exists(key)) throw new UsageException($"{key}: no such file");
            try { released.Add((Path.Combine(outDir, Path.ChangeExtension(Path.GetFileName(key), ".ipynb")), StudentVersion.Release(NotebookDocument.Load(key), key))); }
            catch (NotebookFormatException e) { throw new UsageException(e.Message); }
        }
        OutputLocation.Folder(outDir, "--out");
        foreach (var (target, student) in released)
        {
            student.Save(target);
            Console.WriteLine($"RELEASED {target}");
        }
        return 0;
    }
}
