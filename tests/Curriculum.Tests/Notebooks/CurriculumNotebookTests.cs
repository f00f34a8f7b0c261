using Curriculum.Notebooks;

namespace Curriculum.Tests.Notebooks;

/// <summary>
/// Every notebook of the curriculum, and environment-check.dib, runs end to end headless in its
/// small (CI) setting; the executed copies land in artifacts/notebooks/ as with `curriculum run`.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class CurriculumNotebookTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string> { "environment-check.dib" };
        foreach (var f in Directory.EnumerateFiles(RepoPaths.Notebooks, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_end_to_end(string relativePath)
    {
        var path = Path.Combine(RepoPaths.Root, relativePath);
        var result = await NotebookExecutor.RunAsync(path, new NotebookRunOptions { CellTimeout = TimeSpan.FromMinutes(10) });
        result.Executed.Save(Path.Combine(RepoPaths.Root, "artifacts", "notebooks", Path.ChangeExtension(Path.GetFileName(path), ".ipynb")));
        var error = result.Passed ? null
            : result.Executed.Cells[result.FailedCell!.Value - 1].Outputs.OfType<ErrorOutput>().FirstOrDefault();
        Assert.True(result.Passed, result.Summary + (error == null ? "" : "\n" + string.Join("\n", error.Traceback)));
    }
}
