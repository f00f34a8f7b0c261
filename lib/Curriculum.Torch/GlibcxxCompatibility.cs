using System.Security.Cryptography;

namespace Curriculum.Torch;

/// <summary>
/// Lets a libLibTorchSharp.so built with GCC 13 load on the libstdc++ of GCC 12 (Debian 12, Ubuntu 22.04), which defines
/// versions up to GLIBCXX_3.4.30. The library needs GLIBCXX_3.4.32 for one symbol only, <c>std::ios_base_library_init</c>:
/// GCC 13 references it from every object that includes &lt;iostream&gt; so that the iostreams get set up, and nothing
/// calls it; an older libstdc++ sets them up in its own constructor. Two edits remove the requirement:
///   1. the symbol's entry in .gnu.version becomes 1, global (what <c>patchelf --clear-symbol-version</c> does);
///   2. the GLIBCXX_3.4.32 entry of .gnu.version_r is marked weak (VER_FLG_WEAK), so the loader accepts a libstdc++ without it.
/// The edits go to a copy (the build output, or a cache folder), never to the NuGet package.
/// </summary>
public static class GlibcxxCompatibility
{
    public const string Symbol = "_ZSt21ios_base_library_initv";
    public const string Version = "GLIBCXX_3.4.32";
    public const string LibStdCxx = "libstdc++.so.6";

    /// <summary>The versions <paramref name="library"/> requires (not weak) from libstdc++.so.6 that <paramref name="defined"/> lacks.</summary>
    public static List<string> MissingVersions(ElfFile library, IReadOnlyCollection<string> defined)
    {
        var missing = new List<string>();
        foreach (var need in library.VersionNeeds())
            if (need.File == LibStdCxx && !need.IsWeak && !defined.Contains(need.Name)) missing.Add(need.Name);
        return missing;
    }

    /// <summary>True when both edits are in place.</summary>
    public static bool IsApplied(ElfFile library)
    {
        var need = FindNeed(library);
        int symbol = library.FindDynamicSymbol(Symbol);
        return need is { IsWeak: true } && symbol > 0 && library.SymbolVersion(symbol) == 1;
    }

    /// <summary>
    /// Makes both edits in memory; false when they were already there. Throws when the file is not shaped as expected:
    /// it does not need GLIBCXX_3.4.32, lacks the symbol, or another symbol needs that version too (then the edit would hide a real need).
    /// </summary>
    public static bool Apply(ElfFile library)
    {
        var need = FindNeed(library) ?? throw new ElfFormatException($"{library.Path}: needs no {Version} from {LibStdCxx}; nothing to make compatible.");
        int symbol = library.FindDynamicSymbol(Symbol);
        if (symbol <= 0) throw new ElfFormatException($"{library.Path}: has no dynamic symbol {Symbol}.");
        var others = library.SymbolsWithVersion(need.Index).Where(s => s != symbol).Select(library.DynamicSymbolName).ToList();
        if (others.Count > 0)
            throw new ElfFormatException($"{library.Path}: {Version} is needed by {string.Join(", ", others.Take(5))} besides {Symbol}; marking it weak would hide a real need. Install a libstdc++ that defines {Version} (GCC 13 or later).");
        bool changed = false;
        if (library.SymbolVersion(symbol) != 1) { library.SetSymbolVersion(symbol, 1); changed = true; }
        if (!need.IsWeak) { library.SetVersionNeedFlags(need, (ushort)(need.Flags | ElfVersionNeed.WeakFlag)); changed = true; }
        return changed;
    }

    /// <summary>
    /// Writes <paramref name="source"/> with both edits to <paramref name="destination"/> (the same path edits in place):
    /// a temporary file in the destination's folder, flushed, then renamed over it, so no reader ever sees half a library.
    /// Returns false, writing nothing, when the destination already holds exactly that.
    /// </summary>
    public static bool ApplyToFile(string source, string destination)
    {
        var library = ElfFile.Read(source);
        Apply(library);
        if (File.Exists(destination) && File.ReadAllBytes(destination).AsSpan().SequenceEqual(library.Bytes)) return false;
        string folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(library.Bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(source));
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return true;
    }

    /// <summary>A name for the patched copy of <paramref name="source"/> in a cache folder: its SHA-256, so a new TorchSharp gets a new copy.</summary>
    public static string CacheKey(string source) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(source)))[..16].ToLowerInvariant();

    static ElfVersionNeed? FindNeed(ElfFile library) => library.VersionNeeds().FirstOrDefault(n => n.File == LibStdCxx && n.Name == Version);
}
