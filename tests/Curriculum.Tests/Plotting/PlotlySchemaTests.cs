using System.Text.Json;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>
/// Every kind of figure checked by plotly.js itself: <c>Plotly.validate(data, layout)</c> in
/// chromium reports each attribute that is not in the plotly.js schema or has a bad value.
/// </summary>
public class PlotlySchemaTests
{
    static IEnumerable<(string What, Figure Figure)> Figures()
    {
        double[] steps = [0, 1, 2, 3];
        yield return ("lines, log y, dash, legend", new Figure()
            .Line(steps, new[] { 1e-3, 5e-4, double.NaN, 1e-4 }, name: "cosine", dash: LineDash.DashDot, width: 3)
            .Line(steps, new[] { 1f, 0.5f, 0.1f, 0.05f }, name: "wsd", color: "#ff7f0e", opacity: 0.5)
            .Title("LR").XAxis("step", min: 0, max: 3).YAxis("lr", log: true, min: 1e-5, max: 1e-2).Legend(LegendPosition.TopRight));
        yield return ("one-sided range", new Figure().Line(steps, steps).YAxis("y", min: 0).Legend(LegendPosition.BottomLeft));
        yield return ("one named trace with a placed legend", new Figure().Line(steps, steps, name: "only").Legend(LegendPosition.TopLeft));
        yield return ("scatter with labels", new Figure().Scatter(steps, steps, name: "pts", labels: ["a", "b", "c", "d"], size: 8).Legend(LegendPosition.Below));
        yield return ("grouped bars with errors", new Figure().Bar(["x", "y"], new[] { 1.0, 2 }, name: "s0", errors: new[] { 0.1, 0.2 })
            .Bar(["x", "y"], new[] { 2.0, 1 }, name: "s1", color: "#2ca02c").Legend(LegendPosition.Hidden));
        yield return ("heatmap", new Figure().Heatmap(new float[,] { { 1, 0 }, { 0.5f, 0.5f } }, ["a", "a"], ["q1", "q2"], colorScale: "Blues", zMin: 0, zMax: 1));
        yield return ("histogram", new Figure().Histogram(new[] { 1.0, 2, 2, 3, double.NaN }, bins: 3, color: "#d62728").Size(600, 300));
        yield return ("subplots with shared axes and titles", Figure.Subplots(2, 2, shareX: true, shareY: true, titles: ["a", "b", "c", "d"])
            .Line(steps, steps, row: 1, col: 1).Scatter(steps, steps, row: 1, col: 2)
            .Heatmap(new double[,] { { 1 } }, row: 2, col: 1).Line(steps, steps, row: 2, col: 2)
            .YAxis("loss", log: true, row: 2, col: 2));
        var run = new RunMetrics("run", Enumerable.Range(1, 5).Select(i => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            { ["step"] = i, ["tokens"] = 64 * i, ["loss"] = 5.0 / i, ["lr"] = 1e-3, ["grad_norm"] = i }));
        yield return ("training overview", TrainingCurves.Overview([run, run], CurveAxis.Tokens, smoothing: 0.6));
        yield return ("training curve of one metric", TrainingCurves.Plot([run], "loss", logY: true));
    }

    [Fact]
    public void Plotly_js_validates_every_kind_of_figure()
    {
        var (chromium, plotly) = BrowserRequirements.Check();
        string dir = Directory.CreateTempSubdirectory("plotly-validate").FullName;
        try
        {
            string page = Path.Combine(dir, "validate.html");
            File.WriteAllText(page, $"<!DOCTYPE html><html><head><script src=\"{new Uri(plotly).AbsoluteUri}\"></script></head><body></body></html>");
            using var browser = HeadlessChromium.Start(chromium);
            using var tab = browser.NewPage();
            tab.Navigate(new Uri(page).AbsoluteUri);
            var problems = new List<string>();
            foreach (var (what, fig) in Figures())
            {
                JsonElement result;
                try { result = tab.Evaluate($"(function () {{ var f = {fig.ToJson()}; return JSON.stringify(Plotly.validate(f.data, f.layout) || []); }})()"); }
                catch (InvalidOperationException e) { problems.Add($"{what}: {e.Message}"); continue; }
                var errors = JsonDocument.Parse(result.GetString()!).RootElement;
                foreach (var e in errors.EnumerateArray())
                    problems.Add($"{what}: {e.GetProperty("msg").GetString()}");
            }
            Assert.True(problems.Count == 0, "plotly.js found:\n" + string.Join("\n", problems));
            Assert.Empty(tab.Errors);
        }
        finally { Directory.Delete(dir, true); }
    }
}
