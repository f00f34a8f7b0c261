using System.CommandLine;
using Curriculum.Tensors;

namespace Curriculum.Cli;

/// <summary>
/// <c>--device cpu|torch-cpu|cuda</c> of the commands that build a model: where its parameters live and whose kernels
/// run (PyTorch's <c>model.to(device)</c>). Inputs stay host tensors; the ops copy them over. The torch devices load on
/// demand from the device folder (artifacts/torch/), so nothing of TorchSharp loads unless one is asked for.
/// </summary>
static class DeviceChoice
{
    public static Option<string> Option() => new("--device")
    {
        Description = "Where the model runs: cpu (the managed kernels, the default), torch-cpu or cuda (libtorch through TorchSharp, "
            + "from the device folder artifacts/torch/; cuda needs a build with -p:TorchBackend=cuda and a GPU).",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>The device named; an unknown name is a <see cref="UsageException"/> listing the names, one that cannot be had here a <see cref="DeviceUnavailableException"/> saying why (both exit 2).</summary>
    public static Device Get(string name)
    {
        if (!Device.Names.Contains(name))
            throw new UsageException($"--device {name}: unknown device; known: {string.Join(", ", Device.Names)}.");
        return Device.Get(name);
    }

    /// <summary>Moves <paramref name="model"/>'s parameters to <paramref name="device"/> (nothing to do where they already are).</summary>
    public static T MoveTo<T>(T model, Device device) where T : NN.Module
    {
        if (model.Parameters().Any(p => p.Device != device)) model.To(device);
        return model;
    }
}
