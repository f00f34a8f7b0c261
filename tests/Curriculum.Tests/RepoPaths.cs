namespace Curriculum.Tests;

/// <summary>Locations in the repository, found from the test assembly's folder.</summary>
static class RepoPaths
{
    public static readonly string Root = FindRoot();
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");
    public static string Notebooks => Path.Combine(Root, "notebooks");
    public static string Data => Path.Combine(Root, "data");
    /// <summary>../shared beside the repository (reference scripts), or null where absent.</summary>
    public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Curriculum.sln"))) return d.FullName;
        throw new InvalidOperationException("Curriculum.sln not found above " + AppContext.BaseDirectory);
    }
}
