using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Curriculum.Notebooks;
using Curriculum.Plotting;
using Curriculum.Tests.Plotting;

namespace Curriculum.Tests.Book;

/// <summary>The book's HTML from executed notebooks written by hand here (outputs as the executor records them).</summary>
[Collection(ProcessStateCollection.Name)]
public class BookBuilderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("book-test").FullName;
    readonly string plotly;
    readonly bool snapshots = FigureSnapshots.Enabled;

    public BookBuilderTests()
    {
        FigureSnapshots.Enabled = false;
        plotly = Path.Combine(dir, "plotly.min.js");
        File.WriteAllText(plotly, "/* plotly.js stand-in */");
    }

    public void Dispose()
    {
        FigureSnapshots.Enabled = snapshots;
        Directory.Delete(dir, true);
    }

    static NotebookCell Code(string source, double seconds, int count, params CellOutput[] outputs)
    {
        var cell = new NotebookCell(CellKind.Code, source) { ExecutionCount = count };
        cell.Metadata["curriculum"] = new JsonObject { ["duration_s"] = seconds };
        cell.Outputs.AddRange(outputs);
        return cell;
    }

    string Write(string name, double seconds, string status, params NotebookCell[] cells)
    {
        var doc = new NotebookDocument { Metadata = NotebookDocument.DotNetInteractiveMetadata() };
        doc.Metadata["curriculum"] = new JsonObject { ["duration_s"] = seconds, ["status"] = status, ["executed_at"] = "2026-01-02T03:04:05Z" };
        doc.Cells.AddRange(cells);
        Directory.CreateDirectory(Path.Combine(dir, "in"));
        string path = Path.Combine(dir, "in", name);
        doc.Save(path);
        return path;
    }

    void WriteTwoChapters()
    {
        var fig = new Figure().Line(new[] { 0.0, 1, 2 }, new[] { 3.0, 2, 1 }, name: "loss").Title("Loss </script><b>");
        Write("02-second.ipynb", 75.5, "failed",
            new NotebookCell(CellKind.Markdown, "Intro without a heading."),
            Code("throw new Exception(\"boom\");", 0.01, 1,
                new ErrorOutput("Exception", "boom", ["\u001b[31mException\u001b[0m: boom", "   at Submission#0"])));
        Write("01-first.ipynb", 1.5, "passed",
            new NotebookCell(CellKind.Markdown, "# First *chapter*\n\nSome **bold** prose.\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
            Code("display(fig);\nConsole.WriteLine(\"a < b\");", 0.25, 1,
                new DisplayDataOutput(fig.ToMimeBundle()),
                new StreamOutput("stdout", "a < b\n")),
            Code("Table.From(...)", 0.1, 2,
                new ExecuteResultOutput(2, Table.From(["x"], new object[][] { [1] }).ToMimeBundle())),
            Code("svg", 0, 3, new DisplayDataOutput(new MimeBundle { ["image/svg+xml"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", ["text/plain"] = "svg" })),
            Code("png", 0, 4, new DisplayDataOutput(new MimeBundle { ["image/png"] = "iVBORw0KGgo=\n", ["text/plain"] = "png" })),
            Code("42", 0, 5, new ExecuteResultOutput(5, new MimeBundle { ["text/plain"] = "42 <int>" })));
    }

    [Fact]
    public void Index_lists_chapters_in_order_with_their_run_times()
    {
        WriteTwoChapters();
        var book = BookBuilder.Build(Path.Combine(dir, "in"), Path.Combine(dir, "book"), plotly, "Test book");
        Assert.Equal(["First *chapter*", "02-second"], book.Chapters.Select(c => c.Title));
        Assert.Equal(1, book.Figures);
        string index = File.ReadAllText(book.IndexPath);
        int first = index.IndexOf("href=\"01-first.html\"", StringComparison.Ordinal);
        int second = index.IndexOf("href=\"02-second.html\"", StringComparison.Ordinal);
        Assert.True(first > 0 && second > first);
        Assert.Contains("<td class=\"time\">1.50 s</td>", index);
        Assert.Contains("<td class=\"time\">1 min 15 s</td>", index);
        Assert.Contains("<td class=\"time\">1 min 17 s</td>", index);
        Assert.Contains("class=\"status-failed\">failed", index);
        Assert.Equal(File.ReadAllBytes(plotly), File.ReadAllBytes(Path.Combine(dir, "book", "assets", "plotly.min.js")));
        Assert.True(File.Exists(Path.Combine(dir, "book", "assets", "book.css")));
    }

    [Fact]
    public void Without_plotly_js_the_book_shows_each_figure_by_its_next_richest_form()
    {
        WriteTwoChapters();
        var book = BookBuilder.Build(Path.Combine(dir, "in"), Path.Combine(dir, "book"), plotlyJs: null);
        Assert.Equal(0, book.Figures);
        Assert.False(File.Exists(Path.Combine(dir, "book", "assets", "plotly.min.js")));
        string page = File.ReadAllText(Path.Combine(dir, "book", "01-first.html"));
        Assert.DoesNotContain("plotly.min.js", page);
        // The figure's own text/html form: its div holds the static snapshot (or says where to see the figure).
        Assert.Contains("class=\"plotly-figure\">", page);
    }

    [Fact]
    public void Front_matter_without_a_chapter_number_comes_before_the_numbered_chapters()
    {
        WriteTwoChapters();
        File.Copy(Path.Combine(dir, "in", "02-second.ipynb"), Path.Combine(dir, "in", "environment-check.ipynb"));
        var book = BookBuilder.Build(Path.Combine(dir, "in"), Path.Combine(dir, "book"), plotly);
        Assert.Equal(["environment-check.html", "01-first.html", "02-second.html"], book.Chapters.Select(c => c.PageFile));
    }

    [Fact]
    public void Pages_show_markdown_code_and_the_richest_form_of_each_output()
    {
        WriteTwoChapters();
        BookBuilder.Build(Path.Combine(dir, "in"), Path.Combine(dir, "book"), plotly);
        string page = File.ReadAllText(Path.Combine(dir, "book", "01-first.html"));
        Assert.Contains("<h1 id=\"first-chapter\">First <em>chapter</em></h1>", page);
        Assert.Contains("<strong>bold</strong>", page);
        Assert.Contains("<table>", page);
        Assert.Contains("<script src=\"assets/plotly.min.js\"></script>", page);
        Assert.Contains("display(fig);\nConsole.WriteLine(&quot;a &lt; b&quot;);", page);
        Assert.Contains("<span class=\"duration\">0.25 s</span>", page);
        // The figure is drawn from its plotly JSON; its own text/html (the notebook fallback) is not used.
        Assert.Contains("<div class=\"plotly-figure\" id=\"c1-fig-1\"></div>", page);
        Assert.DoesNotContain(FigureHtml.NoViewerMessage, page);
        // The title's "</script>" is escaped inside the script, so exactly one script per figure plus plotly.js.
        Assert.Equal(2, Regex.Matches(page, "</script>").Count);
        Assert.Contains("\\u003C/script\\u003E", page);
        Assert.Contains("<pre class=\"output stream stdout\">a &lt; b\n</pre>", page);
        Assert.Contains("<table class=\"curriculum-table\"", page);
        Assert.Contains("src=\"data:image/svg+xml;base64,", page);
        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo=\"", page);
        Assert.Contains("<pre class=\"output text\">42 &lt;int&gt;</pre>", page);
        Assert.Contains("href=\"02-second.html\">02-second →</a>", page);

        string failed = File.ReadAllText(Path.Combine(dir, "book", "02-second.html"));
        Assert.Contains("<div class=\"error-name\">Exception: boom</div><pre>Exception: boom\n   at Submission#0</pre>", failed);
        Assert.DoesNotContain("\u001b", failed);
        Assert.DoesNotContain("plotly.min.js", failed);
    }

    [Fact]
    public void A_malformed_notebook_is_named_and_the_old_book_stays_whole()
    {
        WriteTwoChapters();
        string output = Path.Combine(dir, "book");
        BookBuilder.Build(Path.Combine(dir, "in"), output, plotly);
        string before = File.ReadAllText(Path.Combine(output, "index.html"));
        string bad = Path.Combine(dir, "in", "03-broken.ipynb");
        File.WriteAllText(bad, "{\"cells\": [");
        var e = Assert.Throws<NotebookFormatException>(() => BookBuilder.Build(Path.Combine(dir, "in"), output, plotly));
        Assert.Equal(bad, e.Path);
        Assert.StartsWith(bad + ":", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(output, "index.html")));
        Assert.Equal(["book", "in", "plotly.min.js"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Missing_input_is_an_error_naming_it()
    {
        string missing = Path.Combine(dir, "nowhere");
        var e = Assert.Throws<DirectoryNotFoundException>(() => BookBuilder.Build(missing, Path.Combine(dir, "book"), plotly));
        Assert.Contains(missing, e.Message);
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        var f = Assert.Throws<FileNotFoundException>(() => BookBuilder.Build(Path.Combine(dir, "empty"), Path.Combine(dir, "book"), plotly));
        Assert.Contains("no .ipynb notebooks", f.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "book")));
    }
}
