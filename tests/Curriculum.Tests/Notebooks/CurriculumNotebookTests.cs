namespace Curriculum.Tests.Notebooks;

/// <summary>
/// Every notebook of the curriculum, and environment-check.dib, runs end to end in the real .NET
/// Interactive kernel through `curriculum run`, as the main job runs it, in its small (CI) setting;
/// the executed copies land in artifacts/notebooks/, and every figure carries the Plotly mime type.
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
    public void Notebook_runs_end_to_end_in_the_kernel(string relativePath)
    {
        var outDir = Path.Combine(RepoPaths.Root, "artifacts", "notebooks");
        var r = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "Curriculum.Cli.dll"), "run", relativePath, "--out", outDir, "--cell-timeout", "900"],
            timeout: TimeSpan.FromMinutes(20));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.StartsWith("PASS ", r.Stdout);
        var executed = Curriculum.Notebooks.NotebookDocument.Load(Path.Combine(outDir, Path.ChangeExtension(Path.GetFileName(relativePath), ".ipynb")));
        foreach (var cell in executed.Cells)
            foreach (var output in cell.Outputs.OfType<Curriculum.Notebooks.DisplayDataOutput>())
                if (output.Data.TryGetValue("text/plain", out var text) && text.StartsWith("Figure", StringComparison.Ordinal))
                    Assert.True(output.Data.ContainsKey("application/vnd.plotly.v1+json"), $"{relativePath}: a figure without the Plotly mime type: {text}");
    }
}
