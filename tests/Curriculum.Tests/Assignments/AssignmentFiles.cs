using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>Keys, student versions and submissions written to a temporary folder, and the grader's result files read back.</summary>
sealed class AssignmentFiles : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "curriculum-assign-" + Guid.NewGuid().ToString("N")[..8]);

    public AssignmentFiles() => System.IO.Directory.CreateDirectory(Directory);

    public static string Chapter(string number) => System.IO.Directory.GetFiles(RepoPaths.Notebooks, number + "-*.ipynb").Single();

    /// <summary>
    /// A chapter's graded exercises as a key of their own: the chapter's first code cell (its #r, pointed at the library beside
    /// the tests, and usings) and every nbgrader cell, as the exercises are written to need nothing else. Seconds to grade.
    /// </summary>
    public string ExercisesOf(string number)
    {
        var chapter = NotebookDocument.Load(Chapter(number));
        var setup = chapter.Cells.First(c => c.Kind == CellKind.Code);
        setup.Source = setup.Source.Replace("\"../artifacts/lib/Curriculum.dll\"", $"\"{Path.Combine(AppContext.BaseDirectory, "Curriculum.dll")}\"");
        var key = new NotebookDocument { Metadata = chapter.Metadata, FormatMinor = chapter.FormatMinor };
        key.Cells.Add(setup);
        key.Cells.AddRange(chapter.Cells.Where(c => c.Metadata[NbgraderCell.Key] != null));
        return Save(key, Path.Combine("keys", Path.GetFileName(Chapter(number))));
    }

    public string Save(NotebookDocument doc, string relative)
    {
        var path = Path.Combine(Directory, relative);
        doc.Save(path);
        return path;
    }

    public static NotebookDocument Released(string keyPath) => StudentVersion.Release(NotebookDocument.Load(keyPath), keyPath);

    /// <summary>The cell whose nbgrader grade_id is <paramref name="gradeId"/>.</summary>
    public static NotebookCell Cell(NotebookDocument doc, string gradeId) =>
        doc.Cells.Single(c => c.Metadata[NbgraderCell.Key]?["grade_id"]?.GetValue<string>() == gradeId);

    /// <summary>The key's solution cell for <paramref name="gradeId"/> with its solution region replaced by <paramref name="body"/>.</summary>
    public static string Answer(string keyPath, string gradeId, string body)
    {
        string source = Cell(NotebookDocument.Load(keyPath), gradeId).Source;
        int begin = source.IndexOf(SolutionRegions.BeginSolution, StringComparison.Ordinal);
        int end = source.IndexOf(SolutionRegions.EndSolution, StringComparison.Ordinal) + SolutionRegions.EndSolution.Length;
        return source[..begin] + body + source[end..];
    }

    /// <summary>Runs <c>curriculum assignment grade</c>; the result files land in <c>out</c>.</summary>
    public ProcessRunner.Result Grade(string keyPath, IEnumerable<string> submissions, params string[] options) =>
        ProcessRunner.Curriculum(["assignment", "grade", .. submissions, "--key", keyPath, "--out", Out, .. options]);

    public string Out => Path.Combine(Directory, "out");

    public JsonObject Result(string student) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Out, student + ".json")))!;

    /// <summary>grade_id -> (points, passed, message) of a student's result.</summary>
    public Dictionary<string, (double Points, bool Passed, string Message)> Tests(string student) =>
        Result(student)["tests"]!.AsArray().ToDictionary(t => t!["grade_id"]!.GetValue<string>(),
            t => (t!["points"]!.GetValue<double>(), t["passed"]!.GetValue<bool>(), t["message"]!.GetValue<string>()));

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
