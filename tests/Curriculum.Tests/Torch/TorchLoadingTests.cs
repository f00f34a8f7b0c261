using System.Runtime.InteropServices;
using Curriculum.Torch;
using TorchSharp;

namespace Curriculum.Tests.Torch;

/// <summary>libtorch loads through <see cref="TorchRuntime.EnsureLoaded"/> (patched where the system libstdc++ is older) and computes right.</summary>
public partial class TorchLoadingTests
{
    [Fact]
    public void LoadedCopyIsPatchedExactlyWhenTheSystemLibStdCxxLacksTheVersion()
    {
        TorchRuntime.EnsureLoaded();
        string loaded = TorchRuntime.LoadedFrom!;
        Assert.True(File.Exists(loaded), loaded);
        var defined = ElfFile.Read(SystemLibStdCxx.Find()!).VersionDefinitions();
        bool systemLacksIt = !defined.Contains(GlibcxxCompatibility.Version);
        Assert.Equal(systemLacksIt, GlibcxxCompatibility.IsApplied(ElfFile.Read(loaded)));
        Assert.Empty(GlibcxxCompatibility.MissingVersions(ElfFile.Read(loaded), defined));
    }

    [Fact]
    public void OpenMpWaitPolicyIsInTheNativeEnvironment()
    {
        TorchRuntime.EnsureLoaded();
        string? managed = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        Assert.False(string.IsNullOrEmpty(managed));
        Assert.Equal(managed, Marshal.PtrToStringUTF8(GetEnv("OMP_WAIT_POLICY")));
    }

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [Fact]
    public void FailureMessageNamesTheLibraryTheVersionsAndTheFix()
    {
        string message = TorchRuntime.Explain("/app/runtimes/linux-x64/native/libLibTorchSharp.so", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.28",
            ["GLIBCXX_3.4", "GLIBCXX_3.4.9", "GLIBCXX_3.4.28", "CXXABI_1.3"], ["GLIBCXX_3.4.29", "GLIBCXX_3.4.32"], "version `GLIBCXX_3.4.29' not found");
        Assert.Equal("/app/runtimes/linux-x64/native/libLibTorchSharp.so could not be loaded: version `GLIBCXX_3.4.29' not found. "
            + "It needs GLIBCXX_3.4.29, GLIBCXX_3.4.32 from libstdc++.so.6; the system libstdc++ at /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.28 "
            + "defines versions up to GLIBCXX_3.4.28. Fix: install a libstdc++ from GCC 13 or later (Debian 13, Ubuntu 24.04, "
            + "or a newer libstdc++6 package), or put a folder holding one first on LD_LIBRARY_PATH.", message);
    }

    [Fact]
    public void MatMulAndBackwardGiveHandComputedNumbers()
    {
        TorchRuntime.EnsureLoaded();
        // y = sum(A @ B) with A = [[1,2],[3,4]], B = [[5,6],[7,8]]: A@B = [[19,22],[43,50]], sum 134;
        // dy/dA = ones @ Bᵀ = [[11,15],[11,15]], dy/dB = Aᵀ @ ones = [[4,4],[6,6]].
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2], requires_grad: true);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, [2, 2], requires_grad: true);
        using var product = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
        using var sum = product.sum();
        sum.backward();
        Assert.Equal(134f, sum.item<float>());
        Assert.Equal(new float[] { 11, 15, 11, 15 }, a.grad!.data<float>().ToArray());
        Assert.Equal(new float[] { 4, 4, 6, 6 }, b.grad!.data<float>().ToArray());
    }
}
