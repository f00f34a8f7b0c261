using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Curriculum.Kernel;
using Curriculum.Notebooks;

namespace Curriculum.Tests.Notebooks;

/// <summary>
/// The executor in the real .NET Interactive C# kernel: what each kind of kernel event becomes in the
/// notebook, and how failures are named. Each run is a kernel process of its own (the `run-notebook`
/// worker that `curriculum run` starts), so no kernel thread lives on in the test process. (The
/// contract of `curriculum run` itself: exit codes, working folder, time limits, interrupts, is in
/// RunCommandTests.)
/// </summary>
public class NotebookExecutorTests
{
    static NotebookRunResult Run(string path, params KeyValuePair<string, string>[] parameters)
    {
        string executed = Path.Combine(Path.GetDirectoryName(path)!, $"executed-{Guid.NewGuid():N}.ipynb");
        var args = new List<string> { "run-notebook", path, "--executed", executed };
        foreach (var (name, value) in parameters) args.AddRange(["-p", $"{name}={value}"]);
        var process = ProcessRunner.Curriculum([.. args]);
        Assert.True(File.Exists(executed + ".result.json"), $"the kernel process reported nothing (exit {process.ExitCode}): {process.Stderr}");
        string summary = JsonNode.Parse(File.ReadAllText(executed + ".result.json"))!["Summary"]!.GetValue<string>();
        var failed = Regex.Match(summary, @"^FAIL .* cell (\d+)(?: \(line (\d+)\))?: (.*)$", RegexOptions.Singleline);
        return new NotebookRunResult(path, NotebookDocument.Load(executed), TimeSpan.Zero,
            failed.Success ? int.Parse(failed.Groups[1].Value) : null,
            failed.Success && failed.Groups[2].Success ? int.Parse(failed.Groups[2].Value) : null,
            failed.Success ? failed.Groups[3].Value : null);
    }

    static List<CellOutput> Outputs(NotebookRunResult r, int cellNumber) => r.Executed.Cells[cellNumber - 1].Outputs;

    static string LibraryReference => $"#r \"{Path.Combine(AppContext.BaseDirectory, "Curriculum.dll")}\"";

    [Fact]
    public void State_carries_from_cell_to_cell_and_trailing_expression_is_the_result()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("# Title").Code("var x = 20;\nint Twice(int v) => 2 * v;").Code("Twice(x) + 2").Save();
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        var result = Assert.IsType<ExecuteResultOutput>(Assert.Single(Outputs(r, 3)));
        Assert.Contains("<pre>42</pre>", result.Data[MimeBundle.Html]);
        Assert.Equal(2, result.ExecutionCount);
        Assert.Empty(Outputs(r, 2));
        Assert.Equal("passed", r.Executed.Metadata["curriculum"]!["status"]!.GetValue<string>());
        Assert.StartsWith("Microsoft.DotNet.Interactive.CSharp", r.Executed.Metadata["curriculum"]!["kernel"]!.GetValue<string>());
    }

    [Fact]
    public void Console_output_and_display_are_recorded_in_order()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("Console.WriteLine(\"one\");\ndisplay(\"shown\");\nConsole.Write(\"two\");\nConsole.Error.WriteLine(\"warn\");\nConsole.WriteLine(\"three\");").Save();
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        Assert.Collection(Outputs(r, 1),
            o => Assert.Equal(new StreamOutput("stdout", "one\n"), o),
            o => Assert.Equal("shown", Assert.IsType<DisplayDataOutput>(o).Data[MimeBundle.PlainText]),
            o => Assert.Equal(new StreamOutput("stdout", "two"), o),
            o => Assert.Equal(new StreamOutput("stderr", "warn\n"), o),
            o => Assert.Equal(new StreamOutput("stdout", "three\n"), o));
    }

    [Fact]
    public void Figures_and_tables_display_through_the_library_formatters()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code(LibraryReference + "\nusing Curriculum.Plotting;\n"
            + "display(new Figure().Line(new double[] { 1, 2, 3 }, new double[] { 3, 1, 2 }, \"loss\").Title(\"t\").XAxis(\"step\").YAxis(\"nats\"));\n"
            + "Table.From([\"run\", \"loss\"], new List<IReadOnlyList<object?>> { new object?[] { \"a\", 2.5 } })").Save();
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        // (A stream may come first: the note that static snapshots were skipped where no browser is installed.)
        var figure = Assert.Single(Outputs(r, 1).OfType<DisplayDataOutput>()).Data;
        Assert.Equal(["application/vnd.plotly.v1+json", "text/html", "text/plain"], figure.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("loss", JsonNode.Parse(figure["application/vnd.plotly.v1+json"])!["data"]![0]!["name"]!.GetValue<string>());
        Assert.DoesNotContain("http", figure[MimeBundle.Html]);   // no CDN: it draws with the page's plotly.js
        var table = Assert.Single(Outputs(r, 1).OfType<ExecuteResultOutput>()).Data;
        Assert.Contains("<table", table[MimeBundle.Html]);
        Assert.Contains("2.5", table[MimeBundle.PlainText]);
    }

    [Fact]
    public void A_failing_cell_stops_the_notebook_and_names_the_cell()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("intro").Code("var a = 1;").Code("var b = 2;\n\nthrow new InvalidOperationException(\"broken data\");").Code("Console.WriteLine(\"never\");").Save();
        var r = Run(path);
        Assert.False(r.Passed);
        Assert.Equal(3, r.FailedCell);
        Assert.Equal($"FAIL {path} cell 3: InvalidOperationException: broken data", r.Summary);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(Outputs(r, 3)));
        Assert.Equal("InvalidOperationException", error.EName);
        Assert.Contains(error.Traceback, line => line.Contains("(this cell)"));
        Assert.Empty(Outputs(r, 4));
        Assert.Null(r.Executed.Cells[3].ExecutionCount);
        Assert.Equal("failed", r.Executed.Metadata["curriculum"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_compile_error_gives_the_diagnostic_id_and_the_line_in_the_cell()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("int ok = 1;").Code("int a = 1;\nint b = undefinedName + a;").Save();
        var r = Run(path);
        Assert.Equal(2, r.FailedCell);
        Assert.Equal(2, r.FailedLine);
        Assert.StartsWith("CS0103: ", r.Message);
        Assert.Contains("undefinedName", r.Message);
        Assert.Equal("CompilationError", Assert.IsType<ErrorOutput>(Assert.Single(Outputs(r, 2))).EName);
    }

    [Fact]
    public void Magic_commands_and_nuget_references_run_as_in_the_kernel()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("var z = 5;").Code("#!who").Code("#!unknownmagic\nvar q = 1;").Save();
        var r = Run(path);
        Assert.Contains(Outputs(r, 2), o => o is DisplayDataOutput d && d.Data.Values.Any(v => v.Contains('z')));
        Assert.Equal(3, r.FailedCell);
        Assert.Equal(1, r.FailedLine);
        Assert.Contains("#!unknownmagic", r.Message);

        // Restored from the NuGet source (Humanizer.Core is one of the kernel's own dependencies, so it is always there).
        using var nb2 = new NotebookBuilder();
        var nuget = Run(nb2.Code("#r \"nuget: Humanizer.Core, 2.14.1\"\nusing Humanizer;\n\"pre_training_run\".Humanize()").Save());
        Assert.True(nuget.Passed, nuget.Summary);
        Assert.Contains(Outputs(nuget, 1), o => o is ExecuteResultOutput e && e.Data.Values.Any(v => v == "pre training run"));
    }

    [Fact]
    public void Html_cells_display_and_other_languages_are_refused_by_name()
    {
        using var nb = new NotebookBuilder();
        var doc = NotebookDocument.Load(nb.Code("1").Save());
        doc.Cells[0] = new NotebookCell(CellKind.Code, "<b>bold</b>", "html");
        doc.Cells.Add(new NotebookCell(CellKind.Code, "let x = 1", "fsharp"));
        var path = Path.Combine(nb.Directory, "langs.ipynb");
        doc.Save(path);
        var r = Run(path);
        Assert.Equal("<b>bold</b>", Assert.IsType<DisplayDataOutput>(Assert.Single(Outputs(r, 1))).Data[MimeBundle.Html]);
        Assert.Equal(2, r.FailedCell);
        Assert.Contains("'fsharp'", r.Message);
    }

    [Fact]
    public void Parameters_are_injected_after_the_parameters_cell_with_the_declared_types()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("knobs below")
            .Code("int steps = 200;\nfloat lr = 1e-3f;\nstring name = \"full\";\nbool fast = false;\nvar ratio = 0.5;", ParameterInjection.ParametersTag)
            .Code("Console.Write($\"{steps} {lr.GetType().Name} {lr} {name} {fast} {ratio.GetType().Name}\");").Save();
        var r = Run(path, new("steps", "10"), new("lr", "0.5"), new("name", "say \"hi\""), new("fast", "true"), new("ratio", "2.5"));
        Assert.True(r.Passed, r.Summary);
        var injected = r.Executed.Cells[2];
        Assert.True(injected.HasTag(ParameterInjection.InjectedTag));
        Assert.Contains("float lr = 0.5f;", injected.Source);
        Assert.Contains("double ratio = 2.5d;", injected.Source);
        Assert.Equal(new StreamOutput("stdout", "10 Single 0.5 say \"hi\" True Double"), Assert.Single(Outputs(r, 4)));
        Assert.NotNull(injected.ExecutionCount);
    }

    [Fact]
    public void Unknown_or_unparsable_parameters_are_refused_by_name()
    {
        using var nb = new NotebookBuilder();
        var doc = NotebookDocument.Load(nb.Code("int steps = 1;", ParameterInjection.ParametersTag).Save());
        var typo = Assert.Throws<ArgumentException>(() => ParameterInjection.Inject(doc, [new("stepz", "5")]));
        Assert.Contains("'stepz'", typo.Message);
        Assert.Contains("steps", typo.Message);
        var bad = Assert.Throws<ArgumentException>(() => ParameterInjection.Inject(doc, [new("steps", "many")]));
        Assert.Contains("int", bad.Message);
        using var nb2 = new NotebookBuilder();
        var none = Assert.Throws<ArgumentException>(() => ParameterInjection.Inject(NotebookDocument.Load(nb2.Code("1").Save()), [new("steps", "5")]));
        Assert.Contains("no cell tagged 'parameters'", none.Message);
        Assert.Throws<ArgumentException>(() => ParameterInjection.ParseAssignment("noequals"));
        Assert.Equal(new KeyValuePair<string, string>("url", "a=b"), ParameterInjection.ParseAssignment("url=a=b"));
    }

    [Fact]
    public void Saving_round_trips_cells_metadata_and_outputs()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("a\nb\n").Code("display(\"x\");\n1", "parameters").Save();
        var r = Run(path);
        var outPath = Path.Combine(nb.Directory, "out", "executed.ipynb");
        r.Executed.Save(outPath);
        var again = NotebookDocument.Load(outPath);
        Assert.Equal("a\nb\n", again.Cells[0].Source);
        Assert.True(again.Cells[1].HasTag("parameters"));
        Assert.Equal(2, again.Cells[1].Outputs.Count);
        Assert.Equal(1, again.Cells[1].ExecutionCount);
        Assert.Equal(".net-csharp", again.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.True(again.Cells[1].Metadata["curriculum"]!["duration_s"]!.GetValue<double>() >= 0);
        Assert.Empty(Directory.GetFiles(Path.Combine(nb.Directory, "out"), "*.tmp*"));
    }
}
