using System.Reflection;
using Curriculum.Tensors;
using TorchSharp;

[assembly: DeviceProvider(typeof(Curriculum.Torch.TorchDeviceProvider))]

namespace Curriculum.Torch;

/// <summary>
/// What <c>Device.Get("torch-cpu" | "cuda")</c> calls after loading this assembly from its device folder: registers the
/// devices (<see cref="TorchDevices.Register"/>) and explains a missing <c>cuda</c> by the build (TorchSharp-cpu or
/// TorchSharp-cuda-linux, chosen by TorchBackend when this assembly was built) and the machine.
/// </summary>
public sealed class TorchDeviceProvider : IDeviceProvider
{
    /// <summary>The TorchBackend this assembly was built with: cpu or cuda.</summary>
    public static string Backend { get; } = typeof(TorchDeviceProvider).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchBackend").Value!;

    public IReadOnlyList<string> Register() => TorchDevices.Register();

    public string WhyUnavailable(string name)
    {
        string from = Path.GetDirectoryName(typeof(TorchDeviceProvider).Assembly.Location) ?? "(unknown folder)";
        if (name == "cuda" && Backend == "cpu")
            return $"Device 'cuda' needs the CUDA build of the torch devices; the one in {from} is the TorchSharp-cpu build (libtorch for the CPU only). "
                + "Rebuild with `dotnet build lib/Curriculum.Torch -c Release -p:TorchBackend=cuda` (TorchSharp-cuda-linux, restored from nuget.org), "
                + "or export TorchBackend=cuda so that ./curriculum rebuilds it that way.";
        if (name == "cuda")
            return $"Device 'cuda': the torch devices in {from} are the CUDA build (TorchSharp-cuda-linux), but libtorch sees no CUDA GPU "
                + $"(torch.cuda.is_available() is {torch.cuda.is_available()}): check that nvidia-smi lists a GPU, that its driver supports "
                + "the CUDA version of the libtorch build, and that CUDA_VISIBLE_DEVICES does not hide it.";
        return $"Device '{name}' is not provided by the torch devices in {from} (they provide {string.Join(", ", TorchDevices.Register())}).";
    }
}
