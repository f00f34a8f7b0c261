using System.Text.Json;
using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Curriculum.Plotting;
using Curriculum.Tests.Plotting;

namespace Curriculum.Tests.Book;

/// <summary>
/// The whole path in a real browser: notebooks with figures run by the executor, rendered by the
/// book builder, each page opened in Debian's chromium: no console errors, every figure drawn
/// by plotly.js (its <c>.main-svg</c> present), a screenshot per page kept under
/// artifacts/test-screenshots/.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class BookBrowserTests
{
    // Chapter 1: training curves of two runs from metrics logs, an LR schedule, a table, printed text.
    static readonly string[] CurvesCells =
    [
        """
            var runs = new[] { RunMetrics.Load("runs/cosine/metrics.jsonl"),
                RunMetrics.Load("runs/wsd/metrics.jsonl") };
            display(TrainingCurves.Overview(runs, CurveAxis.Tokens, smoothing: 0.8));
            Console.WriteLine($"{runs[0].Count} rows per run");
            """,
        """
            var steps = Enumerable.Range(0, 300).Select(i => (double)i).ToArray();
            new Figure().Line(steps, steps.Select(s => 6e-4 * 0.5 * (1 + Math.Cos(Math.PI * s / 300))).ToArray(), name: "cosine")
                .Line(steps, steps.Select(s => s < 240 ? 6e-4 : 6e-4 * (300 - s) / 60 + 1e-6).ToArray(), name: "WSD", dash: LineDash.Dash)
                .Title("Learning-rate schedules").XAxis("step").YAxis("learning rate", log: true).Legend(LegendPosition.BottomLeft)
            """,
        """Table.From(["run", "final loss"], runs.Select(r => new object?[] { r.Name, r[r.Count - 1]["loss"] }))""",
    ];

    // Chapter 2: an attention map beside a histogram, grouped bars with error bars, a scatter; then a failing cell.
    static readonly string[] AttentionCells =
    [
        """
            string[] tokens = ["the", "cat", "sat", "on", "the", "mat"];
            var attention = new float[6, 6];
            for (int q = 0; q < 6; q++) for (int k = 0; k <= q; k++) attention[q, k] = 1f / (q + 1);
            var rng = new Random(0);
            var weights = Enumerable.Range(0, 2000).Select(_ => rng.NextDouble() + rng.NextDouble() - 1).ToArray();
            display(Figure.Subplots(1, 2, titles: ["causal attention (uniform)", "weights"])
                .Heatmap(attention, tokens, tokens, zMin: 0, zMax: 1).Histogram(weights, bins: 40, col: 2));
            """,
        """
            display(new Figure().Bar(["BERT", "T5", "GPT"], new[] { 3.1, 2.9, 3.3 }, name: "seed 0", errors: new[] { 0.05, 0.04, 0.06 })
                .Bar(["BERT", "T5", "GPT"], new[] { 3.0, 2.8, 3.2 }, name: "seed 1").Title("Validation loss").YAxis("loss"));
            display(new Figure().Scatter(new[] { 1.0, 2, 4, 8 }, new[] { 4.0, 3.5, 3.1, 2.8 }, name: "runs", labels: ["a", "b", "c", "d"])
                .XAxis("parameters (M)", log: true).YAxis("loss"));
            """,
        """throw new InvalidOperationException("a failing cell is shown with its error");""",
    ];

    static void WriteMetrics(string dir, string run, double decay)
    {
        string folder = Path.Combine(dir, "runs", run);
        Directory.CreateDirectory(folder);
        var rng = new Random(run.Length);
        var lines = Enumerable.Range(0, 200).Select(s => new JsonObject
        {
            ["step"] = s, ["tokens"] = s * 4096, ["loss"] = 3 + 7 * Math.Exp(-s / decay) + 0.3 * rng.NextDouble(),
            ["lr"] = 6e-4 * Math.Min(1, (s + 1) / 20.0), ["grad_norm"] = 0.5 + 5 * Math.Exp(-s / 30.0) * rng.NextDouble(),
        }.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), lines);
    }

    static string WriteNotebook(string dir, string name, string heading, string[] cells)
    {
        var doc = new NotebookDocument { Metadata = NotebookDocument.DotNetInteractiveMetadata() };
        doc.Cells.Add(new NotebookCell(CellKind.Markdown, $"# {heading}\n\nWhat the figures below show, in **prose**."));
        doc.Cells.Add(new NotebookCell(CellKind.Code, $"#r \"{typeof(Figure).Assembly.Location}\"\nusing Curriculum.Plotting;"));
        foreach (var c in cells) doc.Cells.Add(new NotebookCell(CellKind.Code, c));
        string path = Path.Combine(dir, name);
        doc.Save(path);
        return path;
    }

    [Fact]
    public void Every_page_loads_without_errors_and_every_figure_is_drawn()
    {
        var (chromium, plotly) = BrowserRequirements.Check();
        // The notebooks run in kernel processes, which inherit this: no static snapshots, the book draws the figures.
        Environment.SetEnvironmentVariable("CURRICULUM_FIGURE_SNAPSHOTS", "0");
        string dir = Directory.CreateTempSubdirectory("book-browser").FullName;
        try
        {
            WriteMetrics(dir, "cosine", 40);
            WriteMetrics(dir, "wsd", 60);
            string executed = Path.Combine(dir, "executed");
            var curves = WriteNotebook(dir, "01-curves.ipynb", "Training curves", CurvesCells);
            var attentionPath = WriteNotebook(dir, "02-attention.ipynb", "Attention and ablations", AttentionCells);
            var run = ProcessRunner.Curriculum("run", curves, attentionPath, "--out", executed);
            // Only the deliberately failing last cell of chapter 2 may fail.
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 2 && lines[0].StartsWith("PASS ") && lines[1].StartsWith($"FAIL {attentionPath} cell {AttentionCells.Length + 2}:"),
                run.Stdout + run.Stderr);
            var book = BookBuilder.Build(executed, Path.Combine(dir, "book"), plotly);
            Assert.Equal(5, book.Figures);

            string shots = Path.Combine(RepoPaths.Root, "artifacts", "test-screenshots");
            Directory.CreateDirectory(shots);
            using var browser = HeadlessChromium.Start(chromium);
            var expectedFigures = new Dictionary<string, int> { ["index.html"] = 0, ["01-curves.html"] = 2, ["02-attention.html"] = 3 };
            foreach (var (file, expected) in expectedFigures)
            {
                using var page = browser.NewPage(width: 1100, height: 900);
                page.Navigate(new Uri(Path.Combine(dir, "book", file)).AbsoluteUri);
                // plotly.js draws asynchronously: wait (up to 10 s) until every figure div holds its SVG.
                var counts = page.Evaluate("""
                    new Promise(resolve => {
                      const t0 = Date.now();
                      (function poll() {
                        const figs = [...document.querySelectorAll('.plotly-figure')];
                        const drawn = figs.filter(f => f.querySelector('.main-svg')).length;
                        if (drawn === figs.length || Date.now() - t0 > 10000) resolve({ figures: figs.length, drawn: drawn });
                        else setTimeout(poll, 50);
                      })();
                    })
                    """);
                Assert.Equal(expected, counts.GetProperty("figures").GetInt32());
                Assert.Equal(expected, counts.GetProperty("drawn").GetInt32());
                Assert.True(page.Errors.Count == 0, $"{file}: {string.Join("\n", page.Errors)}");
                File.WriteAllBytes(Path.Combine(shots, "book-" + Path.GetFileNameWithoutExtension(file) + ".png"), page.Screenshot());
            }

            // The index links each chapter, in order, with its run time from the executor.
            using (var index = browser.NewPage())
            {
                index.Navigate(new Uri(book.IndexPath).AbsoluteUri);
                var rows = index.Evaluate("[...document.querySelectorAll('table.chapters tbody tr')].map(r => [r.querySelector('a').getAttribute('href'), r.querySelector('td.time').textContent])");
                var list = rows.EnumerateArray().Select(r => (Href: r[0].GetString(), Time: r[1].GetString())).ToList();
                Assert.Equal(["01-curves.html", "02-attention.html"], list.Select(r => r.Href));
                Assert.All(list, r => Assert.Matches(@"^\d+(\.\d+)? s$|^\d+ min \d\d s$", r.Time));
            }
            string attention = File.ReadAllText(Path.Combine(dir, "book", "02-attention.html"));
            Assert.Contains("a failing cell is shown with its error", attention);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CURRICULUM_FIGURE_SNAPSHOTS", null);
            Directory.Delete(dir, true);
        }
    }
}
