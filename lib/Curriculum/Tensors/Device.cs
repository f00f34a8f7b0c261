namespace Curriculum.Tensors;

/// <summary>
/// Where a tensor's elements live and whose kernels compute on them (<c>torch.device</c>). <see cref="Cpu"/> is the
/// default: host arrays and the managed kernels of this library. Other devices (<c>torch-cpu</c>, <c>cuda</c>) hold their
/// elements in an <see cref="IDeviceBuffer"/> and compute with an <see cref="IDeviceKernels"/>; they come from an assembly
/// that registers them (lib/Curriculum.Torch: <c>Curriculum.Torch.TorchDevices.Register()</c>), so this library keeps no
/// native dependency. Autograd, modules, optimisers and models are the same code on every device.
/// </summary>
public sealed class Device
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, Device> Registered = new(StringComparer.Ordinal);

    /// <summary>Managed kernels on host arrays: the default device.</summary>
    public static Device Cpu { get; } = new("cpu");

    /// <summary>libtorch's CPU kernels through TorchSharp (registered by lib/Curriculum.Torch).</summary>
    public static Device TorchCpu => Get("torch-cpu");

    /// <summary>libtorch's CUDA kernels through TorchSharp (registered by lib/Curriculum.Torch where a GPU and a CUDA build are present).</summary>
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

    /// <summary>The names <see cref="Get"/> knows now: cpu, then the registered ones in order of name.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate) return ["cpu", .. Registered.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The device called <paramref name="name"/>, or an exception saying what provides it and which names exist.</summary>
    public static Device Get(string name)
    {
        if (name == "cpu") return Cpu;
        lock (Gate)
            if (Registered.TryGetValue(name, out var device)) return device;
        if (name is "torch-cpu" or "cuda")
            throw new InvalidOperationException($"Device '{name}' needs lib/Curriculum.Torch: reference it and call "
                + "Curriculum.Torch.TorchDevices.Register() first (known now: " + string.Join(", ", Names) + ").");
        throw new ArgumentException($"Unknown device '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
    }

    public override string ToString() => Name;
}
