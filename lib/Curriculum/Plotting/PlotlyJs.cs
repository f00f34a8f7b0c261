namespace Curriculum.Plotting;

/// <summary>
/// The local copy of plotly.js that snapshots and the book use; nothing is fetched from a CDN. The
/// build copies it beside the library (plotly.min.js, from the Plotly.Blazor NuGet package), so a
/// plain <c>dotnet build</c> brings it, in artifacts/lib/ for notebooks as beside the CLI.
/// </summary>
public static class PlotlyJs
{
    public const string FileName = "plotly.min.js";

    /// <summary>plotly.min.js from <c>CURRICULUM_PLOTLY_JS</c>, else the one beside this library; null when neither exists.</summary>
    public static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("CURRICULUM_PLOTLY_JS");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? Path.GetFullPath(env) : null;
        string? besideLibrary = Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location);
        foreach (var folder in new[] { besideLibrary, AppContext.BaseDirectory })
            if (!string.IsNullOrEmpty(folder) && File.Exists(Path.Combine(folder, FileName))) return Path.Combine(folder, FileName);
        return null;
    }

    /// <summary>What to do when <see cref="Find"/> returns null.</summary>
    public const string InstallHint = "plotly.js not found beside the library: rebuild it (`dotnet build`), which copies " + FileName
        + " from the Plotly.Blazor NuGet package, or set CURRICULUM_PLOTLY_JS to a plotly.min.js";
}
