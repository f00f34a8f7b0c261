using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Curriculum.Notebooks.Assignments;

/// <summary>One autograded test's outcome: all its points when the cell ran without an error, none otherwise.</summary>
public sealed record TestResult(string GradeId, double Points, double Max, bool Passed, string Message);

/// <summary>
/// A student's grade: one <see cref="TestResult"/> per test cell of the key, in the key's order, and the flags a teacher
/// should read (locked cells changed, cells missing, a submission that could not be run).
/// </summary>
public sealed record SubmissionGrade(string Student, string Submission, IReadOnlyList<TestResult> Tests, IReadOnlyList<string> Flags)
{
    /// <summary>The longest failure message kept per test: the feedback names the error, it does not replay a flood.</summary>
    public const int MaxMessageChars = 500;

    public double Score => Tests.Sum(t => t.Points);
    public double Max => Tests.Sum(t => t.Max);

    /// <summary>
    /// Reads each test's outcome from the executed grading notebook (the key's cells, in the key's order).
    /// <paramref name="processEnd"/>: why the process running it ended early (it crashed or exited), or null when it reported.
    /// A null <paramref name="executed"/> means nothing ran.
    /// </summary>
    public static SubmissionGrade FromRun(string student, string submission, NotebookDocument key, string keyPath,
        NotebookDocument? executed, string? processEnd, IReadOnlyList<string> flags)
    {
        if (executed != null && executed.Cells.Count != key.Cells.Count) executed = null;   // not the key's cells: nothing can be matched
        string notRun = executed == null ? processEnd ?? "the submission did not run" : WhyNotRun(executed, processEnd);
        var tests = new List<TestResult>();
        foreach (var (index, info) in NbgraderCell.All(key, keyPath).Where(c => c.Cell.IsTest))
        {
            var cell = executed?.Cells[index];
            var error = cell?.Outputs.OfType<ErrorOutput>().FirstOrDefault();
            tests.Add(error != null ? new TestResult(info.GradeId, 0, info.Points, false, Shorten($"{error.EName}: {error.EValue}"))
                : cell?.ExecutionCount == null ? new TestResult(info.GradeId, 0, info.Points, false, "not run: " + notRun)
                : new TestResult(info.GradeId, info.Points, info.Points, true, "passed"));
        }
        return new SubmissionGrade(student, submission, tests, flags);
    }

    /// <summary>A submission that could not be graded at all (not a notebook): every test scores 0 with the reason.</summary>
    public static SubmissionGrade NotGraded(string student, string submission, NotebookDocument key, string keyPath, string why) =>
        new(student, submission,
            NbgraderCell.All(key, keyPath).Where(c => c.Cell.IsTest).Select(c => new TestResult(c.Cell.GradeId, 0, c.Cell.Points, false, why)).ToList(),
            [why]);

    /// <summary>Why the cells after the last one that ran did not run: the process ended, a cell timed out, or a cell that stops the run failed.</summary>
    static string WhyNotRun(NotebookDocument executed, string? processEnd)
    {
        int next = executed.Cells.FindIndex(c => c.Kind == CellKind.Code && c.Source.Trim().Length > 0 && c.ExecutionCount == null);
        if (processEnd != null) return next >= 0 ? $"{processEnd} while cell {next + 1} ran" : processEnd;
        for (int i = (next < 0 ? executed.Cells.Count : next) - 1; i >= 0; i--)
            if (executed.Cells[i].Outputs.OfType<ErrorOutput>().FirstOrDefault() is { } e)
                return Shorten($"cell {i + 1} stopped the run: {e.EName}: {e.EValue}");
        return "the run stopped before this cell";
    }

    static string Shorten(string message) =>
        message.Length <= MaxMessageChars ? message : message[..MaxMessageChars] + $"... ({message.Length - MaxMessageChars} more characters)";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The per-student result file: score, max, flags, and per test grade_id, points, max, passed, message.</summary>
    public string ToJson() => new JsonObject
    {
        ["student"] = Student,
        ["submission"] = Submission,
        ["score"] = Score,
        ["max"] = Max,
        ["flags"] = new JsonArray(Flags.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
        ["tests"] = new JsonArray(Tests.Select(t => (JsonNode?)new JsonObject
        {
            ["grade_id"] = t.GradeId, ["points"] = t.Points, ["max"] = t.Max, ["passed"] = t.Passed, ["message"] = t.Message,
        }).ToArray()),
    }.ToJsonString(Indented) + "\n";
}
