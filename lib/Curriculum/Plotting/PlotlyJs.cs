namespace Curriculum.Plotting;

/// <summary>
/// The local copy of plotly.js (npm <c>plotly.js-dist-min</c>, installed by
/// <c>npm ci --prefix tools/node</c>) that snapshots and the book use; nothing is fetched from a CDN.
/// </summary>
public static class PlotlyJs
{
    public const string RelativePath = "tools/node/node_modules/plotly.js-dist-min/plotly.min.js";

    /// <summary>
    /// plotly.min.js from <c>CURRICULUM_PLOTLY_JS</c>, else found in tools/node above the current
    /// folder or above this library's folder (artifacts/lib/ in notebooks); null when not installed.
    /// </summary>
    public static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("CURRICULUM_PLOTLY_JS");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? Path.GetFullPath(env) : null;
        foreach (var start in new[] { Environment.CurrentDirectory, Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location), AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, RelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>What to do when <see cref="Find"/> returns null.</summary>
    public const string InstallHint = "plotly.js not found: run `npm ci --prefix tools/node` in the repository (or set CURRICULUM_PLOTLY_JS to plotly.min.js)";
}
