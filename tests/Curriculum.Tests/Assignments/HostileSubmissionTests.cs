using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>
/// One grading run of a small two-exercise assignment over a class of hostile submissions, beside one honest one:
/// each is graded (0 for what did not run, with the reason), and nothing one does reaches another's grade.
/// </summary>
public sealed class HostileClass : IDisposable
{
    internal AssignmentFiles Files { get; } = new();
    public string KeyPath { get; }
    internal ProcessRunner.Result Run { get; }
    public TimeSpan Elapsed { get; }

    public HostileClass()
    {
        var key = new NotebookDocument { Metadata = NotebookDocument.DotNetInteractiveMetadata() };
        void Add(CellKind kind, string source, NbgraderCell? info)
        {
            var cell = new NotebookCell(kind, source);
            if (info != null) cell.Metadata[NbgraderCell.Key] = info.ToJson();
            key.Cells.Add(cell);
        }
        Add(CellKind.Markdown, "# Two exercises", new NbgraderCell("intro", false, false, true, 0));
        Add(CellKind.Code, "void Expect(bool ok, string what)\n{\n    if (!ok) throw new Exception(what);\n}", new NbgraderCell("expect", false, false, true, 0));
        Add(CellKind.Code, "int Twice(int x)\n{\n    // ### BEGIN SOLUTION\n    return 2 * x;\n    // ### END SOLUTION\n}", new NbgraderCell("twice", false, true, false, 0));
        Add(CellKind.Code, "Expect(Twice(2) == 4, \"Twice(2): expected 4\");", new NbgraderCell("twice-tests", true, false, true, 1));
        Add(CellKind.Code, "// ### BEGIN HIDDEN TESTS\nExpect(Twice(-3) == -6, \"Twice(-3): expected -6\");\n// ### END HIDDEN TESTS",
            new NbgraderCell("twice-hidden-tests", true, false, true, 2));
        Add(CellKind.Code, "int Square(int x)\n{\n    // ### BEGIN SOLUTION\n    return x * x;\n    // ### END SOLUTION\n}", new NbgraderCell("square", false, true, false, 0));
        Add(CellKind.Code, "Expect(Square(3) == 9, \"Square(3): expected 9\");", new NbgraderCell("square-tests", true, false, true, 1));
        Add(CellKind.Code, "// ### BEGIN HIDDEN TESTS\nExpect(Square(-4) == 16, \"Square(-4): expected 16\");\n// ### END HIDDEN TESTS",
            new NbgraderCell("square-hidden-tests", true, false, true, 2));
        KeyPath = Files.Save(key, "key/two.ipynb");

        var submissions = new List<string>();
        void Submit(string student, Action<NotebookDocument> edit)
        {
            var doc = AssignmentFiles.Released(KeyPath);
            edit(doc);
            submissions.Add(Files.Save(doc, $"class/{student}.ipynb"));
        }
        void Answer(NotebookDocument doc, string exercise, string body) => AssignmentFiles.Cell(doc, exercise).Source = AssignmentFiles.Answer(KeyPath, exercise, body);
        void Both(NotebookDocument doc) { Answer(doc, "twice", "return 2 * x;"); Answer(doc, "square", "return x * x;"); }

        Submit("honest", Both);
        Submit("throws", d => { Both(d); Answer(d, "twice", "throw new InvalidOperationException(\"not today\");"); });
        Submit("loops", d => { Both(d); Answer(d, "twice", "while (true) { }"); });
        Submit("crashes", d => { Both(d); Answer(d, "square", "return Square(x + 1);"); });   // a stack overflow ends the process
        Submit("floods", d => { Both(d); Answer(d, "twice", "for (int i = 0; i < 200; i++) Console.Write(new string('x', 100_000));\n    return 2 * x;"); });
        Submit("hoards", d => { Both(d); Answer(d, "twice", "var hoard = new List<byte[]>();\n    while (true) hoard.Add(new byte[1 << 20]);"); });
        Submit("deletes", d => { Both(d); d.Cells.Remove(AssignmentFiles.Cell(d, "square")); });
        Submit("renames", d => { Both(d); AssignmentFiles.Cell(d, "twice").Metadata[NbgraderCell.Key]!["grade_id"] = "my-twice"; });
        Submit("edits-tests", d =>
        {
            foreach (var id in new[] { "twice-tests", "twice-hidden-tests", "square-tests", "square-hidden-tests" })
            {
                var test = AssignmentFiles.Cell(d, id);
                test.Source = "// passes";
                test.Metadata[NbgraderCell.Key]!["points"] = 100;
            }
        });
        // Cheats: each would raise a wrong answer's score if it ran; the screen refuses the answer, so its exercise scores 0.
        Submit("redefines", d => { Both(d); Answer(d, "twice", "return 0;\n}\nvoid Expect(bool ok, string what) { }\nint Unused()\n{\n    return 0;"); });
        Submit("forges", d =>
        {
            Both(d);
            Answer(d, "square", "System.IO.File.WriteAllText(\"forged.txt\", \"full marks\");\n    System.Environment.Exit(0);\n    return 0;");
        });
        submissions.Add(Files.Save(new NotebookDocument(), "class/empty.ipynb"));
        var notNotebook = Path.Combine(Files.Directory, "class", "not-a-notebook.ipynb");
        File.WriteAllText(notNotebook, "%PDF-1.4 this is a scanned page");
        submissions.Add(notNotebook);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The limit leaves room for the kernel's first compile on a loaded machine; the loop costs this much once.
        Run = Files.Grade(KeyPath, submissions, "--cell-timeout", "30", "--memory-limit-mb", "768");
        Elapsed = clock.Elapsed;
    }

    public void Dispose() => Files.Dispose();
}

[Collection(GradingCollection.Name)]
public class HostileSubmissionTests(HostileClass run) : IClassFixture<HostileClass>
{
    Dictionary<string, (double Points, bool Passed, string Message)> Tests(string student) => run.Files.Tests(student);

    string Flags(string student) => string.Join("\n", run.Files.Result(student)["flags"]!.AsArray().Select(f => f!.GetValue<string>()));

    [Fact]
    public void Grading_completes_with_exit_0_and_a_result_for_every_student()
    {
        Assert.True(run.Run.ExitCode == 0, run.Run.Stdout + run.Run.Stderr);
        var csv = File.ReadAllLines(Path.Combine(run.Files.Out, "grades.csv"));
        Assert.Equal(14, csv.Length);   // header + 13 students
        foreach (var s in new[] { "honest", "throws", "loops", "crashes", "floods", "hoards", "deletes", "renames", "edits-tests", "redefines", "forges", "empty", "not-a-notebook" })
        {
            Assert.True(File.Exists(Path.Combine(run.Files.Out, s + ".json")), s);
            Assert.True(File.Exists(Path.Combine(run.Files.Out, s + ".html")), s);
        }
    }

    [Fact]
    public void The_honest_submission_beside_them_gets_full_marks()
    {
        Assert.All(Tests("honest").Values, t => Assert.True(t.Passed, t.Message));
        Assert.Equal(6, run.Files.Result("honest")["score"]!.GetValue<double>());
    }

    [Fact]
    public void An_answer_that_throws_loses_its_exercise_only()
    {
        var t = Tests("throws");
        Assert.Equal((0, false, "InvalidOperationException: not today"), t["twice-tests"]);
        Assert.Equal((0, false, "InvalidOperationException: not today"), t["twice-hidden-tests"]);
        Assert.True(t["square-tests"].Passed && t["square-hidden-tests"].Passed);
    }

    [Fact]
    public void An_answer_that_never_ends_is_stopped_at_the_cell_limit_and_what_did_not_run_says_why()
    {
        var t = Tests("loops");
        Assert.Equal("CellTimeout: timed out after 30 s (--cell-timeout)", t["twice-tests"].Message);
        Assert.Equal("not run: cell 4 stopped the run: CellTimeout: timed out after 30 s (--cell-timeout)", t["square-tests"].Message);
        Assert.All(t.Values, x => Assert.Equal(0, x.Points));
    }

    [Fact]
    public void An_answer_that_crashes_the_process_keeps_the_results_of_the_cells_before_it()
    {
        var t = Tests("crashes");
        Assert.True(t["twice-tests"].Passed && t["twice-hidden-tests"].Passed);
        Assert.False(t["square-tests"].Passed);
        Assert.StartsWith("not run: the kernel process ended with exit code ", t["square-tests"].Message);
        Assert.Contains("before it could report", t["square-tests"].Message);
        Assert.Contains("while cell 7 ran", t["square-tests"].Message);
        Assert.Equal(3, run.Files.Result("crashes")["score"]!.GetValue<double>());
    }

    [Fact]
    public void An_answer_that_redefines_what_the_tests_use_or_reaches_the_process_is_not_run_and_scores_0_for_its_exercise()
    {
        var redefines = Tests("redefines");
        Assert.Equal(0, redefines["twice-tests"].Points + redefines["twice-hidden-tests"].Points);
        Assert.StartsWith("NotSupportedException: answer not run: it uses what answers may not use: line 5: declares 'Expect'", redefines["twice-tests"].Message);
        Assert.True(redefines["square-tests"].Passed && redefines["square-hidden-tests"].Passed);
        Assert.Contains("answer 'twice' was not run", Flags("redefines"));

        var forges = Tests("forges");
        Assert.True(forges["twice-tests"].Passed && forges["twice-hidden-tests"].Passed);
        Assert.Equal(0, forges["square-tests"].Points + forges["square-hidden-tests"].Points);
        Assert.Contains("'IO' (files)", forges["square-tests"].Message);
        Assert.Contains("'Environment' (the process)", forges["square-tests"].Message);
        Assert.Equal(3, run.Files.Result("forges")["score"]!.GetValue<double>());
    }

    [Fact]
    public void Megabytes_of_output_are_capped_in_what_is_stored_and_the_answer_still_counts()
    {
        Assert.All(Tests("floods").Values, t => Assert.True(t.Passed, t.Message));
        var graded = Path.Combine(run.Files.Out, "graded", "floods.ipynb");
        Assert.True(new FileInfo(graded).Length < 1_000_000, $"{new FileInfo(graded).Length} bytes stored for 20 MB printed");
        Assert.Contains("[output truncated: the cell wrote more than 100,000 characters", File.ReadAllText(graded));
        Assert.True(new FileInfo(Path.Combine(run.Files.Out, "floods.html")).Length < 1_000_000);
    }

    [Fact]
    public void An_answer_that_allocates_without_bound_hits_the_memory_limit_and_loses_its_exercise()
    {
        var t = Tests("hoards");
        Assert.False(t["twice-tests"].Passed);
        Assert.Contains("OutOfMemory", t["twice-tests"].Message + t["twice-hidden-tests"].Message);
        Assert.Equal(0, t["twice-tests"].Points + t["twice-hidden-tests"].Points);
    }

    [Fact]
    public void A_deleted_or_renamed_answer_cell_is_flagged_and_graded_as_unanswered_the_rest_normally()
    {
        var deleted = Tests("deletes");
        Assert.True(deleted["twice-tests"].Passed && deleted["twice-hidden-tests"].Passed);
        Assert.Equal("NotImplementedException: exercise 2", deleted["square-tests"].Message);
        Assert.Contains("solution cell 'square' is missing from the submission", Flags("deletes"));

        var renamed = Tests("renames");
        Assert.Equal("NotImplementedException: exercise 1", renamed["twice-tests"].Message);
        Assert.True(renamed["square-tests"].Passed && renamed["square-hidden-tests"].Passed);
        Assert.Contains("solution cell 'twice' is missing", Flags("renames"));
    }

    [Fact]
    public void Edited_test_cells_and_points_do_not_count_and_are_flagged()
    {
        var result = run.Files.Result("edits-tests");
        Assert.Equal(0, result["score"]!.GetValue<double>());
        Assert.Equal(6, result["max"]!.GetValue<double>());   // the key's points, not the submission's
        Assert.All(Tests("edits-tests").Values, t => Assert.StartsWith("NotImplementedException", t.Message));
        Assert.Equal(4, result["flags"]!.AsArray().Count(f => f!.GetValue<string>().StartsWith("locked test cell", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_empty_notebook_and_a_file_that_is_not_a_notebook_get_0_with_the_reason()
    {
        var empty = run.Files.Result("empty");
        Assert.Equal(0, empty["score"]!.GetValue<double>());
        Assert.Contains("solution cell 'twice' is missing", Flags("empty"));

        var t = Tests("not-a-notebook");
        Assert.All(t.Values, x => Assert.Equal(0, x.Points));
        Assert.All(t.Values, x => Assert.StartsWith("not a notebook that can be graded: ", x.Message));
        Assert.All(t.Values, x => Assert.Contains("not-a-notebook.ipynb: line 1, column 1 (byte 0): invalid JSON", x.Message));
    }

    [Fact]
    public void Feedback_shows_the_answer_and_the_outcome_but_never_the_hidden_tests()
    {
        string html = File.ReadAllText(Path.Combine(run.Files.Out, "throws.html"));
        Assert.Contains("Score: 3 / 6", html);
        Assert.Contains("not today", html);
        Assert.DoesNotContain("Twice(-3)", html);
        Assert.DoesNotContain("Square(-4)", html);
        Assert.Contains("twice-hidden-tests", html);
    }
}
