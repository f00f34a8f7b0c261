namespace Curriculum.Tests.Torch;

/// <summary>
/// The device folder that lib/Curriculum.Torch's build lays out (artifacts/torch/): its managed assemblies copied, the
/// host's native libraries linked to the NuGet cache, nothing for other systems, and not the core library.
/// </summary>
public class DeviceFolderTests
{
    static readonly string Folder = Path.Combine(RepoPaths.Root, "artifacts", "torch");

    [Fact]
    public void HoldsTheAssembliesAndLinksTheHostNativesIntoTheNuGetCache()
    {
        foreach (var managed in new[] { "Curriculum.Torch.dll", "TorchSharp.dll" })
            Assert.True(File.Exists(Path.Combine(Folder, managed)), $"{managed} missing in {Folder}");
        Assert.False(File.Exists(Path.Combine(Folder, "Curriculum.dll")), "the core library is the host's, never a second copy");
        Assert.Empty(Directory.GetFiles(Folder, "*.dylib").Concat(Directory.GetFiles(Folder, "LibTorchSharp.dll")).Concat(Directory.GetFiles(Folder, "libSkiaSharp*")));

        var natives = Directory.GetFiles(Folder, "*.so*");
        Assert.Contains(Path.Combine(Folder, "libtorch_cpu.so"), natives);
        foreach (var native in natives)
        {
            // libLibTorchSharp.so may be TorchRuntime's patched file (renamed over the link) once a torch device was loaded.
            if (Path.GetFileName(native) == "libLibTorchSharp.so" && new FileInfo(native).LinkTarget == null) continue;
            string? target = new FileInfo(native).LinkTarget;
            Assert.True(target != null, $"{native} is a copy, not a link");
            Assert.Contains(Path.Combine("runtimes", "linux-x64", "native"), target);
            Assert.True(File.Exists(target), $"{native} -> {target}, which is absent");
        }
        long copied = Directory.GetFiles(Folder).Where(f => new FileInfo(f).LinkTarget == null).Sum(f => new FileInfo(f).Length);
        Assert.True(copied < 20_000_000, $"{copied:N0} bytes copied into {Folder}; libtorch (~500 MB) must be linked, not copied");
    }
}
