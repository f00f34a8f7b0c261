namespace Curriculum.Torch;

/// <summary>The libstdc++ the dynamic loader gives this process, and which GLIBCXX versions it defines.</summary>
public static class SystemLibStdCxx
{
    static readonly string[] StandardFolders = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];

    /// <summary>
    /// The libstdc++.so.6 mapped into this process (the .NET runtime links it, so this is the one every later library
    /// gets, LD_LIBRARY_PATH included), else the first in the standard library folders; null where there is none.
    /// </summary>
    public static string? Find()
    {
        if (File.Exists("/proc/self/maps"))
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && Path.GetFileName(line[slash..]).StartsWith("libstdc++.so", StringComparison.Ordinal)) return line[slash..];
            }
        foreach (var folder in StandardFolders)
        {
            string path = Path.Combine(folder, GlibcxxCompatibility.LibStdCxx);
            if (File.Exists(path)) return Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path);
        }
        return null;
    }

    /// <summary>The highest GLIBCXX_3.4.N among <paramref name="versions"/>, e.g. GLIBCXX_3.4.30 on Debian 12.</summary>
    public static string? Highest(IEnumerable<string> versions) => versions
        .Where(v => v.StartsWith("GLIBCXX_", StringComparison.Ordinal))
        .Select(v => (Name: v, Key: Version.TryParse(v["GLIBCXX_".Length..], out var parsed) ? parsed : null))
        .Where(v => v.Key != null).OrderBy(v => v.Key).Select(v => v.Name).LastOrDefault();
}
