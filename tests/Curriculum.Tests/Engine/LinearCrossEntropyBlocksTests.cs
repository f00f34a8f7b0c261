using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>
/// The fused head + loss goes through its rows in blocks of about 2M logits: with more rows than one block
/// (here 4 blocks and a ragged one), its loss and gradients match the unfused CrossEntropy(Linear(x, W, b)),
/// itself checked against PyTorch, including ignored rows and label smoothing.
/// </summary>
public class LinearCrossEntropyBlocksTests
{
    [Fact]
    public void ManyBlocksMatchLinearThenCrossEntropy()
    {
        const int rows = 2200, c = 24, v = 4100;   // 2M / 4100 = 511 rows per block
        var gen = new Generator(17);
        var x0 = Tensor.Randn([rows, c], gen);
        var w0 = Tensor.Randn([v, c], gen);
        var b0 = Tensor.Randn([v], gen);
        var ids = new int[rows];
        for (int i = 0; i < rows; i++) ids[i] = i % 13 == 0 ? -100 : (i * 7919) % v;
        var targets = IntTensor.FromArray(ids, rows);

        var (x1, w1, b1) = (x0.Clone().RequiresGrad_(), w0.Clone().RequiresGrad_(), b0.Clone().RequiresGrad_());
        var fused = F.LinearCrossEntropy(x1, w1, b1, targets, labelSmoothing: 0.1f);
        fused.Backward();
        var (x2, w2, b2) = (x0.Clone().RequiresGrad_(), w0.Clone().RequiresGrad_(), b0.Clone().RequiresGrad_());
        var composed = F.CrossEntropy(F.Linear(x2, w2, b2), targets, labelSmoothing: 0.1f);
        composed.Backward();

        Assert.Equal(composed.Item(), fused.Item(), 1e-4 * Math.Abs(composed.Item()));
        Close(x2.Grad!, x1.Grad!);
        Close(w2.Grad!, w1.Grad!);
        Close(b2.Grad!, b1.Grad!);
    }

    static void Close(Tensor expected, Tensor actual)
    {
        float max = 0;
        foreach (var e in expected.Data) max = MathF.Max(max, MathF.Abs(e));
        for (int i = 0; i < expected.Numel; i++)
            Assert.True(MathF.Abs(expected.Data[i] - actual.Data[i]) <= 1e-4f * max + 1e-4f * MathF.Abs(expected.Data[i]),
                $"element {i}: expected {expected.Data[i]}, got {actual.Data[i]} (largest {max})");
    }
}
