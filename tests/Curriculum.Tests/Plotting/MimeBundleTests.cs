using System.Text.Json;
using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

[Collection(ProcessStateCollection.Name)]
public class FigureMimeBundleTests : IDisposable
{
    readonly bool snapshots = FigureSnapshots.Enabled;

    public FigureMimeBundleTests() => FigureSnapshots.Enabled = false;

    public void Dispose() => FigureSnapshots.Enabled = snapshots;

    [Fact]
    public void Bundle_holds_plotly_json_html_fallback_and_one_line_summary()
    {
        var fig = new Figure().Line(new[] { 0.0, 1, 2 }, new[] { 3.0, 2, double.NaN }, name: "loss").Title("Loss </script>");
        MimeBundle bundle = fig.ToMimeBundle();
        Assert.True(MimeBundle.IsJson(Figure.PlotlyMimeType));
        var json = JsonDocument.Parse(bundle[Figure.PlotlyMimeType]).RootElement;
        Assert.Equal(1, json.GetProperty("data").GetArrayLength());
        Assert.Equal("Figure \"Loss </script>\": 1 trace: line \"loss\" (2 points)", bundle[MimeBundle.PlainText]);
        string html = bundle[MimeBundle.Html];
        Assert.Contains("<div id=\"fig-", html);
        Assert.Contains(FigureHtml.NoViewerMessage, html);
        // Nothing fetched from the network, and the title cannot end the script early.
        Assert.DoesNotContain("http", html);
        Assert.Equal(1, CountOf(html, "</script>"));
        Assert.Contains("window.Plotly", html);
        Assert.Contains("requirejs", html);
    }

    [Fact]
    public void Two_displays_of_one_figure_get_different_div_ids()
    {
        var fig = new Figure().Line(new[] { 1.0 });
        string a = fig.ToMimeBundle()[MimeBundle.Html], b = fig.ToMimeBundle()[MimeBundle.Html];
        Assert.NotEqual(a[..40], b[..40]);
    }

    static int CountOf(string s, string sub)
    {
        int n = 0;
        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
