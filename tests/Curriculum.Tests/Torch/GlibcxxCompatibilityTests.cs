using System.Reflection;
using Curriculum.Torch;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The compatibility step on TorchSharp's own libLibTorchSharp.so (read from the NuGet package, written only to temporary
/// copies): the ELF editor reads what readelf reads, the edit changes exactly the symbol's .gnu.version entry and the
/// GLIBCXX_3.4.32 flags, a second run changes nothing, and bad files are refused with their name.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GlibcxxCompatibilityTests : IDisposable
{
    static readonly string PackageFile = typeof(GlibcxxCompatibilityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LibTorchSharpPackageFile").Value!;

    readonly string _dir = Directory.CreateTempSubdirectory("curriculum-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string CopyOfPackageFile()
    {
        string path = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PackageFile, path);
        return path;
    }

    [Fact]
    public void PatchingASymbolicLinkReplacesTheLinkAndNeverWritesThroughIt()
    {
        // The device folder links libLibTorchSharp.so to the NuGet cache; the patch must leave the cache's file as shipped.
        string package = CopyOfPackageFile();
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "device")).FullName;
        string link = Path.Combine(folder, "libLibTorchSharp.so");
        File.CreateSymbolicLink(link, package);
        byte[] shipped = File.ReadAllBytes(package);

        Assert.True(GlibcxxCompatibility.ApplyToFile(link, link));

        Assert.Null(new FileInfo(link).LinkTarget);                       // renamed over the link: a file of its own now
        Assert.True(GlibcxxCompatibility.IsApplied(ElfFile.Read(link)));
        Assert.Equal(shipped, File.ReadAllBytes(package));                // the link's target is untouched
        Assert.False(GlibcxxCompatibility.IsApplied(ElfFile.Read(package)));
        Assert.Equal(File.GetUnixFileMode(package), File.GetUnixFileMode(link));
        Assert.Equal(["libLibTorchSharp.so"], Directory.GetFiles(folder).Select(Path.GetFileName));   // no temporary file left
    }

    [Fact]
    public void ReaderAgreesWithReadelfOnEverySymbolVersionAndNeed()
    {
        var elf = ElfFile.Read(PackageFile);
        var reference = ReadElf.Read(PackageFile);
        Assert.Equal(reference.SymbolVersions.Count, elf.DynamicSymbolCount);
        for (int i = 0; i < elf.DynamicSymbolCount; i++) Assert.True(reference.SymbolVersions[i] == elf.SymbolVersion(i), $"symbol {i}");
        Assert.Equal(reference.Needs, elf.VersionNeeds().Select(n => new ReadElf.Need(n.File, n.Name, n.IsWeak, n.Index)));
        Assert.Contains(reference.Needs, n => n.File == GlibcxxCompatibility.LibStdCxx && n.Name == GlibcxxCompatibility.Version && !n.Weak);
    }

    [Fact]
    public void SystemLibStdCxxDefinitionsAgreeWithReadelf()
    {
        string path = SystemLibStdCxx.Find() ?? throw new InvalidOperationException("no libstdc++ found, yet the .NET runtime links it");
        Assert.Equal(ReadElf.Read(path).Definitions, ElfFile.Read(path).VersionDefinitions());
        // What this system lacks, as readelf sees it, is what the loader's decision sees.
        var needed = ReadElf.Read(PackageFile).Needs.Where(n => n.File == GlibcxxCompatibility.LibStdCxx && !n.Weak).Select(n => n.Name);
        var defined = ReadElf.Read(path).Definitions;
        Assert.Equal(needed.Except(defined).ToList(), GlibcxxCompatibility.MissingVersions(ElfFile.Read(PackageFile), defined));
    }

    [Fact]
    public void EditChangesOnlyTheSymbolVersionAndTheWeakFlag()
    {
        string copy = CopyOfPackageFile();
        Assert.True(GlibcxxCompatibility.ApplyToFile(copy, copy));
        byte[] before = File.ReadAllBytes(PackageFile), after = File.ReadAllBytes(copy);
        var original = ElfFile.Parse(before, PackageFile);
        int symbol = original.FindDynamicSymbol(GlibcxxCompatibility.Symbol);
        var need = original.VersionNeeds().Single(n => n.Name == GlibcxxCompatibility.Version);
        Assert.Equal(need.Index, original.SymbolVersion(symbol));

        // Read back with readelf: the symbol is global (1), the need is weak; every other symbol and need as before.
        ReadElf.Versions was = ReadElf.Read(PackageFile), now = ReadElf.Read(copy);
        for (int i = 0; i < was.SymbolVersions.Count; i++)
            Assert.True(now.SymbolVersions[i] == (i == symbol ? 1 : was.SymbolVersions[i]), $"symbol {i}: {now.SymbolVersions[i]}");
        Assert.Equal(was.Needs.Select(n => n.Name == GlibcxxCompatibility.Version ? n with { Weak = true } : n), now.Needs);

        // Byte for byte, at the offsets readelf gives: only the symbol's 2-byte .gnu.version entry and the 2-byte
        // vna_flags field (4 bytes into the Elf64_Vernaux entry) of GLIBCXX_3.4.32 may differ.
        long versymEntry = was.VersymOffset + 2L * symbol;
        long flagsField = was.NeedOffsets[was.Needs.FindIndex(n => n.Name == GlibcxxCompatibility.Version)] + 4;
        Assert.Equal(before.Length, after.Length);
        var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.NotEmpty(differing);
        foreach (int i in differing)
            Assert.True(i - versymEntry is 0 or 1 || i - flagsField is 0 or 1, $"byte {i} changed ({before[i]} -> {after[i]})");
        var edited = ElfFile.Parse(after, copy);
        Assert.True(GlibcxxCompatibility.IsApplied(edited));
        Assert.Equal((ushort)(need.Flags | ElfVersionNeed.WeakFlag), edited.VersionNeeds().Single(n => n.Name == GlibcxxCompatibility.Version).Flags);
    }

    [Fact]
    public void SecondRunWritesNothing()
    {
        string copy = CopyOfPackageFile();
        Assert.True(GlibcxxCompatibility.ApplyToFile(copy, copy));
        byte[] once = File.ReadAllBytes(copy);
        var written = File.GetLastWriteTimeUtc(copy);
        Assert.False(GlibcxxCompatibility.ApplyToFile(copy, copy));
        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy));
        Assert.False(GlibcxxCompatibility.Apply(ElfFile.Read(copy)));
        // From the original into a copy that is already patched: nothing written either.
        Assert.False(GlibcxxCompatibility.ApplyToFile(PackageFile, copy));
    }

    [Fact]
    public void WriteReplacesTheFileByRenameAndLeavesNoTemporaryFile()
    {
        string copy = CopyOfPackageFile();
        byte[] original = File.ReadAllBytes(copy);
        // A reader that opened the library before the edit still reads the whole original: the new bytes went to a
        // new file renamed over the old name, never into the file being read.
        using var reader = new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        GlibcxxCompatibility.ApplyToFile(copy, copy);
        var seen = new byte[original.Length];
        reader.ReadExactly(seen);
        Assert.Equal(original, seen);
        Assert.True(GlibcxxCompatibility.IsApplied(ElfFile.Read(copy)));
        Assert.Equal(["libLibTorchSharp.so"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(File.GetUnixFileMode(PackageFile), File.GetUnixFileMode(copy));
    }

    [Fact]
    public void CacheCopyIsWrittenIntoNewFoldersAndTheSourceStaysAsItWas()
    {
        string source = CopyOfPackageFile();
        string cached = Path.Combine(_dir, "cache", GlibcxxCompatibility.CacheKey(source), "libLibTorchSharp.so");
        Assert.True(GlibcxxCompatibility.ApplyToFile(source, cached));
        Assert.Equal(File.ReadAllBytes(PackageFile), File.ReadAllBytes(source));
        Assert.True(GlibcxxCompatibility.IsApplied(ElfFile.Read(cached)));
        Assert.False(GlibcxxCompatibility.ApplyToFile(source, cached));
    }

    [Fact]
    public void VersionNeededByAnotherSymbolIsRefused()
    {
        var elf = ElfFile.Read(PackageFile);
        var need = elf.VersionNeeds().Single(n => n.Name == GlibcxxCompatibility.Version);
        int other = elf.FindDynamicSymbol("_ZNSt8ios_baseD2Ev");
        Assert.True(other > 0);
        elf.SetSymbolVersion(other, need.Index);
        var e = Assert.Throws<ElfFormatException>(() => GlibcxxCompatibility.Apply(elf));
        Assert.Contains("_ZNSt8ios_baseD2Ev", e.Message);
        Assert.Contains(PackageFile, e.Message);
    }

    [Theory]
    [InlineData("text", "not an ELF file (it starts with 68 65 6C 6C")]
    [InlineData("empty", "not an ELF file (it starts with nothing")]
    [InlineData("truncated", "the section header table")]
    [InlineData("32-bit", "ELF class 1, expected 2 (64-bit)")]
    [InlineData("big-endian", "ELF data encoding 2, expected 1 (little-endian)")]
    public void MalformedFileIsRefusedNamingTheFile(string kind, string expected)
    {
        byte[] real = File.ReadAllBytes(PackageFile);
        byte[] bytes = kind switch
        {
            "text" => "hello, this is not a library\n"u8.ToArray().Concat(new byte[64]).ToArray(),
            "empty" => [],
            "truncated" => real[..4096],
            "32-bit" => [.. real[..4], 1, .. real[5..]],
            "big-endian" => [.. real[..5], 2, .. real[6..]],
            _ => throw new ArgumentException(kind),
        };
        string path = Path.Combine(_dir, kind + ".so");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ElfFormatException>(() => ElfFile.Read(path));
        Assert.StartsWith(path + ": offset ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Throws<ElfFormatException>(() => GlibcxxCompatibility.ApplyToFile(path, path));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
