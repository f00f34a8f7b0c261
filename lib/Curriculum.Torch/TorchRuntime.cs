using System.Runtime.InteropServices;
using TorchSharp;

namespace Curriculum.Torch;

/// <summary>
/// The one entry point before any TorchSharp call: <see cref="EnsureLoaded"/> sets the OpenMP wait policy, makes
/// libLibTorchSharp.so loadable on a libstdc++ older than it was built for (<see cref="GlibcxxCompatibility"/>) and
/// loads libtorch, or says exactly why it cannot.
/// </summary>
public static partial class TorchRuntime
{
    const string LibraryFile = "libLibTorchSharp.so";
    static readonly Lock Gate = new();
    static string? _loadedFrom;

    /// <summary>The libLibTorchSharp.so that was loaded (the build output's, or a patched copy in the cache); null before.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>
    /// Loads TorchSharp's native libraries once (later calls return at once); thread-safe. Throws <see cref="TorchLoadException"/>
    /// naming the cause and the fix where they cannot be loaded. Call it before TorchSharp loads on its own: the OpenMP
    /// setting only counts before libtorch is loaded.
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loadedFrom != null) return;
            SetOmpWaitPolicy();
            string? library = OperatingSystem.IsLinux() ? FindLibTorchSharp() : null;
            if (library != null) library = Prepare(library);
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
            {
                throw new TorchLoadException($"TorchSharp's native library did not load: {e.Message}", e);
            }
            _loadedFrom = library ?? "(found by TorchSharp)";
        }
    }

    /// <summary>
    /// With two threads an OpenMP team that spins while waiting (libgomp's default) takes the core from the other
    /// thread: libtorch ran about 3x slower here until OMP_WAIT_POLICY=PASSIVE. Set in the native environment
    /// (setenv), which libgomp reads when it loads; .NET's Environment.SetEnvironmentVariable alone does not reach it on Unix.
    /// </summary>
    static void SetOmpWaitPolicy()
    {
        const string name = "OMP_WAIT_POLICY";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return;
        Environment.SetEnvironmentVariable(name, "PASSIVE");
        if (OperatingSystem.IsLinux() && NativeEnvironment.SetEnv(name, "PASSIVE", 1) != 0)
            throw new TorchLoadException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>
    /// The libLibTorchSharp.so to load: the one beside TorchSharp.dll (the device folder, or an app that copied it flat),
    /// else the first in the app's native search folders (from its .deps.json). Beside TorchSharp.dll comes first so that a
    /// device folder loaded into another app uses its own natives.
    /// </summary>
    static string? FindLibTorchSharp()
    {
        var folders = new List<string> { Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "" };
        folders.AddRange(((AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return folders.Where(f => f.Length > 0).Select(f => Path.Combine(f, LibraryFile)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Applies the compatibility step where the system libstdc++ needs it, in place, or (output folder read-only) to a
    /// copy in the cache folder that is then loaded first; loads the library to report the real cause if it fails.
    /// Returns the path loaded.
    /// </summary>
    static string Prepare(string library)
    {
        string? stdcxx = SystemLibStdCxx.Find();
        var defined = stdcxx != null ? ElfFile.Read(stdcxx).VersionDefinitions() : [];
        var missing = GlibcxxCompatibility.MissingVersions(ElfFile.Read(library), defined);
        string load = library;
        if (missing.SequenceEqual([GlibcxxCompatibility.Version]))
            load = PatchInPlaceOrCache(library);
        else if (missing.Count > 0)
            throw new TorchLoadException(Explain(library, stdcxx, defined, missing, "it needs more than the compatibility step can remove"));
        try
        {
            // Its libtorch dependencies are found beside the original (a cached copy's $ORIGIN is the cache folder).
            string folder = Path.GetDirectoryName(library)!;
            foreach (var dependency in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
                if (File.Exists(Path.Combine(folder, dependency))) NativeLibrary.Load(Path.Combine(folder, dependency));
            NativeLibrary.Load(load);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchLoadException(Explain(library, stdcxx, defined, missing, e.Message), e);
        }
        return load;
    }

    static string PatchInPlaceOrCache(string library)
    {
        try
        {
            GlibcxxCompatibility.ApplyToFile(library, library);
            return library;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            string cached = Path.Combine(CacheFolder(), GlibcxxCompatibility.CacheKey(library), LibraryFile);
            GlibcxxCompatibility.ApplyToFile(library, cached);
            return cached;
        }
    }

    /// <summary>$XDG_CACHE_HOME/curriculum/torchsharp, else ~/.cache/curriculum/torchsharp.</summary>
    static string CacheFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "curriculum", "torchsharp");
    }

    internal static string Explain(string library, string? stdcxx, List<string> defined, List<string> missing, string cause)
    {
        string system = stdcxx == null ? $"no {GlibcxxCompatibility.LibStdCxx} was found on this system"
            : $"the system libstdc++ at {stdcxx} defines versions up to {SystemLibStdCxx.Highest(defined) ?? "(none)"}";
        string needs = missing.Count == 0 ? "" : $" It needs {string.Join(", ", missing)} from {GlibcxxCompatibility.LibStdCxx}; {system}.";
        return $"{library} could not be loaded: {cause}.{needs} Fix: install a libstdc++ from GCC 13 or later (Debian 13, Ubuntu 24.04, "
            + "or a newer libstdc++6 package), or put a folder holding one first on LD_LIBRARY_PATH.";
    }

    static partial class NativeEnvironment
    {
        [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int SetEnv(string name, string value, int overwrite);
    }
}
