using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>
/// A Chinese figure label (chapter 01 plots Chinese text) is drawn as glyphs in chromium. Where no installed font has
/// the characters, the browser draws the same empty box for each of them, so a title and the same characters in
/// another order give the same picture; with a CJK font (Debian's fonts-noto-cjk, installed by tools/setup.sh) they
/// do not.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class ChineseLabelBrowserTests
{
    [Fact]
    public void Chinese_title_renders_as_glyphs_not_boxes()
    {
        var (chromium, plotly) = BrowserRequirements.Check();
        bool was = FigureSnapshots.Enabled;
        FigureSnapshots.Enabled = false;
        string dir = Directory.CreateTempSubdirectory("figure-cjk").FullName;
        try
        {
            using var browser = HeadlessChromium.Start(chromium);
            byte[] Picture(string title)
            {
                string html = new Figure().Line(new[] { 0.0, 1, 2 }, new[] { 1.0, 4, 9 }).Title(title).ToMimeBundle()[MimeBundle.Html];
                string file = Path.Combine(dir, $"title-{title.Length}-{(int)title[0]:x}.html");
                File.WriteAllText(file, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{new Uri(plotly).AbsoluteUri}\"></script></head><body>{html}</body></html>");
                using var page = browser.NewPage();
                page.Navigate(new Uri(file).AbsoluteUri);
                var drawn = page.Evaluate("""
                    new Promise(resolve => { const t0 = Date.now(); (function poll() {
                      const t = document.querySelector('.plotly-figure .gtitle');
                      if (t || Date.now() - t0 > 10000) document.fonts.ready.then(() => resolve(t ? t.textContent : null));
                      else setTimeout(poll, 50); })(); })
                    """);
                Assert.Equal(title, drawn.GetString());
                Assert.Empty(page.Errors);
                return page.Screenshot();
            }
            byte[] inOrder = Picture("中文分词"), swapped = Picture("分词中文");
            Assert.False(inOrder.AsSpan().SequenceEqual(swapped),
                "The Chinese title is drawn as boxes: no installed font has these characters. Install one: apt-get install fonts-noto-cjk (tools/setup.sh does).");
        }
        finally
        {
            FigureSnapshots.Enabled = was;
            Directory.Delete(dir, true);
        }
    }
}
