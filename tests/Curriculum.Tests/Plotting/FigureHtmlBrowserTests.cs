using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>
/// The notebook text/html form in chromium: it draws with the page's plotly.js when there is one,
/// and otherwise leaves its fallback in place without a script error.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class FigureHtmlBrowserTests
{
    [Fact]
    public void Html_draws_where_plotly_is_loaded_and_falls_back_where_it_is_not()
    {
        var (chromium, plotly) = BrowserRequirements.Check();
        bool was = FigureSnapshots.Enabled;
        FigureSnapshots.Enabled = false;
        string dir = Directory.CreateTempSubdirectory("figure-html").FullName;
        try
        {
            string html = new Figure().Line(new[] { 0.0, 1, 2 }, new[] { 1.0, 4, 9 }, name: "y = x²").Title("squares")
                .ToMimeBundle()[MimeBundle.Html];
            string with = Path.Combine(dir, "with-plotly.html"), without = Path.Combine(dir, "without-plotly.html");
            File.WriteAllText(with, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{new Uri(plotly).AbsoluteUri}\"></script></head><body>{html}</body></html>");
            File.WriteAllText(without, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{html}</body></html>");
            using var browser = HeadlessChromium.Start(chromium);

            using (var page = browser.NewPage())
            {
                page.Navigate(new Uri(with).AbsoluteUri);
                var drawn = page.Evaluate("""
                    new Promise(resolve => { const t0 = Date.now(); (function poll() {
                      const svg = document.querySelector('.plotly-figure .main-svg');
                      if (svg || Date.now() - t0 > 10000) resolve(svg ? document.querySelector('.plotly-figure').textContent : null);
                      else setTimeout(poll, 50); })(); })
                    """);
                Assert.Contains("squares", drawn.GetString());
                Assert.DoesNotContain(FigureHtml.NoViewerMessage, drawn.GetString());
                Assert.Empty(page.Errors);
            }
            using (var page = browser.NewPage())
            {
                page.Navigate(new Uri(without).AbsoluteUri);
                Assert.Equal(FigureHtml.NoViewerMessage, page.Evaluate("document.querySelector('.plotly-figure').textContent").GetString());
                Assert.Empty(page.Errors);
            }
        }
        finally
        {
            FigureSnapshots.Enabled = was;
            Directory.Delete(dir, true);
        }
    }
}
