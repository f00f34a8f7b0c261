using Curriculum.Notebooks;

namespace Curriculum.Tests.Notebooks;

/// <summary>The <c>curriculum run</c> command as a user runs it: lines printed, exit codes, files written.</summary>
public class RunCommandTests
{
    [Fact]
    public void Runs_a_folder_in_name_order_prints_one_line_each_and_exits_1_when_one_fails()
    {
        using var nb = new NotebookBuilder();
        new NotebookBuilder().Code("Console.WriteLine(1);").Save(); // unrelated folder stays untouched
        var folder = Path.Combine(nb.Directory, "nbs");
        Directory.CreateDirectory(folder);
        using (var a = new NotebookBuilder()) File.Copy(a.Code("int x = 1;").Save(), Path.Combine(folder, "02-second.ipynb"));
        using (var b = new NotebookBuilder()) File.Copy(b.Markdown("m").Code("int y = 2;\nthrow new Exception(\"stop\");").Save(), Path.Combine(folder, "01-first.ipynb"));
        nb.Write("nbs/03-third.dib", "#!csharp\n\nvar t = 3;\n");
        var outDir = Path.Combine(nb.Directory, "out");

        var r = ProcessRunner.Curriculum("run", folder, "--out", outDir);

        Assert.Equal(1, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal($"FAIL {Path.Combine(folder, "01-first.ipynb")} cell 2 (line 2): Exception: stop", lines[0]);
        Assert.Matches(@"^PASS .*02-second\.ipynb \d+\.\ds$", lines[1]);
        Assert.Matches(@"^PASS .*03-third\.dib \d+\.\ds$", lines[2]);
        Assert.True(File.Exists(Path.Combine(outDir, "01-first.ipynb")));
        Assert.True(File.Exists(Path.Combine(outDir, "03-third.ipynb")));
    }

    [Fact]
    public void Exit_code_0_when_all_pass_and_parameters_reach_the_notebook()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("int steps = 100;", "parameters").Code("if (steps != 7) throw new Exception(\"steps \" + steps);").Save();
        var r = ProcessRunner.Curriculum("run", path, "--out", Path.Combine(nb.Directory, "out"), "-p", "steps=7");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("PASS ", r.Stdout);
    }

    [Fact]
    public void Malformed_input_exits_2_names_the_place_and_writes_nothing()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("bad.ipynb", "{\n \"cells\": [\n  {\"cell_type\": \"code\",}\n ]\n}");
        var outDir = Path.Combine(nb.Directory, "out");
        var r = ProcessRunner.Curriculum("run", path, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.ipynb", r.Stdout + r.Stderr);
        Assert.Contains("line 3", r.Stdout + r.Stderr);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, ProcessRunner.Curriculum("run", "/no/such/notebook.ipynb").ExitCode);
        using var nb = new NotebookBuilder();
        var path = nb.Code("1").Save();
        Assert.Equal(2, ProcessRunner.Curriculum("run", path, "-p", "novalue").ExitCode);
        Assert.Equal(2, ProcessRunner.Curriculum("run", path, "--cell-timeout", "-1").ExitCode);
    }

    [Fact]
    public async Task Executed_notebooks_are_valid_nbformat_4_by_the_nbformat_validator()
    {
        var python = ProcessRunner.DebianPython;
        Assert.True(python != null, "Debian's python3 with python3-nbformat is needed for this check: apt-get install python3-nbformat");
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("# T").Code("int steps = 3;", "parameters")
            .Code("Console.WriteLine(\"out\");\ndisplay(new Curriculum.Notebooks.MimeBundle { [\"application/json\"] = \"{\\\"k\\\": 1}\", [\"text/html\"] = \"<i>x</i>\" });\nsteps")
            .Code("throw new Exception(\"x\");").Save();
        var r = await NotebookExecutor.RunAsync(path, new NotebookRunOptions { Parameters = [new("steps", "4")] });
        var outPath = Path.Combine(nb.Directory, "executed.ipynb");
        r.Executed.Save(outPath);
        var check = ProcessRunner.Run(python!, ["-c",
            "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); "
            + "print(nb.metadata.kernelspec.name, len(nb.cells), [o.output_type for o in nb.cells[3].outputs])", outPath]);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal(".net-csharp 5 ['stream', 'display_data', 'execute_result']", check.Stdout.Trim());
    }
}
