using Curriculum.Tensors;
using TorchSharp;

namespace Curriculum.Torch;

/// <summary>Copies between the engine's tensors and libtorch's (<c>torch.tensor(...)</c> and <c>t.detach().cpu().numpy()</c>).</summary>
public static class TorchTensors
{
    /// <summary>A float32 libtorch tensor on the CPU holding a copy of <paramref name="t"/>'s values, same shape.</summary>
    public static torch.Tensor ToTorch(this Tensor t, bool requiresGrad = false)
    {
        TorchRuntime.EnsureLoaded();
        return torch.tensor((float[])t.Data.Clone(), Dims(t.Shape), requires_grad: requiresGrad);
    }

    /// <summary>An int64 libtorch tensor (PyTorch's index type) holding <paramref name="t"/>'s values.</summary>
    public static torch.Tensor ToTorch(this IntTensor t)
    {
        TorchRuntime.EnsureLoaded();
        return torch.tensor(Array.ConvertAll(t.Data, v => (long)v), Dims(t.Shape));
    }

    /// <summary>A copy of a libtorch tensor's values as float32, read back to the host (any dtype, device or layout).</summary>
    public static Tensor ToCurriculum(this torch.Tensor t)
    {
        using var host = t.detach().cpu().to_type(torch.ScalarType.Float32).contiguous();
        return new Tensor(host.data<float>().ToArray(), Array.ConvertAll(host.shape, d => checked((int)d)));
    }

    static long[] Dims(IReadOnlyList<int> shape)
    {
        var dims = new long[shape.Count];
        for (int i = 0; i < dims.Length; i++) dims[i] = shape[i];
        return dims;
    }
}
