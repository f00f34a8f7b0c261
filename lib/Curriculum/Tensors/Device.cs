namespace Curriculum.Tensors;

/// <summary>
/// Where a tensor's elements live and whose kernels compute on them (<c>torch.device</c>). <see cref="Cpu"/> is the
/// default: host arrays and the managed kernels of this library. Other devices (<c>torch-cpu</c>, <c>cuda</c>) hold their
/// elements in an <see cref="IDeviceBuffer"/> and compute with an <see cref="IDeviceKernels"/>; they come from an assembly
/// that registers them (lib/Curriculum.Torch), which <see cref="Get"/> loads on demand from its device folder
/// (<see cref="DeviceLibrary"/>), so this library keeps no native dependency. Autograd, modules, optimisers and models
/// are the same code on every device.
/// </summary>
public sealed class Device
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, Device> Registered = new(StringComparer.Ordinal);

    /// <summary>Managed kernels on host arrays: the default device.</summary>
    public static Device Cpu { get; } = new("cpu");

    /// <summary>libtorch's CPU kernels through TorchSharp (lib/Curriculum.Torch, loaded on first use).</summary>
    public static Device TorchCpu => Get("torch-cpu");

    /// <summary>libtorch's CUDA kernels through TorchSharp (lib/Curriculum.Torch built with -p:TorchBackend=cuda, on a machine with a GPU).</summary>
    public static Device Cuda => Get("cuda");

    public string Name { get; }

    /// <summary>The device's kernels; null for <see cref="Cpu"/>, whose kernels are the ops in <see cref="F"/> themselves.</summary>
    public IDeviceKernels? Kernels { get; }

    Device(string name) => Name = name;

    /// <summary>A device named <paramref name="name"/> computing with <paramref name="kernels"/>; make it known with <see cref="Register"/>.</summary>
    public Device(string name, IDeviceKernels kernels)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Device: the name is empty.", nameof(name));
        Name = name;
        Kernels = kernels ?? throw new ArgumentNullException(nameof(kernels));
    }

    /// <summary>Makes <paramref name="device"/> available to <see cref="Get"/> under its name; registering a name again replaces it.</summary>
    public static void Register(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Name == "cpu") throw new ArgumentException("Device.Register: 'cpu' is the managed device and cannot be replaced.");
        lock (Gate) Registered[device.Name] = device;
    }

    /// <summary>The names <see cref="Get"/> accepts: cpu, the devices loaded on demand (torch-cpu, cuda), then any other registered, in order of name.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate) return ["cpu", .. DeviceLibrary.Names, .. Registered.Keys.Except(DeviceLibrary.Names).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The device called <paramref name="name"/> (<c>torch.device(name)</c>). <c>torch-cpu</c> and <c>cuda</c> load
    /// lib/Curriculum.Torch from its device folder the first time (<see cref="DeviceLibrary"/>); where they cannot be had
    /// here, <see cref="DeviceUnavailableException"/> says why and how to get them. An unknown name throws
    /// <see cref="ArgumentException"/> listing the names.
    /// </summary>
    public static Device Get(string name)
    {
        if (name == "cpu") return Cpu;
        lock (Gate)
            if (Registered.TryGetValue(name, out var device)) return device;
        if (!DeviceLibrary.Names.Contains(name))
            throw new ArgumentException($"Unknown device '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
        var provider = DeviceLibrary.Load();
        lock (Gate)
            if (Registered.TryGetValue(name, out var loaded)) return loaded;
        throw new DeviceUnavailableException(provider.WhyUnavailable(name));
    }

    public override string ToString() => Name;
}
