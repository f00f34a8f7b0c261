using Curriculum.Notebooks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Curriculum.Tests.Notebooks;

[Collection(ProcessStateCollection.Name)]
public class NotebookExecutorTests
{
    static NotebookRunResult Run(string path, NotebookRunOptions? options = null) =>
        NotebookExecutor.RunAsync(path, options).GetAwaiter().GetResult();

    static List<CellOutput> Outputs(NotebookRunResult r, int cellNumber) => r.Executed.Cells[cellNumber - 1].Outputs;

    static string Text(CellOutput o) => o switch
    {
        StreamOutput s => s.Text,
        ExecuteResultOutput e => e.Data[MimeBundle.PlainText],
        DisplayDataOutput d => d.Data[MimeBundle.PlainText],
        ErrorOutput e => e.EValue,
        _ => "",
    };

    [Fact]
    public void State_carries_from_cell_to_cell_and_trailing_expression_is_the_result()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("# Title").Code("var x = 20;\nint Twice(int v) => 2 * v;").Code("Twice(x) + 2").Save();
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        var result = Assert.IsType<ExecuteResultOutput>(Assert.Single(Outputs(r, 3)));
        Assert.Equal("42", result.Data[MimeBundle.PlainText]);
        Assert.Equal(2, result.ExecutionCount);
        Assert.Empty(Outputs(r, 2));
    }

    [Fact]
    public void Console_output_and_display_are_recorded_in_order()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("Console.WriteLine(\"one\");\ndisplay(new[] { 1, 2, 3 });\nConsole.Write(\"two\");\nConsole.Error.WriteLine(\"warn\");\nConsole.WriteLine(\"three\");").Save();
        var outs = Outputs(Run(path), 1);
        Assert.Collection(outs,
            o => Assert.Equal(("stdout", "one\n"), (((StreamOutput)o).Name, Text(o))),
            o => Assert.Equal("[1, 2, 3]", Text(Assert.IsType<DisplayDataOutput>(o))),
            o => Assert.Equal(("stdout", "two"), (((StreamOutput)o).Name, Text(o))),
            o => Assert.Equal(("stderr", "warn\n"), (((StreamOutput)o).Name, Text(o))),
            o => Assert.Equal(("stdout", "three\n"), (((StreamOutput)o).Name, Text(o))));
    }

    sealed class Shape : IMimeRenderable
    {
        public MimeBundle ToMimeBundle() => new()
        {
            ["text/html"] = "<svg></svg>",
            ["application/vnd.plotly.v1+json"] = "{\"data\":[],\"layout\":{}}",
        };
    }

    [Fact]
    public void Values_that_render_themselves_give_every_mime_type_plus_text()
    {
        var bundle = ValueFormatter.Format(new Shape());
        Assert.Equal("<svg></svg>", bundle["text/html"]);
        Assert.True(bundle.ContainsKey(MimeBundle.PlainText));
        Assert.True(MimeBundle.IsJson("application/vnd.plotly.v1+json"));
        Assert.False(MimeBundle.IsJson("text/html"));
    }

    [Fact]
    public void Json_mime_data_is_written_as_a_json_object()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("#r \"Curriculum.dll\"\nusing Curriculum.Notebooks;\n"
            + "display(new MimeBundle { [\"application/json\"] = \"{\\\"a\\\": [1, 2]}\" });").Save();
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        var outPath = Path.Combine(nb.Directory, "out.ipynb");
        r.Executed.Save(outPath);
        var data = NotebookBuilder.ReadJson(outPath)["cells"]![0]!["outputs"]![0]!["data"]!["application/json"]!;
        Assert.Equal(2, data["a"]!.AsArray().Count);
    }

    [Fact]
    public void Reference_to_a_dll_resolves_relative_to_the_notebook_folder()
    {
        using var nb = new NotebookBuilder();
        var compilation = CSharpCompilation.Create("Greeting",
            [CSharpSyntaxTree.ParseText("namespace Greeting { public static class Greeter { public static string Hello(string n) => \"hello \" + n; } }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.Combine(nb.Directory, "lib"));
        var emit = compilation.Emit(Path.Combine(nb.Directory, "lib", "Greeting.dll"));
        Assert.True(emit.Success);
        Directory.CreateDirectory(Path.Combine(nb.Directory, "chapters"));
        var path = nb.Code("#r \"../lib/Greeting.dll\"\nGreeting.Greeter.Hello(\"notebook\")").Save("chapters/a.ipynb");
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        Assert.Equal("hello notebook", Text(Outputs(r, 1)[0]));
    }

    [Fact]
    public void A_failing_cell_stops_the_notebook_and_names_cell_and_line()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("intro").Code("var a = 1;").Code("var b = 2;\n\nthrow new InvalidOperationException(\"broken data\");").Code("Console.WriteLine(\"never\");").Save();
        var r = Run(path);
        Assert.False(r.Passed);
        Assert.Equal(3, r.FailedCell);
        Assert.Equal(3, r.FailedLine);
        Assert.Equal($"FAIL {path} cell 3 (line 3): InvalidOperationException: broken data", r.Summary);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(Outputs(r, 3)));
        Assert.Equal("InvalidOperationException", error.EName);
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
    public void Leading_csharp_magic_is_accepted_and_other_magics_are_named()
    {
        using var nb = new NotebookBuilder();
        var ok = Run(nb.Code("#!csharp\nvar z = 5;\nz").Save("ok.ipynb"));
        Assert.True(ok.Passed, ok.Summary);
        Assert.Equal("5", Text(Outputs(ok, 1)[0]));
        var bad = Run(nb.Code("#!time\nvar q = 1;").Save("bad.ipynb"));
        Assert.Equal(2, bad.FailedCell);
        Assert.Equal(1, bad.FailedLine);
        Assert.Contains("#!time", bad.Message);
        var nuget = Run(new NotebookBuilder().Code("#r \"nuget: Newtonsoft.Json\"").Save());
        Assert.Contains("nuget", nuget.Message);
    }

    [Fact]
    public void Parameters_are_injected_after_the_parameters_cell_with_the_declared_types()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Markdown("knobs below")
            .Code("int steps = 200;\nfloat lr = 1e-3f;\nstring name = \"full\";\nbool fast = false;", ParameterInjection.ParametersTag)
            .Code("$\"{steps} {lr.GetType().Name} {lr} {name} {fast} {extra.GetType().Name}\"").Save();
        var r = Run(path, new NotebookRunOptions
        {
            Parameters = [new("steps", "10"), new("lr", "0.5"), new("name", "say \"hi\""), new("fast", "true"), new("extra", "2.5")],
        });
        Assert.True(r.Passed, r.Summary);
        var injected = r.Executed.Cells[2];
        Assert.True(injected.HasTag(ParameterInjection.InjectedTag));
        Assert.Contains("float lr = 0.5f;", injected.Source);
        Assert.Contains("double extra = 2.5d;", injected.Source);
        Assert.Equal("10 Single 0.5 say \"hi\" True Double", Text(Outputs(r, 4)[0]));
    }

    [Fact]
    public void Parameters_without_a_parameters_cell_go_on_top_with_a_warning_and_bad_values_are_refused()
    {
        using var nb = new NotebookBuilder();
        var r = Run(nb.Code("steps * 2").Save(), new NotebookRunOptions { Parameters = [new("steps", "21")] });
        Assert.True(r.Passed, r.Summary);
        Assert.Contains("parameters", r.Warning);
        Assert.Equal("42", Text(Outputs(r, 2)[0]));

        using var nb2 = new NotebookBuilder();
        var path = nb2.Code("int steps = 1;", ParameterInjection.ParametersTag).Save();
        var e = Assert.Throws<ArgumentException>(() => Run(path, new NotebookRunOptions { Parameters = [new("steps", "many")] }));
        Assert.Contains("steps", e.Message);
        Assert.Contains("int", e.Message);
        Assert.Throws<ArgumentException>(() => ParameterInjection.ParseAssignment("noequals"));
        Assert.Equal(new KeyValuePair<string, string>("url", "a=b"), ParameterInjection.ParseAssignment("url=a=b"));
    }

    [Fact]
    public void A_cell_past_the_time_limit_fails_with_a_message_saying_so()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Code("while (!CancellationToken.IsCancellationRequested) System.Threading.Thread.Sleep(10);").Code("1").Save();
        var r = Run(path, new NotebookRunOptions { CellTimeout = TimeSpan.FromSeconds(0.5) });
        Assert.Equal(1, r.FailedCell);
        Assert.Contains("time limit", r.Message);
        Assert.Null(r.Executed.Cells[1].ExecutionCount);
    }

    [Fact]
    public void Dib_files_are_read_as_sections()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("env.dib", "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"aliases\":[],\"name\":\"csharp\"}]}}\n\n"
            + "#!markdown\n\n# Check\n\nSome *text*.\n\n#!csharp\n\nvar n = 6;\n\n#!csharp\n\nn * 7\n");
        var doc = NotebookDocument.Load(path);
        Assert.Equal([CellKind.Markdown, CellKind.Code, CellKind.Code], doc.Cells.Select(c => c.Kind));
        Assert.Equal("# Check\n\nSome *text*.", doc.Cells[0].Source);
        var r = Run(path);
        Assert.True(r.Passed, r.Summary);
        Assert.Equal("42", Text(Outputs(r, 3)[0]));
        Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(nb.Write("bad.dib", "var x = 1;\n#!csharp\n")));
    }

    [Theory]
    [InlineData("{\"cells\": [}", "line 1")]
    [InlineData("{\n \"nbformat\": 4,\n \"cells\": [\n  {\"cell_type\": \"code\", \"source\": 5}\n ]\n}", "cell 1: field 'source'")]
    [InlineData("{\"nbformat\": 3, \"cells\": []}", "field 'nbformat'")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"python\", \"source\": \"\"}]}", "cell 1: field 'cell_type'")]
    [InlineData("[1, 2]", "top level")]
    public void Malformed_notebooks_name_the_file_and_the_place(string json, string place)
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("broken.ipynb", json);
        var e = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(place, e.Message);
    }

    [Fact]
    public void Json_errors_give_line_and_byte_of_the_fault()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("broken.ipynb", "{\n \"nbformat\": 4,\n \"cells\": [,]\n}");
        var e = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(path));
        Assert.Contains("line 3", e.Message);
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
        Assert.Equal(".net-csharp", again.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.True(again.Cells[1].Metadata["curriculum"]!["duration_s"]!.GetValue<double>() >= 0);
        Assert.Empty(Directory.GetFiles(Path.Combine(nb.Directory, "out"), "*.tmp*"));
    }
}
