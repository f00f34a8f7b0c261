using System.Diagnostics;
using Curriculum.Notebooks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Curriculum.Tests.Notebooks;

/// <summary>The <c>curriculum run</c> command as a user runs it: lines printed, exit codes, files written.</summary>
public class RunCommandTests
{
    [Fact]
    public void Runs_a_folder_in_name_order_prints_one_line_each_and_exits_1_when_one_fails()
    {
        using var nb = new NotebookBuilder();
        var folder = Path.Combine(nb.Directory, "nbs");
        Directory.CreateDirectory(folder);
        using (var a = new NotebookBuilder()) File.Copy(a.Code("int x = 1;").Save(), Path.Combine(folder, "02-second.ipynb"));
        using (var b = new NotebookBuilder()) File.Copy(b.Markdown("m").Code("int y = 2;\nthrow new Exception(\"stop\");").Save(), Path.Combine(folder, "01-first.ipynb"));
        nb.Write("nbs/03-third.dib", "#!csharp\n\nvar t = 3;\n\n#!csharp\n\nConsole.WriteLine(t * 2);\n");
        var outDir = Path.Combine(nb.Directory, "out");

        var r = ProcessRunner.Curriculum("run", folder, "--out", outDir);

        Assert.Equal(1, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal($"FAIL {Path.Combine(folder, "01-first.ipynb")} cell 2: Exception: stop", lines[0]);
        Assert.Matches(@"^PASS .*02-second\.ipynb \d+\.\ds$", lines[1]);
        Assert.Matches(@"^PASS .*03-third\.dib \d+\.\ds$", lines[2]);
        Assert.True(File.Exists(Path.Combine(outDir, "01-first.ipynb")));
        var dib = NotebookDocument.Load(Path.Combine(outDir, "03-third.ipynb"));
        Assert.Equal([1, 2], dib.Cells.Select(c => c.ExecutionCount ?? 0));
        Assert.Equal(new StreamOutput("stdout", "6\n"), Assert.Single(dib.Cells[1].Outputs));
        Assert.Empty(Directory.GetFiles(outDir, ".*"));   // no staging files left
    }

    [Fact]
    public void Cells_run_in_the_notebook_folder_so_relative_references_resolve_there()
    {
        using var nb = new NotebookBuilder();
        var compilation = CSharpCompilation.Create("Greeting",
            [CSharpSyntaxTree.ParseText("namespace Greeting { public static class Greeter { public static string Hello(string n) => \"hello \" + n; } }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.Combine(nb.Directory, "lib"));
        Assert.True(compilation.Emit(Path.Combine(nb.Directory, "lib", "Greeting.dll")).Success);
        nb.Write("chapters/data.txt", "from the data file");
        var path = nb.Code("#r \"../lib/Greeting.dll\"\nConsole.WriteLine(Greeting.Greeter.Hello(System.IO.File.ReadAllText(\"data.txt\")));").Save("chapters/a.ipynb");
        var outDir = Path.Combine(nb.Directory, "out");
        var r = ProcessRunner.Curriculum("run", path, "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var cell = NotebookDocument.Load(Path.Combine(outDir, "a.ipynb")).Cells[0];
        Assert.Equal(new StreamOutput("stdout", "hello from the data file\n"), Assert.Single(cell.Outputs));
    }

    [Fact]
    public void A_cell_that_never_ends_is_stopped_at_the_limit_and_the_next_notebook_still_runs()
    {
        using var nb = new NotebookBuilder();
        var stuck = nb.Code("Console.WriteLine(\"before\");").Code("while (true) { }").Code("1").Save("01-stuck.ipynb");
        using var other = new NotebookBuilder();
        var next = other.Code("2").Save("02-next.ipynb");
        var outDir = Path.Combine(nb.Directory, "out");
        var clock = Stopwatch.StartNew();
        var r = ProcessRunner.Curriculum("run", stuck, next, "--out", outDir, "--cell-timeout", "5");
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"FAIL {stuck} cell 2: timed out after 5 s (--cell-timeout)", lines[0]);
        Assert.StartsWith($"PASS {next}", lines[1]);
        var executed = NotebookDocument.Load(Path.Combine(outDir, "01-stuck.ipynb"));
        Assert.Equal(new StreamOutput("stdout", "before\n"), Assert.Single(executed.Cells[0].Outputs));
        Assert.Equal("CellTimeout", Assert.IsType<ErrorOutput>(Assert.Single(executed.Cells[1].Outputs)).EName);
        Assert.Null(executed.Cells[2].ExecutionCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Parameters_reach_the_notebook_and_unknown_names_are_usage_errors()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("int steps = 100;", "parameters").Code("if (steps != 7) throw new Exception(\"steps \" + steps);").Save();
        var outDir = Path.Combine(nb.Directory, "out");
        var r = ProcessRunner.Curriculum("run", path, "--out", outDir, "-p", "steps=7");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.StartsWith("PASS ", r.Stdout);
        var injected = NotebookDocument.Load(Path.Combine(outDir, "test.ipynb")).Cells[1];
        Assert.True(injected.HasTag("injected-parameters"));
        Assert.Equal("int steps = 7;", injected.Source.Split('\n')[^1]);

        var typo = ProcessRunner.Curriculum("run", path, "--out", Path.Combine(nb.Directory, "out2"), "-p", "stepz=5");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("'stepz'", typo.Stdout + typo.Stderr);
        Assert.False(Directory.Exists(Path.Combine(nb.Directory, "out2")) && Directory.EnumerateFiles(Path.Combine(nb.Directory, "out2")).Any());
        Assert.Equal(2, ProcessRunner.Curriculum("run", path, "--out", outDir, "-p", "steps=many").ExitCode);
    }

    [Theory]
    [InlineData("{\n \"cells\": [\n  {\"cell_type\": \"code\",}\n ]\n}", "line 3")]
    [InlineData("this is not JSON", "line 1")]
    [InlineData("{\"nbformat\": 3, \"cells\": []}", "nbformat")]
    public void Malformed_input_exits_2_names_the_place_and_writes_nothing(string text, string place)
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("bad.ipynb", text);
        var outDir = Path.Combine(nb.Directory, "out");
        var r = ProcessRunner.Curriculum("run", path, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.ipynb", r.Stdout + r.Stderr);
        Assert.Contains(place, r.Stdout + r.Stderr);
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
        var file = nb.Write("a-file", "x");
        var r = ProcessRunner.Curriculum("run", path, "--out", Path.Combine(file, "sub"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file", r.Stderr);
    }

    [Fact]
    public async Task Ctrl_c_saves_what_ran_marked_interrupted_and_exits_130()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("Console.WriteLine(\"first cell ran\");").Code("System.Threading.Thread.Sleep(120_000);").Code("1").Save("long.ipynb");
        var outDir = Path.Combine(nb.Directory, "out");
        using var run = ProcessRunner.StartCurriculum("run", path, "--out", outDir);
        // Wait until the second cell has run a few seconds: its progress line says so.
        var clock = Stopwatch.StartNew();
        while (!run.Stderr.Contains("long.ipynb: cell 2 of 3"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the second cell never started: " + run.Stderr);
            await Task.Delay(100);
        }
        run.Signal(2);
        var r = run.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.Equal(130, r.ExitCode);
        Assert.Contains($"INTERRUPTED {path} cell 2", r.Stdout);
        Assert.Contains("SIGINT", r.Stderr);
        var executed = NotebookDocument.Load(Path.Combine(outDir, "long.ipynb"));
        Assert.Equal("interrupted", executed.Metadata["curriculum"]!["status"]!.GetValue<string>());
        Assert.Equal(new StreamOutput("stdout", "first cell ran\n"), Assert.Single(executed.Cells[0].Outputs));
        Assert.Null(executed.Cells[2].ExecutionCount);
    }

    [Fact]
    public void Executed_notebooks_are_valid_nbformat_4_by_the_nbformat_validator()
    {
        var python = ProcessRunner.DebianPython;
        Assert.True(python != null, "Debian's python3 with python3-nbformat is needed for this check: apt-get install python3-nbformat");
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("# T").Code("int steps = 3;", "parameters")
            .Code($"#r \"{Path.Combine(AppContext.BaseDirectory, "Curriculum.dll")}\"\nConsole.WriteLine(\"out\");\n"
                + "display(new Curriculum.Plotting.Figure().Line(new double[] { 1, 2 }, new double[] { 2, 1 }, \"a\"));\nsteps")
            .Code("throw new Exception(\"x\");").Save();
        var outDir = Path.Combine(nb.Directory, "out");
        ProcessRunner.Curriculum("run", path, "--out", outDir, "-p", "steps=4");
        var check = ProcessRunner.Run(python!, ["-c",
            "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); "
            + "print(nb.metadata.kernelspec.name, len(nb.cells), [o.output_type for o in nb.cells[3].outputs], "
            + "type(nb.cells[3].outputs[1].data['application/vnd.plotly.v1+json']).__name__)", Path.Combine(outDir, "test.ipynb")]);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal(".net-csharp 5 ['stream', 'display_data', 'execute_result'] NotebookNode", check.Stdout.Trim());
    }
}
