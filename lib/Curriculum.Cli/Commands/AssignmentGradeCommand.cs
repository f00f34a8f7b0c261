using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Curriculum.Kernel;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum assignment grade SUBMISSION... --key NB [--out DIR]</c>: autogrades each submission in the real kernel,
/// each in its own process and sandbox folder (<see cref="RunNotebookWorkerCommand"/>, <see cref="SubmissionSandbox"/>),
/// <c>--jobs</c> at a time. The notebook run is <see cref="GradingNotebook"/>: the key's cells with the student's answers
/// in the solution cells, so tests and hidden tests come from the key. Per student it writes STUDENT.json (per test: grade_id,
/// points, max, passed, message), STUDENT.html (feedback) and graded/STUDENT.ipynb (the run, hidden tests included: for
/// the teacher), and for the class grades.csv. A submission that loops, throws, exits, floods the output, exhausts its
/// memory or is not a notebook scores 0 for what did not run, with the reason; the others are graded as usual.
/// Exit 0 when grading completed (whatever the scores), 2 bad usage or an unreadable key, 130 interrupted.
/// </summary>
static partial class AssignmentGradeCommand
{
    public static Command Create()
    {
        var submissions = new Argument<string[]>("submissions")
        {
            Description = "Submitted notebooks, or folders searched for them (.ipynb). The student is the file's name, or its folder's "
                + "name when the file is named as the key (one repository or folder per student).",
            Arity = ArgumentArity.OneOrMore,
        };
        var key = new Option<string>("--key") { Description = "The instructor's notebook (solutions, tests and hidden tests).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Folder for the results.", DefaultValueFactory = _ => "grades" };
        var cellTimeout = new Option<double>("--cell-timeout")
        {
            Description = "A cell running longer than this many seconds fails, and the submission's later cells are not run.",
            DefaultValueFactory = _ => 300,
        };
        var jobs = new Option<int>("--jobs") { Description = "Submissions graded at a time.", DefaultValueFactory = _ => 2 };
        var memory = new Option<int>("--memory-limit-mb")
        {
            Description = "Managed memory each submission's process may hold; past it allocations fail with OutOfMemoryException.",
            DefaultValueFactory = _ => 4096,
        };
        var command = new Command("grade", "Autograde submissions against the key's tests in the .NET Interactive kernel: per-student JSON and feedback HTML, and a class CSV.")
        {
            submissions, key, outDir, cellTimeout, jobs, memory,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(parse.GetValue(submissions)!, parse.GetValue(key)!, parse.GetValue(outDir)!,
            parse.GetValue(cellTimeout), parse.GetValue(jobs), parse.GetValue(memory))));
        return command;
    }

    static int Run(string[] submissionArgs, string keyPath, string outDir, double cellTimeout, int jobs, int memoryMb)
    {
        if (cellTimeout <= 0) throw new UsageException("--cell-timeout must be a positive number of seconds");
        if (jobs < 1) throw new UsageException("--jobs must be at least 1");
        if (memoryMb < 64) throw new UsageException("--memory-limit-mb must be at least 64");
        if (!File.Exists(keyPath)) throw new UsageException($"--key {keyPath}: no such file");
        NotebookDocument key;
        try
        {
            key = NotebookDocument.Load(keyPath);
            StudentVersion.Release(key, keyPath);   // the key must be releasable: its cells and markers well formed
        }
        catch (NotebookFormatException e) { throw new UsageException("--key " + e.Message); }

        var students = Students(Submissions(submissionArgs), keyPath);
        OutputLocation.Folder(outDir, "--out");
        Directory.CreateDirectory(Path.Combine(outDir, "graded"));
        var settings = new RunNotebookWorkerCommand.WorkerSettings([], cellTimeout)
        {
            Grading = true,
            HeapLimitBytes = memoryMb * 1024L * 1024L,
        };

        var screen = AnswerScreen.For(key, keyPath);
        var clock = Stopwatch.StartNew();
        var grades = new SubmissionGrade?[students.Count];
        using var interrupt = new InterruptRequest("stopping after the submissions being graded now");
        Parallel.For(0, students.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            if (interrupt.Token.IsCancellationRequested) return;
            var (student, submission) = students[i];
            var grade = GradeOne(student, submission, key, keyPath, screen, outDir, settings, interrupt);
            grades[i] = grade;
            lock (students)
                Console.WriteLine($"GRADED {student} {Number(grade.Score)}/{Number(grade.Max)}"
                    + (grade.Flags.Count > 0 ? $" ({grade.Flags.Count} flag{(grade.Flags.Count > 1 ? "s" : "")}: {grade.Flags[0]})" : ""));
        });
        var done = grades.OfType<SubmissionGrade>().ToList();
        File.WriteAllText(Path.Combine(outDir, "grades.csv"), Gradebook.ToCsv(done));
        Console.WriteLine($"graded {done.Count} of {students.Count} submissions in {clock.Elapsed.TotalSeconds:F1} s, {jobs} at a time: {Path.Combine(outDir, "grades.csv")}");
        return interrupt.Requested ? InterruptRequest.ExitCode : 0;
    }

    static SubmissionGrade GradeOne(string student, string submission, NotebookDocument key, string keyPath, AnswerScreen screen, string outDir,
        RunNotebookWorkerCommand.WorkerSettings settings, InterruptRequest interrupt)
    {
        string executedPath = Path.Combine(outDir, "graded", student + ".ipynb");
        if (File.Exists(executedPath)) File.Delete(executedPath);   // an earlier grading's run must not stand in for this one
        SubmissionGrade grade;
        NotebookDocument? executed = null;
        try
        {
            var plan = GradingNotebook.Build(key, keyPath, NotebookDocument.Load(submission), submission, screen.Refusal);
            using var sandbox = new SubmissionSandbox(keyPath, student);
            plan.Notebook.Save(sandbox.NotebookPath);
            var outcome = RunNotebookWorkerCommand.RunInChild(sandbox.NotebookPath, executedPath, settings, interrupt);
            string? ended = outcome.EndedEarly == null ? null
                : outcome.EndedEarly + " (the submission crashed the process, e.g. a stack overflow, or exhausted its memory)";
            if (File.Exists(executedPath)) executed = NotebookDocument.Load(executedPath);
            grade = SubmissionGrade.FromRun(student, submission, key, keyPath, executed, ended, plan.Flags);
        }
        catch (NotebookFormatException e)
        {
            grade = SubmissionGrade.NotGraded(student, submission, key, keyPath, "not a notebook that can be graded: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            grade = SubmissionGrade.NotGraded(student, submission, key, keyPath, "could not be graded: " + e.Message);
        }
        File.WriteAllText(Path.Combine(outDir, student + ".json"), grade.ToJson());
        File.WriteAllText(Path.Combine(outDir, student + ".html"), FeedbackPage.Render(grade, key, keyPath, executed));
        return grade;
    }

    static List<string> Submissions(string[] args)
    {
        var files = new List<string>();
        foreach (var a in args)
        {
            if (Directory.Exists(a))
                files.AddRange(Directory.EnumerateFiles(a, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.ipynb_checkpoints{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(a)) files.Add(a);
            else throw new UsageException($"{a}: no such file or folder");
        }
        if (files.Count == 0) throw new UsageException($"no submissions (.ipynb) in {string.Join(", ", args)}");
        return files;
    }

    /// <summary>Each submission's student: its file name, or its folder's name when named as the key; made safe as a file name, and unique.</summary>
    static List<(string Student, string Submission)> Students(List<string> submissions, string keyPath)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<(string, string)>();
        foreach (var s in submissions)
        {
            string full = Path.GetFullPath(s);
            string name = Path.GetFileNameWithoutExtension(full);
            if (string.Equals(name, Path.GetFileNameWithoutExtension(keyPath), StringComparison.OrdinalIgnoreCase))
                name = Path.GetFileName(Path.GetDirectoryName(full)!);
            name = Unsafe().Replace(name, "_");
            if (seen.TryGetValue(name, out var other))
                throw new UsageException($"{s} and {other} would both be graded as student '{name}'; put each student's notebook in a folder of its own name");
            seen[name] = s;
            list.Add((name, s));
        }
        return list;
    }

    static string Number(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
