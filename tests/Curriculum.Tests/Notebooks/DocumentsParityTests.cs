using Curriculum.Notebooks;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Curriculum.Tests.Notebooks;

/// <summary>
/// Our notebook reader and writer against .NET Interactive's own (Microsoft.DotNet.Interactive.Documents,
/// what VS Code's Polyglot Notebooks and dotnet-repl read notebooks with): every notebook of the
/// curriculum reads as the same cells, in the same kernels, with the same code; and what we write
/// (an executed copy, outputs included) reads back in theirs with every output in its place.
/// </summary>
public class DocumentsParityTests
{
    static readonly KernelInfoCollection Kernels = [new KernelInfo("csharp"), new KernelInfo("markdown"), new KernelInfo("html")];

    [Theory]
    [MemberData(nameof(CurriculumNotebookTests.Notebooks), MemberType = typeof(CurriculumNotebookTests))]
    public void Every_notebook_reads_as_the_same_cells_in_both_readers(string relativePath)
    {
        string path = Path.Combine(RepoPaths.Root, relativePath);
        string text = File.ReadAllText(path);
        var theirs = path.EndsWith(".dib", StringComparison.Ordinal) ? CodeSubmission.Parse(text, Kernels) : Notebook.Parse(text, Kernels);
        var ours = NotebookDocument.Load(path);
        Assert.Equal(theirs.Elements.Count, ours.Cells.Count);
        for (int i = 0; i < ours.Cells.Count; i++)
        {
            var (a, b) = (ours.Cells[i], theirs.Elements[i]);
            Assert.Equal(b.KernelName, a.Kind == CellKind.Markdown ? "markdown" : a.Language);
            Assert.Equal(Normalise(b.Contents), Normalise(a.Source));
        }
    }

    [Fact]
    public void An_executed_copy_we_write_reads_in_theirs_with_its_outputs()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("# T").Code("int steps = 3;", "parameters").Code("Console.WriteLine(\"out\");\ndisplay(\"shown\");\nsteps").Save();
        var outDir = Path.Combine(nb.Directory, "out");
        var run = ProcessRunner.Curriculum("run", path, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var ours = NotebookDocument.Load(Path.Combine(outDir, "test.ipynb"));
        var theirs = Notebook.Parse(File.ReadAllText(Path.Combine(outDir, "test.ipynb")), Kernels);
        Assert.Equal(ours.Cells.Count, theirs.Elements.Count);
        Assert.Equal(3, theirs.Elements[2].Outputs.Count);
        Assert.Equal(ours.Cells[2].ExecutionCount, theirs.Elements[2].ExecutionOrder);
        // The kernel metadata we write is read as theirs reads the curriculum's own notebooks.
        var chapter = Notebook.Parse(File.ReadAllText(Path.Combine(RepoPaths.Notebooks, "00-engine.ipynb")), Kernels);
        Assert.Equal(chapter.GetDefaultKernelName(), theirs.GetDefaultKernelName());
        Assert.Equal(chapter.GetKernelInfo()?.Select(k => k.Name), theirs.GetKernelInfo()?.Select(k => k.Name));
    }

    static string Normalise(string s) => s.Replace("\r\n", "\n").Trim();
}
