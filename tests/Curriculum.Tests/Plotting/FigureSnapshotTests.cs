using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>Static SVG snapshots drawn by plotly.js in Debian's chromium.</summary>
[Collection(ProcessStateCollection.Name)]
public class FigureSnapshotTests
{
    [Fact]
    public void Snapshot_is_plotly_svg_and_the_html_fallback_shows_it()
    {
        BrowserRequirements.Check();
        bool was = FigureSnapshots.Enabled;
        FigureSnapshots.Enabled = true;
        FigureSnapshots.Reset();
        try
        {
            // A unique title so the image is drawn now, not read from the cache.
            string title = "snapshot " + Guid.NewGuid().ToString("N")[..8];
            var fig = new Figure().Line(new[] { 0.0, 1, 2, 3 }, new[] { 3.0, double.NaN, 1.5, 1 }, name: "loss")
                .Bar(["a", "b"], new[] { 1.0, 2 }, name: "bars").Title(title).XAxis("step");
            int before = FigureSnapshots.Rendered;
            var bundle = fig.ToMimeBundle();
            Assert.Equal(before + 1, FigureSnapshots.Rendered);
            string svg = Assert.Contains(Figure.SvgMimeType, (IDictionary<string, string>)bundle);
            Assert.StartsWith("<svg", svg);
            Assert.Contains("main-svg", svg);
            Assert.Contains(title, svg);
            Assert.Contains(">step<", svg);
            Assert.Contains("width=\"800\"", svg);
            Assert.Contains("data:image/svg+xml;base64,", bundle[MimeBundle.Html]);
            // Displayed again: from the cache, not drawn again.
            Assert.Equal(svg, fig.ToMimeBundle()[Figure.SvgMimeType]);
            Assert.Equal(before + 1, FigureSnapshots.Rendered);
        }
        finally
        {
            FigureSnapshots.Enabled = was;
            FigureSnapshots.Reset();
        }
    }

    [Fact]
    public void Without_chromium_figures_still_display_and_the_skip_is_said_once()
    {
        bool was = FigureSnapshots.Enabled;
        string? chromium = Environment.GetEnvironmentVariable("CURRICULUM_CHROMIUM");
        var stdout = Console.Out;
        var captured = new StringWriter();
        Environment.SetEnvironmentVariable("CURRICULUM_CHROMIUM", "/nonexistent/chromium");
        FigureSnapshots.Enabled = true;
        FigureSnapshots.Reset();
        Console.SetOut(captured);
        try
        {
            var a = new Figure().Line(new[] { 1.0, 2 }, name: Guid.NewGuid().ToString()).ToMimeBundle();
            var b = new Figure().Line(new[] { 3.0, 4 }, name: Guid.NewGuid().ToString()).ToMimeBundle();
            Assert.False(a.ContainsKey(Figure.SvgMimeType));
            Assert.True(b.ContainsKey(Figure.PlotlyMimeType));
            Assert.Contains(FigureHtml.NoViewerMessage, b[MimeBundle.Html]);
            string said = captured.ToString();
            Assert.Contains("figure snapshots skipped", said);
            Assert.Contains("chromium", said);
            Assert.Single(said.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Console.SetOut(stdout);
            Environment.SetEnvironmentVariable("CURRICULUM_CHROMIUM", chromium);
            FigureSnapshots.Enabled = was;
            FigureSnapshots.Reset();
        }
    }

    [Fact]
    public void Switched_off_no_browser_is_started_and_nothing_is_said()
    {
        bool was = FigureSnapshots.Enabled;
        FigureSnapshots.Enabled = false;
        try
        {
            int before = FigureSnapshots.Rendered;
            var bundle = new Figure().Line(new[] { 1.0 }, name: Guid.NewGuid().ToString()).ToMimeBundle();
            Assert.False(bundle.ContainsKey(Figure.SvgMimeType));
            Assert.Equal(before, FigureSnapshots.Rendered);
        }
        finally { FigureSnapshots.Enabled = was; }
    }
}
