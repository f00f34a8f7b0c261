using System.Text.Json.Nodes;

namespace Curriculum.Tests.Notebooks;

/// <summary>
/// The notebooks are written for the kernel, not for our runner: unchanged, they pass in the other
/// hosts of the same .NET Interactive kernel, started from the notebook's folder as a learner would:
/// dotnet-repl (from the repository's tool manifest) and Jupyter's nbconvert with the .NET kernel
/// (dotnet-interactive's kernelspec). No cell may error, and every figure carries the Plotly mime type.
/// A fast subset runs here; `curriculum run` runs all of them in CurriculumNotebookTests.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class KernelCompatibilityTests
{
    static readonly Lazy<string> ToolsRestored = new(() =>
    {
        var r = ProcessRunner.Run("dotnet", ["tool", "restore"], RepoPaths.Root);
        Assert.True(r.ExitCode == 0, "dotnet tool restore: " + r.Stdout + r.Stderr);
        return r.Stdout;
    });

    public static TheoryData<string> FastNotebooks() => ["environment-check.dib", "notebooks/00-engine.ipynb", "notebooks/02-data-sampling.ipynb"];

    [Theory]
    [MemberData(nameof(FastNotebooks))]
    public void Runs_under_dotnet_repl(string relativePath)
    {
        _ = ToolsRestored.Value;
        string path = Path.Combine(RepoPaths.Root, relativePath);
        string output = Path.Combine(Path.GetTempPath(), $"repl-{Guid.NewGuid():N}.ipynb");
        try
        {
            var r = ProcessRunner.Run("dotnet", ["repl", "--run", Path.GetFileName(path), "--exit-after-run", "--output-format", "ipynb", "--output-path", output],
                Path.GetDirectoryName(path), TimeSpan.FromMinutes(10));
            Assert.True(File.Exists(output), $"dotnet repl wrote no notebook (exit {r.ExitCode}): {r.Stdout}{r.Stderr}");
            AssertNoErrorsAndPlotlyFigures(relativePath, output);
        }
        finally { File.Delete(output); }
    }

    public static TheoryData<string> JupyterNotebooks() => ["notebooks/00-engine.ipynb", "notebooks/02-data-sampling.ipynb"];

    [Theory]
    [MemberData(nameof(JupyterNotebooks))]
    public void Runs_under_jupyter_nbconvert_with_the_dotnet_kernel(string relativePath)
    {
        _ = ToolsRestored.Value;
        Assert.True(File.Exists("/usr/bin/jupyter-nbconvert"), "Jupyter's nbconvert is needed: apt-get install jupyter-nbconvert jupyter-client (tools/setup.sh)");
        var install = ProcessRunner.Run("dotnet", ["dotnet-interactive", "jupyter", "install"], RepoPaths.Root);
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        string path = Path.Combine(RepoPaths.Root, relativePath);
        string output = Path.Combine(Path.GetTempPath(), $"nbconvert-{Guid.NewGuid():N}.ipynb");
        try
        {
            var r = ProcessRunner.Run("jupyter-nbconvert", ["--to", "notebook", "--execute", Path.GetFileName(path), "--output", output,
                "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=.net-csharp"], Path.GetDirectoryName(path), TimeSpan.FromMinutes(10));
            Assert.True(r.ExitCode == 0, $"nbconvert failed (exit {r.ExitCode}): {r.Stderr}");
            AssertNoErrorsAndPlotlyFigures(relativePath, output);
        }
        finally { File.Delete(output); }
    }

    static void AssertNoErrorsAndPlotlyFigures(string notebook, string executedPath)
    {
        var cells = JsonNode.Parse(File.ReadAllText(executedPath))!["cells"]!.AsArray();
        int figures = 0;
        for (int i = 0; i < cells.Count; i++)
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                Assert.False(output!["output_type"]!.GetValue<string>() == "error",
                    $"{notebook} cell {i + 1}: {output["ename"]}: {output["evalue"]}");
                var data = output["data"]?.AsObject();
                string plain = data?["text/plain"] is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>()))
                    : data?["text/plain"]?.GetValue<string>() ?? "";
                if (!plain.StartsWith("Figure", StringComparison.Ordinal)) continue;
                figures++;
                Assert.True(data!.ContainsKey("application/vnd.plotly.v1+json"), $"{notebook} cell {i + 1}: a figure without the Plotly mime type");
            }
        Assert.True(!notebook.StartsWith("notebooks/", StringComparison.Ordinal) || figures > 0, $"{notebook}: no figure was displayed");
    }
}
