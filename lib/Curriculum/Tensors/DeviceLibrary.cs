using System.Reflection;
using System.Runtime.Loader;

namespace Curriculum.Tensors;

/// <summary>
/// Loads the torch devices on demand. The first <c>Device.Get("torch-cpu" | "cuda")</c> finds the device folder that
/// lib/Curriculum.Torch's build lays out (artifacts/torch/: Curriculum.Torch.dll, TorchSharp.dll, libtorch linked in
/// flat), loads Curriculum.Torch.dll into the load context this library lives in (so both see one <see cref="Device"/>
/// type; in a notebook kernel too), and lets its <see cref="IDeviceProvider"/> register the devices. Nothing of
/// TorchSharp or libtorch loads before a torch device is asked for.
/// </summary>
internal static class DeviceLibrary
{
    /// <summary>Where to look first: a folder holding the device build (Curriculum.Torch.dll and what it needs).</summary>
    public const string FolderVariable = "CURRICULUM_TORCH_DIR";
    public const string AssemblyFile = "Curriculum.Torch.dll";
    public const string BuildCommand = "dotnet build lib/Curriculum.Torch -c Release";

    /// <summary>The devices the device folder provides.</summary>
    public static readonly string[] Names = ["torch-cpu", "cuda"];

    static readonly Lock Gate = new();
    static IDeviceProvider? _provider;
    static string? _resolvingFolder;

    /// <summary>The provider, its devices registered; loaded once. Throws <see cref="DeviceUnavailableException"/> saying what is missing and how to build it.</summary>
    public static IDeviceProvider Load()
    {
        lock (Gate)
        {
            if (_provider != null) return _provider;
            string folder = FindFolder();
            var provider = LoadProvider(folder);
            try
            {
                provider.Register();
            }
            catch (Exception e) when (e is not DeviceUnavailableException)
            {
                throw new DeviceUnavailableException($"The torch devices in {folder} did not load: {e.Message}", e);
            }
            return _provider = provider;
        }
    }

    /// <summary>$CURRICULUM_TORCH_DIR if set, else the first artifacts/torch/ above this library's folder or the app's.</summary>
    static string FindFolder()
    {
        string? set = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrEmpty(set))
        {
            if (File.Exists(Path.Combine(set, AssemblyFile))) return Path.GetFullPath(set);
            throw new DeviceUnavailableException($"{FolderVariable} is '{set}', which holds no {AssemblyFile}. Build the torch devices "
                + $"from the repository root with `{BuildCommand}` (it lays out artifacts/torch/) and point {FolderVariable} there, or unset it.");
        }
        var starts = new[] { Path.GetDirectoryName(typeof(Device).Assembly.Location), AppContext.BaseDirectory }
            .Where(s => !string.IsNullOrEmpty(s)).Select(s => Path.GetFullPath(s!)).Distinct().ToList();
        foreach (var start in starts)
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "artifacts", "torch");
                if (File.Exists(Path.Combine(candidate, AssemblyFile))) return candidate;
            }
        throw new DeviceUnavailableException($"The torch devices are not built: no artifacts/torch/{AssemblyFile} above {string.Join(" or ", starts)}. "
            + $"Build them from the repository root with `{BuildCommand}` (./curriculum builds them too), or set {FolderVariable} to a folder holding that build.");
    }

    static IDeviceProvider LoadProvider(string folder)
    {
        var core = typeof(Device).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(core) ?? AssemblyLoadContext.Default;
        if (_resolvingFolder == null)
        {
            // Curriculum.Torch's references: the core is the one already loaded (never a second copy), the rest come from the folder.
            context.Resolving += (ctx, name) => Resolve(ctx, name, core);
        }
        _resolvingFolder = folder;
        string name = Path.GetFileNameWithoutExtension(AssemblyFile);
        var assembly = context.Assemblies.FirstOrDefault(a => a.GetName().Name == name)
            ?? context.LoadFromAssemblyPath(Path.Combine(folder, AssemblyFile));
        var attribute = assembly.GetCustomAttribute<DeviceProviderAttribute>()
            ?? throw new DeviceUnavailableException($"{Path.Combine(folder, AssemblyFile)} names no device provider ([assembly: DeviceProvider(typeof(...))]).");
        return (IDeviceProvider)Activator.CreateInstance(attribute.ProviderType)!;
    }

    static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name, Assembly core)
    {
        if (name.Name == core.GetName().Name) return core;
        string path = Path.Combine(_resolvingFolder!, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
