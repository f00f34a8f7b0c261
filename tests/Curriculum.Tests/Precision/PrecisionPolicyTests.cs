using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>
/// Presets against PyTorch's autocast op reference (docs "Automatic Mixed Precision package", CUDA op lists:
/// matmul/linear/bmm autocast to the 16-bit type; layer_norm, softmax, log_softmax, nll_loss, cross_entropy to
/// float32; parameters and their .grad keep the model's dtype) and switching one op class at a time.
/// </summary>
public class PrecisionPolicyTests
{
    [Theory]
    [InlineData(FloatFormat.Bf16)]
    [InlineData(FloatFormat.Fp16)]
    public void Autocast_presets_follow_torch_autocast(FloatFormat low)
    {
        var p = low == FloatFormat.Bf16 ? PrecisionPolicy.Bf16Autocast : PrecisionPolicy.Fp16Autocast;
        Assert.Equal(low, p.FormatFor(OpClass.MatMulInput));
        Assert.Equal(low, p.FormatFor(OpClass.MatMulOutput));
        foreach (var op in new[] { OpClass.MatMulAccumulator, OpClass.LayerNorm, OpClass.Softmax, OpClass.Loss,
                                   OpClass.Residual, OpClass.MasterWeights, OpClass.Gradients })
            Assert.Equal(FloatFormat.Fp32, p.FormatFor(op));
        Assert.Equal(low == FloatFormat.Fp16, p.NeedsLossScaling); // fp16 gradients underflow below 2^-24; bf16 has fp32's range
    }

    [Fact]
    public void Uniform_presets_put_every_op_class_in_one_format()
    {
        foreach (var op in Enum.GetValues<OpClass>())
        {
            Assert.Equal(FloatFormat.Fp32, PrecisionPolicy.Fp32.FormatFor(op));
            Assert.Equal(FloatFormat.Fp16, PrecisionPolicy.Fp16Everywhere.FormatFor(op));
        }
        Assert.False(PrecisionPolicy.Fp32.NeedsLossScaling);
        Assert.True(PrecisionPolicy.Fp16Everywhere.NeedsLossScaling);
        // model.bfloat16(): everything bf16; the loss taken in fp32 and matmuls accumulating in fp32 as CPU/GPU kernels do.
        Assert.Equal(FloatFormat.Bf16, PrecisionPolicy.Bf16Everywhere.FormatFor(OpClass.LayerNorm));
        Assert.Equal(FloatFormat.Bf16, PrecisionPolicy.Bf16Everywhere.FormatFor(OpClass.MasterWeights));
        Assert.Equal(FloatFormat.Fp32, PrecisionPolicy.Bf16Everywhere.FormatFor(OpClass.Loss));
        Assert.False(PrecisionPolicy.Bf16Everywhere.NeedsLossScaling);
    }

    [Fact]
    public void With_switches_one_op_class_and_leaves_the_original_unchanged()
    {
        var broken = PrecisionPolicy.Bf16Autocast.With(OpClass.LayerNorm, FloatFormat.Bf16);
        Assert.Equal(FloatFormat.Bf16, broken.FormatFor(OpClass.LayerNorm));
        Assert.Equal(FloatFormat.Fp32, PrecisionPolicy.Bf16Autocast.FormatFor(OpClass.LayerNorm));
        foreach (var op in Enum.GetValues<OpClass>())
            if (op != OpClass.LayerNorm) Assert.Equal(PrecisionPolicy.Bf16Autocast.FormatFor(op), broken.FormatFor(op));
        Assert.Equal("bf16 autocast, LayerNorm bfloat16", broken.Name);
        Assert.Contains("LayerNorm          bfloat16", broken.ToString());
        Assert.True(PrecisionPolicy.Fp32.With(OpClass.Gradients, FloatFormat.Fp16).NeedsLossScaling);
        Assert.Throws<ArgumentOutOfRangeException>(() => PrecisionPolicy.Fp32.With((OpClass)99, FloatFormat.Bf16));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrecisionPolicy.Fp32.With(OpClass.Loss, (FloatFormat)5));
    }

    [Fact]
    public void Round_uses_the_op_class_format()
    {
        var p = PrecisionPolicy.Fp16Autocast;
        // 1 + 2^-11 is half-way between fp16 neighbours 1 and 1 + 2^-10: ties to even 1. fp32 keeps it.
        float[] x = [1.00048828125f, 1e-8f];
        float[] y = (float[])x.Clone();
        p.Round(x, OpClass.MatMulInput);
        p.Round(y, OpClass.LayerNorm);
        Assert.Equal([1f, 0f], x);
        Assert.Equal([1.00048828125f, 1e-8f], y);
        Assert.Equal(1f, PrecisionPolicy.Bf16Autocast.Round(1.001f, OpClass.MatMulOutput)); // bf16 spacing at 1 is 2^-7
        Assert.Equal(2, p.BytesFor(OpClass.MatMulInput));
        Assert.Equal(4, p.BytesFor(OpClass.MasterWeights));
    }

    [Fact]
    public void Loss_scaling_rescues_an_fp16_gradient_that_underflows()
    {
        // A gradient of 1e-8 is below half of fp16's smallest subnormal (2^-25 ≈ 2.98e-8): it flushes to zero.
        // Scaled by GradScaler's initial 2^16 it is 6.55e-4, a normal fp16 value, and unscaling in fp32 recovers it to 3 digits.
        Assert.Equal(0f, PrecisionPolicy.Fp16Autocast.Round(1e-8f, OpClass.MatMulOutput));
        float scaled = PrecisionPolicy.Fp16Autocast.Round(1e-8f * 65536f, OpClass.MatMulOutput);
        Assert.Equal(1e-8, scaled / 65536.0, 1e-11);
    }
}
