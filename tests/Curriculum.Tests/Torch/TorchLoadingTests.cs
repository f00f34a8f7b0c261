using Curriculum.Torch;
using TorchSharp;

namespace Curriculum.Tests.Torch;

/// <summary>libtorch loads through <see cref="TorchRuntime.EnsureLoaded"/> (patched where the system libstdc++ is older) and computes right.</summary>
public class TorchLoadingTests
{
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
