using Curriculum.Tensors;
using TorchSharp;

namespace Curriculum.Torch;

/// <summary>
/// Registers libtorch's devices with the engine (<see cref="Device.Register"/>): <c>torch-cpu</c> always, <c>cuda</c> where
/// libtorch sees a CUDA GPU (a build with -p:TorchBackend=cuda on a machine with one). Then <c>model.To(Device.TorchCpu)</c>
/// runs the model's ops on libtorch's kernels with the engine's own autograd, modules and optimisers.
/// Dropout on these devices draws from libtorch's random stream, seeded from the engine's <see cref="Generator"/>: the same
/// seed gives the same masks on the same device, but not the masks the managed cpu device draws.
/// </summary>
public static class TorchDevices
{
    static readonly Lock Gate = new();
    static List<string>? _registered;

    /// <summary>Loads libtorch (<see cref="TorchRuntime.EnsureLoaded"/>) and registers its devices, once; returns their names.</summary>
    public static IReadOnlyList<string> Register()
    {
        lock (Gate)
        {
            if (_registered == null)
            {
                TorchRuntime.EnsureLoaded();
                // libtorch's intra-op pool follows the engine's thread bound (torch.set_num_threads), as the managed kernels do.
                torch.set_num_threads(Parallelism.MaxThreads);
                Parallelism.MaxThreadsChanged += torch.set_num_threads;
                var devices = new List<Device> { Make("torch-cpu", torch.CPU) };
                if (torch.cuda.is_available()) devices.Add(Make("cuda", torch.CUDA));
                foreach (var device in devices) Device.Register(device);
                _registered = devices.Select(d => d.Name).ToList();
            }
            return _registered;
        }
    }

    static Device Make(string name, torch.Device torchDevice)
    {
        var kernels = new TorchKernels(torchDevice);
        var device = new Device(name, new GuardedTorchKernels(kernels, name));
        kernels.Device = device;
        return device;
    }
}
