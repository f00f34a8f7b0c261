using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>The browser tests need Debian's chromium and the npm plotly.js: fail saying how to install them.</summary>
static class BrowserRequirements
{
    public static (string Chromium, string PlotlyJs) Check()
    {
        string chromium = HeadlessChromium.FindExecutable() ?? throw new InvalidOperationException(
            $"This test needs Debian's chromium at {HeadlessChromium.DebianPath}: install it with `apt-get install chromium`.");
        string plotly = PlotlyJs.Find() ?? throw new InvalidOperationException("This test needs " + PlotlyJs.InstallHint + ".");
        return (chromium, plotly);
    }
}
