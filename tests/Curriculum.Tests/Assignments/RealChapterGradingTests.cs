using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>
/// A whole chapter graded end to end, as a teacher grades it: every cell of the chapter runs in the submission's sandbox
/// (its data and #r resolve as in the repository), then the exercises are graded.
/// </summary>
[Collection(GradingCollection.Name)]
public class RealChapterGradingTests
{
    [Fact]
    public void The_data_chapter_key_gets_full_marks_and_its_student_version_runs_the_chapter_and_gets_zero()
    {
        using var files = new AssignmentFiles();
        string keyPath = AssignmentFiles.Chapter("02");
        string reference = files.Save(NotebookDocument.Load(keyPath), "class/reference.ipynb");
        string student = files.Save(AssignmentFiles.Released(keyPath), "class/student.ipynb");

        var r = files.Grade(keyPath, [reference, student], "--cell-timeout", "300");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var key = NotebookDocument.Load(keyPath);
        var tests = NbgraderCell.All(key, keyPath).Count(c => c.Cell.IsTest);

        var full = files.Result("reference");
        Assert.Equal(full["max"]!.GetValue<double>(), full["score"]!.GetValue<double>());
        Assert.Equal(tests, files.Tests("reference").Count);
        Assert.All(files.Tests("student").Values, t => Assert.Equal(0, t.Points));

        // The released chapter runs top to bottom: every cell of the chapter itself ran without an error.
        var graded = NotebookDocument.Load(Path.Combine(files.Out, "graded", "student.ipynb"));
        for (int i = 0; i < graded.Cells.Count; i++)
        {
            var cell = graded.Cells[i];
            if (cell.Kind != CellKind.Code || cell.Metadata[NbgraderCell.Key] != null) continue;
            Assert.True(cell.ExecutionCount != null, $"cell {i + 1} of the chapter did not run");
            Assert.False(cell.Outputs.OfType<ErrorOutput>().Any(), $"cell {i + 1} of the chapter failed");
        }
    }
}
