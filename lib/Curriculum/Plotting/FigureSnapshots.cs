using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Curriculum.Plotting;

/// <summary>
/// Static SVG images of figures, drawn by the real plotly.js (the local plotly.min.js) in a headless
/// Debian chromium, for notebook viewers that run no scripts (GitHub). One browser is started on
/// the first figure and kept for the process (its start-up is the main cost); each figure then
/// costs one <c>Plotly.toImage</c> call, and repeated figures come from a cache keyed by content.
/// Without chromium or plotly.js the figure is still displayed, without the image, and the
/// notebook says once that snapshots were skipped. Turn off with <see cref="Enabled"/> = false or
/// the environment variable <c>CURRICULUM_FIGURE_SNAPSHOTS=0</c>.
/// </summary>
public static class FigureSnapshots
{
    /// <summary>Width in pixels of a snapshot of a figure whose width is not set.</summary>
    public const int DefaultWidth = 800;

    static readonly Lock gate = new();
    static readonly Dictionary<string, string> cache = new(StringComparer.Ordinal);
    static bool enabled = Environment.GetEnvironmentVariable("CURRICULUM_FIGURE_SNAPSHOTS") != "0";
    static HeadlessChromium? browser;
    static ChromiumPage? page;
    static string? unavailable;
    static bool told;
    static bool closeOnExit;

    /// <summary>Render snapshots (default: on, unless CURRICULUM_FIGURE_SNAPSHOTS=0).</summary>
    public static bool Enabled
    {
        get { lock (gate) return enabled; }
        set { lock (gate) enabled = value; }
    }

    /// <summary>Folder of the on-disk cache (SVG per content hash), shared across runs.</summary>
    public static string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "curriculum-figure-snapshots");

    /// <summary>Snapshots drawn by the browser (not from the cache) and the time they took, start-up included.</summary>
    public static int Rendered { get; private set; }
    public static TimeSpan RenderTime { get; private set; }

    /// <summary>
    /// The figure as SVG text, or null when snapshots are off or cannot be made (the reason is
    /// written once to the output). <paramref name="figureJson"/> is <see cref="Figure.ToJson"/>.
    /// </summary>
    public static string? TryRender(string figureJson, int width, int height)
    {
        lock (gate)
        {
            if (!enabled) return null;
            if (unavailable != null) { Tell(); return null; }
            string? plotly = PlotlyJs.Find();
            if (plotly == null) { unavailable = PlotlyJs.InstallHint; Tell(); return null; }
            string key = Key(figureJson, width, height, plotly);
            if (cache.TryGetValue(key, out var hit)) return hit;
            string file = Path.Combine(CacheDirectory, key + ".svg");
            if (File.Exists(file))
            {
                try { return cache[key] = File.ReadAllText(file); }
                catch (IOException) { }
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? svg = Draw(figureJson, width, height, plotly);
            if (svg == null) { Tell(); return null; }
            Rendered++;
            RenderTime += clock.Elapsed;
            cache[key] = svg;
            Store(file, svg);
            return svg;
        }
    }

    static string Key(string json, int width, int height, string plotly)
    {
        var info = new FileInfo(plotly);
        string text = $"{width}x{height}|{info.Length}|{json}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    static string? Draw(string json, int width, int height, string plotly)
    {
        try
        {
            if (page == null) Open(plotly);
            if (page == null) return null;
            var result = page.Evaluate(
                $"Plotly.toImage({json}, {{ format: 'svg', width: {width}, height: {height} }})" +
                ".then(u => decodeURIComponent(u.substring(u.indexOf(',') + 1)))");
            return result.ValueKind == JsonValueKind.String ? result.GetString() : null;
        }
        catch (Exception e)
        {
            // The snapshot is an extra: whatever goes wrong in the browser, the figure is still displayed.
            unavailable = "the headless browser failed: " + e.Message;
            Close();
            return null;
        }
    }

    static void Open(string plotly)
    {
        string? chromium = HeadlessChromium.FindExecutable();
        if (chromium == null)
        {
            unavailable = $"chromium not found at {HeadlessChromium.DebianPath} (apt-get install chromium)";
            return;
        }
        // A page that only loads plotly.js; figures are drawn off-screen by Plotly.toImage.
        string dir = Directory.CreateTempSubdirectory("curriculum-snapshot-page-").FullName;
        string html = Path.Combine(dir, "plotly.html");
        File.WriteAllText(html, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{new Uri(plotly).AbsoluteUri}\"></script></head><body></body></html>");
        browser = HeadlessChromium.Start(chromium);
        if (!closeOnExit) AppDomain.CurrentDomain.ProcessExit += (_, _) => Close();
        closeOnExit = true;
        page = browser.NewPage();
        page.Navigate(new Uri(html).AbsoluteUri);
        try { Directory.Delete(dir, true); } catch (IOException) { }
        if (page.Evaluate("typeof Plotly").GetString() != "object")
            throw new InvalidOperationException($"{plotly} did not load in chromium: {string.Join("; ", page.Errors)}");
    }

    /// <summary>Closes the browser and forgets why snapshots were skipped, so the next figure tries
    /// again (after installing chromium, say) and a new skip is reported again.</summary>
    public static void Reset()
    {
        lock (gate)
        {
            Close();
            unavailable = null;
            told = false;
            cache.Clear();
        }
    }

    /// <summary>Closes the browser (it is also closed when the process exits).</summary>
    public static void Close()
    {
        lock (gate)
        {
            page?.Dispose();
            page = null;
            browser?.Dispose();
            browser = null;
        }
    }

    static void Store(string file, string svg)
    {
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            string tmp = file + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(tmp, svg);
            File.Move(tmp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    // Said once per process, in the output of the cell that displayed the first figure.
    static void Tell()
    {
        if (told) return;
        told = true;
        Console.WriteLine($"note: figure snapshots skipped ({unavailable}); figures still show in VS Code, Jupyter and the book.");
    }
}
