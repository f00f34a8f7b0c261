using Curriculum.Kernel;
using Curriculum.Notebooks;
using Curriculum.Tests.Notebooks;

namespace Curriculum.Tests.Assignments;

/// <summary>The executor's options that grading relies on, in this process's kernel.</summary>
[Collection(ProcessStateCollection.Name)]
public class GradingRunOptionsTests
{
    static NotebookRunResult Run(string path, NotebookRunOptions options) =>
        NotebookExecutor.RunAsync(NotebookDocument.Load(path), path, options).GetAwaiter().GetResult();

    [Fact]
    public void Chosen_cells_may_fail_and_the_run_goes_on_other_failures_still_stop_it()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("int a = 1;").Code("throw new Exception(\"test one fails\");", "graded").Code("int b = a + 1;")
            .Code("b.ToString().NoSuchMethod();", "graded").Code("throw new Exception(\"setup fails\");").Code("Console.WriteLine(\"never\");").Save();
        var r = Run(path, new NotebookRunOptions { ContinueAfterFailure = c => c.HasTag("graded") });
        Assert.Equal(2, r.FailedCell);   // the first failure is the one reported
        Assert.Equal("failed", r.Executed.Metadata["curriculum"]!["status"]!.GetValue<string>());
        Assert.Equal("test one fails", Assert.IsType<ErrorOutput>(Assert.Single(r.Executed.Cells[1].Outputs)).EValue);
        Assert.Equal(3, r.Executed.Cells[2].ExecutionCount);
        Assert.Equal("CompilationError", Assert.IsType<ErrorOutput>(Assert.Single(r.Executed.Cells[3].Outputs)).EName);
        Assert.Equal("setup fails", Assert.IsType<ErrorOutput>(Assert.Single(r.Executed.Cells[4].Outputs)).EValue);
        Assert.Null(r.Executed.Cells[5].ExecutionCount);

        var stopping = Run(path, new NotebookRunOptions());
        Assert.Equal(2, stopping.FailedCell);
        Assert.Null(stopping.Executed.Cells[2].ExecutionCount);
    }

    [Fact]
    public void Output_past_the_limit_is_dropped_with_a_note_and_progress_is_reported_after_each_cell()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("for (int i = 0; i < 50; i++) Console.Write(new string('x', 1000));")
            .Code("display(new string('y', 5000));\nConsole.WriteLine(\"after\");").Code("Console.WriteLine(\"small\");").Save();
        var seen = new List<int>();
        var r = Run(path, new NotebookRunOptions
        {
            MaxOutputChars = 2000,
            CellFinished = (d, cell) => seen.Add(d.Cells.IndexOf(cell) + 1 + 10 * d.Cells.Count(c => c.ExecutionCount != null)),
        });
        Assert.True(r.Passed, r.Summary);
        var flood = Assert.IsType<StreamOutput>(Assert.Single(r.Executed.Cells[0].Outputs));
        Assert.StartsWith(new string('x', 2000) + "\n[output truncated: the cell wrote more than 2,000 characters", flood.Text);
        Assert.True(flood.Text.Length < 2200, $"{flood.Text.Length} characters kept");
        var shown = Assert.IsType<DisplayDataOutput>(r.Executed.Cells[1].Outputs[0]);
        Assert.StartsWith("[output truncated: a displayed value of", shown.Data[MimeBundle.PlainText]);
        Assert.Equal(new StreamOutput("stdout", "small\n"), Assert.Single(r.Executed.Cells[2].Outputs));   // the limit is per cell
        Assert.Equal([11, 22, 33], seen);   // (cells run so far, the cell) after each cell
    }
}
