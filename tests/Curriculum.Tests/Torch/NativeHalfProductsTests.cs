using Curriculum.Models;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;
using static Curriculum.Tests.Torch.OpParityAgainstLibTorchTests;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The native 16-bit products of a libtorch device (<see cref="TorchKernels.NativeHalfProducts"/>: on by default on CUDA)
/// against the emulation (fp32 products of rounded operands, the result rounded), both on the device under test; on
/// torch-cpu the native path is switched on here. The switch is process-wide state of the device, hence the collection.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class NativeHalfProductsTests(ITestOutputHelper output)
{
    static readonly Tensor CrossMask = AttentionMask.FromPadding(new IntTensor([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0], 2, 7));

    static Tensor Op(string name, Tensor[] x) => name switch
    {
        "linear" => F.Linear(x[0], x[1], x[2]),
        "matmul_2d" => x[0].MatMul(x[1]),
        "matmul_batched" => x[0].MatMul(x[1]),
        "self_attention_causal" => F.SelfAttention(x[0], 3, isCausal: true),
        "mha_cross_mask" => F.MultiHeadAttention(x[0], x[1], x[2], 3, CrossMask.To(x[0].Device)),
        "linear_cross_entropy" => F.LinearCrossEntropy(x[0], x[1], x[2], new IntTensor([3, 0, 7, -100, 19, 2, 11, 5, 5, 1, -100, 8], 2, 6)),
        _ => throw new ArgumentException(name),
    };

    // Inner dimensions of 48 to 96: long enough sums that the two paths' fp32 orders differ.
    static int[][] Shapes(string name) => name switch
    {
        "linear" => [[2, 5, 64], [12, 64], [12]],
        "matmul_2d" => [[3, 4, 96], [96, 5]],
        "matmul_batched" => [[3, 4, 48], [3, 48, 5]],
        "self_attention_causal" => [[2, 6, 36]],
        "mha_cross_mask" => [[2, 5, 12], [2, 7, 12], [2, 7, 12]],
        "linear_cross_entropy" => [[2, 6, 64], [20, 64], [20]],
        _ => throw new ArgumentException(name),
    };

    public static IEnumerable<object[]> Cases() =>
        from name in new[] { "linear", "matmul_2d", "matmul_batched", "self_attention_causal", "mha_cross_mask", "linear_cross_entropy" }
        from format in new[] { FloatFormat.Bf16, FloatFormat.Fp16 }
        select new object[] { name, format };

    // One unit in the last place of a format with `mantissa` stored bits at magnitude m: 2^(floor(log2 m) - mantissa).
    static double UlpAt(double m, int mantissa) => m == 0 ? 0 : Math.Pow(2, Math.Floor(Math.Log2(m)) - mantissa);

    static TorchKernels Kernels => TorchKernels.Of(TestDevice.Torch);

    /// <summary><paramref name="name"/> under <paramref name="policy"/> on the device, native or emulated: output and input gradients.</summary>
    static float[][] Run(string name, PrecisionPolicy policy, bool native)
    {
        bool was = Kernels.NativeHalfProducts;
        Kernels.NativeHalfProducts = native;
        try
        {
            var g = new Generator(Seed(name));
            var host = Shapes(name).Select(s => Tensor.Randn(s, g)).ToArray();
            // The head's weights at a model's initial scale, std 1/√C: logits of order 1, as a language model's.
            if (name == "linear_cross_entropy") host[1] = host[1] * (1f / MathF.Sqrt(host[1].Shape[1]));
            var inputs = host.Select(t => t.To(TestDevice.Torch).RequiresGrad_()).ToArray();
            Tensor y;
            using (Autocast.Enter(policy)) y = Op(name, inputs);
            y.Backward(Tensor.Randn([.. y.Shape], g).To(TestDevice.Torch));
            return [y.ToArray(), .. inputs.Select(t => t.Grad!.ToArray())];
        }
        finally { Kernels.NativeHalfProducts = was; }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NativeProductsMatchTheEmulationWithinTwoUnitsInTheLastPlace(string name, FloatFormat format)
    {
        var policy = format == FloatFormat.Bf16 ? PrecisionPolicy.Bf16Autocast : PrecisionPolicy.Fp16Autocast;
        var emulated = Run(name, policy, native: false);
        var native = Run(name, policy, native: true);
        // Both paths multiply the same operands (rounded to the format: the cast to it is exact) and accumulate in fp32;
        // the native GEMM rounds its fp32 sum to the format, the emulation rounds its own fp32 sum, taken in another
        // order (a few ε apart). They differ where the two sums fall on either side of a rounding boundary: one ulp of
        // the format at that value. libtorch's CPU 16-bit linear appears to round x·Wᵀ before adding the bias (measured:
        // 45 of 120 linear outputs one ulp apart, the products without a bias bit-identical; cuBLAS adds C in fp32), and a logit one ulp apart moves the softmax
        // behind it by up to that much relative (the head's logits are of order 1 here). Each difference is carried
        // through at most one more product (attention: scores -> P·V, dP -> dS -> dQ, dK; the scale applied after the
        // rounded Q·Kᵀ rounds once more). Allowed: 2 ulps of the format at the largest magnitude plus 1e-5 relative for
        // the fp32 sums; a product in the wrong format or a lost rounding differs by the rounding error itself.
        int mantissa = format == FloatFormat.Bf16 ? 7 : 10;
        for (int i = 0; i < emulated.Length; i++)
        {
            string what = i == 0 ? "output" : $"gradient of input {i - 1}";
            double scale = emulated[i].Max(v => Math.Abs((double)v));
            double limit = 2 * UlpAt(scale, mantissa) + 1e-5 * scale + 1e-7;
            double worst = emulated[i].Zip(native[i]).Max(p => Math.Abs((double)p.First - p.Second));
            int same = emulated[i].Zip(native[i]).Count(p => p.First == p.Second);
            output.WriteLine($"{name} {format} {what}: max |native - emulated| {worst:G3} (limit {limit:G3}), {same}/{emulated[i].Length} bit-identical");
            Assert.True(worst <= limit, $"{name} {format} {what}: max |native - emulated| {worst:G3} > {limit:G3}");
        }
    }

    [Fact]
    public void AProductWhoseResultStaysWiderThanItsOperandsIsNotComputedIn16Bits()
    {
        // bf16 operands with an fp32 result, and plain fp32: no native 16-bit product applies, so the switch changes no bit.
        // The products without a bias: libtorch's fp32 CPU linear with a bias was seen to sum in another order from one
        // call to the next (18 of 120 outputs one fp32 ulp apart, with no switch involved).
        foreach (var policy in new[] { PrecisionPolicy.Bf16Autocast.With(OpClass.MatMulOutput, FloatFormat.Fp32), PrecisionPolicy.Fp32 })
            foreach (string name in new[] { "matmul_2d", "matmul_batched", "self_attention_causal", "mha_cross_mask" })
            {
                var emulated = Run(name, policy, native: false);
                var native = Run(name, policy, native: true);
                for (int i = 0; i < emulated.Length; i++) Assert.Equal(emulated[i], native[i]);
            }
    }

    [Fact]
    public void TheNativePathIsOnForCudaAndOffForCpu()
    {
        TorchDevices.Register();
        Assert.False(TorchKernels.Of(Device.TorchCpu).NativeHalfProducts);
        if (TestDevice.Torch.Name == "cuda") Assert.True(Kernels.NativeHalfProducts);
    }

    [Fact]
    public void GptUnderBf16AutocastTrainsTwentyStepsNativeAsEmulated()
    {
        float[] Losses(bool native)
        {
            bool was = Kernels.NativeHalfProducts;
            Kernels.NativeHalfProducts = native;
            try
            {
                var model = new GptModel(PrecisionOnTorchDeviceTests.Config, new Generator(7));
                model.To(TestDevice.Torch);
                return PrecisionOnTorchDeviceTests.Train(model, PrecisionPolicy.Bf16Autocast, null, FloatFormat.Bf16).Losses;
            }
            finally { Kernels.NativeHalfProducts = was; }
        }
        var emulated = Losses(false);
        var native = Losses(true);
        for (int s = 0; s < emulated.Length; s++)
            output.WriteLine($"step {s + 1,2}: emulated {emulated[s]:F7}  native {native[s]:F7}  |diff| {Math.Abs(emulated[s] - native[s]):G3}");
        double worst = emulated.Zip(native).Max(p => Math.Abs((double)p.First - p.Second));
        // As for cpu against torch-cpu under bf16 autocast (PrecisionOnTorchDeviceTests): a logit rounded the other way moves
        // its row's loss by about one bf16 ulp of the logit and AdamW carries the weights' differences forward. Allowed:
        // half a bf16 ulp at the loss (~3.8): 0.0074; a product in the wrong format moves the curve, which falls by ~1, by far more.
        double limit = 0.5 / 256 * emulated.Max();
        output.WriteLine($"max |diff| {worst:G3} (limit {limit:G3})");
        Assert.True(worst <= limit, $"losses differ by up to {worst:G3} (> {limit:G3})");
        Assert.True(native[^1] < native[0] - 0.1, $"the native run did not learn: {native[0]} -> {native[^1]}");
    }
}
