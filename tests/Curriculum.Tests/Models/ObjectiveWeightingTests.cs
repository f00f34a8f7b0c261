using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

public class ObjectiveWeightingTests
{
    static Tensor Loss(float v) => Tensor.Scalar(v).RequiresGrad_();

    [Fact]
    public void Sum_and_fixed_weights_give_the_hand_worked_totals_and_gradients()
    {
        Tensor a = Loss(2f), b = Loss(8f);
        var sum = ObjectiveWeighting.Sum(2).Combine(a, b);
        Assert.Equal(10f, sum.Item());
        sum.Backward();
        Assert.Equal(1f, a.Grad!.Item());
        Assert.Equal(1f, b.Grad!.Item());

        Tensor c = Loss(2f), d = Loss(8f);
        var weighted = ObjectiveWeighting.Fixed(0.25, 2).Combine(c, d);
        Assert.Equal(0.5f + 16f, weighted.Item());
        weighted.Backward();
        Assert.Equal(0.25f, c.Grad!.Item());
        Assert.Equal(2f, d.Grad!.Item());
    }

    [Fact]
    public void Scale_normalised_divides_each_loss_by_its_bias_corrected_running_mean()
    {
        var w = ObjectiveWeighting.ScaleNormalised(2, momentum: 0.5);
        Tensor a = Loss(2f), b = Loss(8f);
        var first = w.Combine(a, b);                       // s = (2, 8): 2/2 + 8/8
        Assert.Equal(2f, first.Item(), 6);
        first.Backward();
        Assert.Equal(0.5f, a.Grad!.Item(), 6);
        Assert.Equal(0.125f, b.Grad!.Item(), 6);
        // Second step, losses 4 and 4: ema = (0.5·1 + 0.5·4, 0.5·4 + 0.5·4) = (2.5, 4); corrected by 1 - 0.25: (10/3, 16/3).
        var second = w.Combine(Loss(4f), Loss(4f));
        Assert.Equal(10.0 / 3, w.Scales()[0], 6);
        Assert.Equal(16.0 / 3, w.Scales()[1], 6);
        Assert.Equal((float)(4 / (10.0 / 3) + 4 / (16.0 / 3)), second.Item(), 5);
    }

    [Fact]
    public void Bad_inputs_are_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => ObjectiveWeighting.Sum(2).Combine(Loss(1f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveWeighting.Fixed(1, -1));
        Assert.Throws<ArgumentException>(() => ObjectiveWeighting.ScaleNormalised(1).Combine(Loss(float.NaN)));
    }
}
