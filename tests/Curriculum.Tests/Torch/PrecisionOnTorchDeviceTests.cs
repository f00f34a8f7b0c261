using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;
using static Curriculum.Tests.Torch.OpParityAgainstLibTorchTests;

namespace Curriculum.Tests.Torch;

/// <summary>
/// 16-bit precision on <c>torch-cpu</c> with the numerics of the managed device: the rounding itself bit for bit
/// (<see cref="FloatRounding"/> is the reference, itself tested against PyTorch's casts), the ops under an autocast policy,
/// <see cref="ParameterRounding"/>, 16-bit AdamW state and the <see cref="GradScaler"/> on device buffers, and a GPT
/// trained 20 steps under bf16 autocast and under fp16 autocast with loss scaling on both devices.
/// </summary>
public class PrecisionOnTorchDeviceTests(ITestOutputHelper output)
{
    /// <summary>The hard cases of each format, as fp32 bit patterns.</summary>
    static readonly uint[] Edges =
    [
        0x00000000, 0x80000000,                 // +0, -0
        0x3F808000, 0x3F818000, 0xBF808000,     // bf16 ties: 1 + 2^-8 -> 1 (even), 1 + 3·2^-8 -> 1 + 2^-6, and negative
        0x3F808001, 0x3F807FFF,                 // just above and below a bf16 tie
        0x3F801000, 0x3F803000,                 // fp16 ties: 1 + 2^-11 -> 1, 1 + 3·2^-11 -> 1 + 2^-9
        0x00000001, 0x007FFFFF, 0x80400000,     // fp32 subnormals (smallest, largest, negative)
        0x33800000, 0x33C00000, 0x34200000,     // fp16 subnormal range: 2^-24, 1.5·2^-24 (tie -> 2^-23), 2.5·2^-24 (tie -> 2^-23)
        0x33000000, 0x33000001, 0x387FC000,     // 2^-25 (tie -> 0), just above it, just below fp16's smallest normal
        0x477FEFFF, 0x477FF000, 0xC77FF000,     // 65519.99 -> 65504, 65520 -> inf, -65520 -> -inf (fp16 overflow)
        0x7F7FFFFF, 0x7F7F7FFF, 0xFF7F8000,     // fp32 max -> bf16 inf, the largest value that stays finite, a negative overflow
        0x7F800000, 0xFF800000,                 // ±inf
        0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FC12345, 0xFFBFFFFF,   // NaNs: quiet, negative (x86's default), signalling, payloads
    ];

    [Theory]
    [InlineData(FloatFormat.Bf16)]
    [InlineData(FloatFormat.Fp16)]
    public void RoundingOnTheDeviceIsBitForBitTheManagedRounding(FloatFormat format)
    {
        TorchDevices.Register();
        var kernels = TestDevice.Torch.Kernels!;
        // The edges, then 100 000 random bit patterns (every exponent, NaNs included); 37 is not a multiple of any vector width.
        var g = new Generator(3);
        var bits = Edges.Concat(Enumerable.Range(0, 100_000).Select(_ => (uint)g.NextUInt64())).ToArray();
        var values = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
        foreach (int length in new[] { values.Length, 37 })
        {
            var expected = values[..length];
            FloatRounding.Round(expected, format);
            var buffer = kernels.FromHost(values.AsSpan(0, length), [length]);
            kernels.RoundInPlace(buffer, format);
            var actual = buffer.ToArray();
            for (int i = 0; i < length; i++)
                Assert.True(BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                    $"{format} of 0x{bits[i]:X8}: managed 0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}, device 0x{BitConverter.SingleToUInt32Bits(actual[i]):X8}");
        }
        // Spot checks of what the edges round to, against the formats' definitions (not against our own code).
        float Round(uint b) { var x = new[] { BitConverter.UInt32BitsToSingle(b) }; var t = kernels.FromHost(x, [1]); kernels.RoundInPlace(t, format); return t.ToArray()[0]; }
        if (format == FloatFormat.Bf16)
        {
            Assert.Equal(1f, Round(0x3F808000));
            Assert.Equal(1f + 1f / 64, Round(0x3F818000));
            Assert.Equal(float.PositiveInfinity, Round(0x7F7FFFFF));
        }
        else
        {
            Assert.Equal(1f, Round(0x3F801000));
            Assert.Equal(MathF.Pow(2, -23), Round(0x33C00000));
            Assert.Equal(0f, Round(0x33000000));
            Assert.Equal(65504f, Round(0x477FEFFF));
            Assert.Equal(float.PositiveInfinity, Round(0x477FF000));
        }
        Assert.True(float.IsNegative(Round(0x80000000)) && Round(0x80000000) == 0f, "-0 keeps its sign");
        Assert.True(float.IsNaN(Round(0x7FC00000)));
    }

    [Fact]
    public void ParameterRoundingAndTheScalerWorkOnDeviceBuffersAsOnHostArrays()
    {
        TorchDevices.Register();
        var g = new Generator(5);
        var host = Tensor.Randn([4, 33], g);
        for (int i = 0; i < host.Numel; i++) host.Data[i] *= 1000f;
        var weights = host.Clone();
        var onDevice = host.To(TestDevice.Torch);
        var policy = PrecisionPolicy.Fp32.With(OpClass.MasterWeights, FloatFormat.Bf16).With(OpClass.Gradients, FloatFormat.Fp16);
        ParameterRounding.RoundWeights([weights], policy);
        ParameterRounding.RoundWeights([onDevice], policy);
        Assert.Equal(weights.Data, onDevice.ToArray());

        // Gradients (±1000·N(0,1), within fp16's range) on each device, rounded to fp16, then unscaled: the same values and verdict.
        var pHost = Tensor.Zeros(4, 33).RequiresGrad_();
        var pDevice = Tensor.Zeros(4, 33).To(TestDevice.Torch).RequiresGrad_();
        (pHost * 1f).Backward(host);
        (pDevice * 1f).Backward(host.To(TestDevice.Torch));
        ParameterRounding.RoundGradients([pHost], policy);
        ParameterRounding.RoundGradients([pDevice], policy);
        Assert.Equal(pHost.Grad!.Data, pDevice.Grad!.ToArray());
        GradScaler a = new(initScale: 1024f), b = new(initScale: 1024f);
        Assert.False(a.UnscaleAndCheck([pHost.Grad!]));
        Assert.False(b.UnscaleAndCheck([pDevice.Grad!]));
        Assert.Equal(pHost.Grad!.Data, pDevice.Grad!.ToArray());
        a.Update();
        b.Update();

        // One inf in one gradient: both report it (the step is skipped) and back off the same way.
        pHost.Grad!.Data[70] = float.PositiveInfinity;
        var withInf = pHost.Grad!.Clone();
        var deviceInf = withInf.To(TestDevice.Torch);
        Assert.True(a.UnscaleAndCheck([pHost.Grad!]));
        Assert.True(b.UnscaleAndCheck([pDevice.Grad!, deviceInf]));
        a.Update();
        b.Update();
        Assert.Equal(512f, a.CurrentScale);
        Assert.Equal(a.CurrentScale, b.CurrentScale);
        var nan = Tensor.FromArray([1f, float.NaN, 2f], 3).To(TestDevice.Torch);
        Assert.True(b.UnscaleAndCheck([nan]));
    }

    /// <summary>Ops under a 16-bit autocast policy on cpu and on torch-cpu: outputs and every input gradient.</summary>
    public static IEnumerable<object[]> AutocastCases() =>
        from name in new[] { "linear", "matmul_batched", "self_attention_causal", "mha_cross_mask", "softmax", "linear_cross_entropy", "cross_entropy" }
        from format in new[] { FloatFormat.Bf16, FloatFormat.Fp16 }
        select new object[] { name, format };

    static readonly Tensor CrossMask = AttentionMask.FromPadding(new IntTensor([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0], 2, 7));

    static Tensor AutocastOp(string name, Tensor[] x) => name switch
    {
        "linear" => F.Linear(x[0], x[1], x[2]),
        "matmul_batched" => x[0].MatMul(x[1]),
        "self_attention_causal" => F.SelfAttention(x[0], 3, isCausal: true),
        "mha_cross_mask" => F.MultiHeadAttention(x[0], x[1], x[2], 3, CrossMask.To(x[0].Device)),
        "softmax" => F.Softmax(x[0], -1),
        "linear_cross_entropy" => F.LinearCrossEntropy(x[0], x[1], x[2], new IntTensor([3, 0, 7, -100, 19, 2, 11, 5, 5, 1, -100, 8], 2, 6)),
        "cross_entropy" => F.CrossEntropy(x[0], new IntTensor([3, 0, 7, -100, 8, 2, 1, 5, 5, 1, 4, 8], 12)),
        _ => throw new ArgumentException(name),
    };

    static int[][] AutocastShapes(string name) => name switch
    {
        "linear" => [[2, 5, 16], [12, 16], [12]],
        "matmul_batched" => [[3, 4, 24], [3, 24, 5]],
        "self_attention_causal" => [[2, 6, 36]],
        "mha_cross_mask" => [[2, 5, 12], [2, 7, 12], [2, 7, 12]],
        "softmax" => [[3, 4, 10]],
        "linear_cross_entropy" => [[2, 6, 16], [20, 16], [20]],
        "cross_entropy" => [[12, 9]],
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(AutocastCases))]
    public void OpsUnderAutocastMatchTheManagedOpsWithinOne16BitRounding(string name, FloatFormat format)
    {
        TorchDevices.Register();
        var policy = format == FloatFormat.Bf16 ? PrecisionPolicy.Bf16Autocast : PrecisionPolicy.Fp16Autocast;
        var g = new Generator(Seed(name));
        var inputs = AutocastShapes(name).Select(s => Tensor.Randn(s, g)).ToArray();
        var onCpu = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var onDevice = inputs.Select(t => t.To(TestDevice.Torch).RequiresGrad_()).ToArray();
        Tensor outCpu, outDevice;
        using (Autocast.Enter(policy))
        {
            outCpu = AutocastOp(name, onCpu);
            outDevice = AutocastOp(name, onDevice);
        }
        // Both round at the same points with the same rounding; they differ where a float32 sum taken in another order
        // (a few ε apart) falls on the other side of a 16-bit rounding boundary: one ulp of the format at that value, 2^-8
        // relative in bf16 and 2^-11 in fp16, carried through at most one more product. Tolerance: 2 such ulps of the
        // largest magnitude, plus the float32 sums' 1e-5 relative. A missed rounding point shows as a difference of the
        // size of the rounding error itself at many elements (see the fp32-reference check below).
        double ulp = format == FloatFormat.Bf16 ? 1.0 / 256 : 1.0 / 2048;
        CompareScaled(Host(outCpu), Host(outDevice), $"{name} {format} output", ulp);
        var w = Tensor.Randn([.. outCpu.Shape], g);
        outCpu.Backward(w);
        outDevice.Backward(w);
        for (int k = 0; k < inputs.Length; k++)
            CompareScaled(onCpu[k].Grad!, Host(onDevice[k].Grad!), $"{name} {format} gradient of input {k}", ulp);

        // The rounding takes effect on the device: its result differs from its fp32 result by more than float32 sums taken
        // in another order would (~1e-6 relative); measured 1.3e-4 (the bf16 loss, where rounding errors average out) to 1e-2.
        Tensor fp32 = AutocastOp(name, inputs.Select(t => t.To(TestDevice.Torch)).ToArray());
        if (name is not ("softmax" or "cross_entropy"))   // softmax and the loss stay fp32 under autocast
        {
            double moved = MaxAbsDiff(Host(fp32), Host(outDevice));
            output.WriteLine($"{name} {format}: max |autocast - fp32| on the device {moved:G3}");
            Assert.True(moved > 1e-5 * MaxAbs(Host(fp32)), $"{name} {format}: the device result is the fp32 result; nothing was rounded");
        }
    }

    static Tensor Host(Tensor t) => new(t.ToArray(), [.. t.Shape]);
    static double MaxAbs(Tensor t) => t.Data.Max(v => Math.Abs((double)v));
    static double MaxAbsDiff(Tensor a, Tensor b) => a.Data.Zip(b.Data).Max(p => Math.Abs((double)p.First - p.Second));

    void CompareScaled(Tensor expected, Tensor actual, string what, double ulp)
    {
        double limit = 2 * ulp * MaxAbs(expected) + 1e-5 * MaxAbs(expected) + 1e-7;
        int same = expected.Data.Zip(actual.Data).Count(p => p.First == p.Second);
        double worst = MaxAbsDiff(expected, actual);
        output.WriteLine($"{what}: max |diff| {worst:G3} (limit {limit:G3}), {same}/{expected.Numel} bit-identical");
        Assert.True(worst <= limit, $"{what}: max |diff| {worst:G3} > {limit:G3}");
    }

    // ---- GPT on both devices ----

    internal static readonly GptConfig Config = new(VocabSize: 48, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);
    const int Batch = 4, Length = 12, Steps = 20;

    static (IntTensor Ids, IntTensor Targets) CountingBatch(Generator g)
    {
        int v = Config.VocabSize;
        int[] x = new int[Batch * Length], y = new int[Batch * Length];
        for (int b = 0; b < Batch; b++)
        {
            int start = g.NextInt(v);
            for (int t = 0; t < Length; t++) { x[b * Length + t] = (start + t) % v; y[b * Length + t] = (start + t + 1) % v; }
        }
        return (new IntTensor(x, Batch, Length), new IntTensor(y, Batch, Length));
    }

    /// <summary>
    /// 20 AdamW steps (clip 1) under <paramref name="policy"/>, as the Trainer does them: autocast forward, backward of the
    /// scaled loss, gradients rounded, unscale and check, clip, step unless an overflow was found, weights rounded.
    /// </summary>
    internal static (float[] Losses, bool[] Skipped, float[] Scales) Train(GptModel model, PrecisionPolicy policy, GradScaler? scaler,
        FloatFormat stateFormat = FloatFormat.Fp32)
    {
        var data = new Generator(11);
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0.1f) { StateFormat = stateFormat };
        var ps = model.Parameters().ToList();
        float[] losses = new float[Steps], scales = new float[Steps];
        var skipped = new bool[Steps];
        for (int s = 0; s < Steps; s++)
        {
            var (ids, targets) = CountingBatch(data);
            opt.ZeroGrad();
            Tensor loss;
            using (Autocast.Enter(policy)) loss = model.Loss(ids, targets);
            scales[s] = scaler?.CurrentScale ?? 1f;
            if (scaler != null) loss.Backward(Tensor.Scalar(scaler.CurrentScale).To(loss.Device));
            else loss.Backward();
            ParameterRounding.RoundGradients(ps, policy);
            skipped[s] = scaler != null && scaler.UnscaleAndCheck(ps.Where(p => p.Grad != null).Select(p => p.Grad!));
            if (!skipped[s])
            {
                GradientClipping.ClipGradNorm(ps, 1f);
                opt.Step();
                ParameterRounding.RoundWeights(ps, policy);
            }
            scaler?.Update();
            losses[s] = loss.Item();
        }
        return (losses, skipped, scales);
    }

    (float[] Cpu, float[] Device) TrainOnBoth(PrecisionPolicy policy, Func<GradScaler?> scaler, FloatFormat stateFormat, out bool[] skipped)
    {
        TorchDevices.Register();
        var cpu = Train(new GptModel(Config, new Generator(7)), policy, scaler(), stateFormat);
        var model = new GptModel(Config, new Generator(7));
        model.To(TestDevice.Torch);
        var dev = Train(model, policy, scaler(), stateFormat);
        for (int s = 0; s < Steps; s++)
            output.WriteLine($"step {s + 1,2}: cpu {cpu.Losses[s]:F7}  {TestDevice.Torch.Name} {dev.Losses[s]:F7}  |diff| {Math.Abs(cpu.Losses[s] - dev.Losses[s]):G3}"
                + (cpu.Skipped[s] || dev.Skipped[s] ? $"  skipped (cpu {cpu.Skipped[s]}, {TestDevice.Torch.Name} {dev.Skipped[s]}) at scale {cpu.Scales[s]}" : ""));
        Assert.Equal(cpu.Skipped, dev.Skipped);
        Assert.Equal(cpu.Scales, dev.Scales);
        skipped = cpu.Skipped;
        return (cpu.Losses, dev.Losses);
    }

    [Fact]
    public void GptUnderBf16AutocastTrainsTwentyStepsWithTheLossesOfCpu()
    {
        // AdamW's moments kept in bf16 too (16-bit optimiser state, rounded on the device by the same rounding).
        var (cpu, dev) = TrainOnBoth(PrecisionPolicy.Bf16Autocast, () => null, FloatFormat.Bf16, out _);
        AssertLossesAgree(cpu, dev, 1.0 / 256);
    }

    [Fact]
    public void GptUnderFp16AutocastWithAGradScalerSkipsTheSameOverflowStepsAsCpu()
    {
        // initScale 2^24: the scaled gradients of the first steps overflow fp16 (max 65504) in the 16-bit products, so
        // those steps are skipped and the scale backs off until it fits; growth every 4 clean steps makes it climb again.
        var (cpu, dev) = TrainOnBoth(PrecisionPolicy.Fp16Autocast, () => new GradScaler(initScale: 16777216f, growthInterval: 4),
            FloatFormat.Fp32, out var skipped);
        Assert.Contains(true, skipped);
        Assert.Contains(false, skipped);
        AssertLossesAgree(cpu, dev, 1.0 / 2048);
    }

    void AssertLossesAgree(float[] cpu, float[] dev, double ulp)
    {
        double worst = cpu.Zip(dev).Max(p => Math.Abs((double)p.First - p.Second));
        output.WriteLine($"max |diff| {worst:G3}");
        // The losses are fp32 sums over 48 positions of logits that went through 16-bit products: a logit rounded the
        // other way on one device moves its row's loss by about one 16-bit ulp of the logit (≤ 2^-8·|z| in bf16), and
        // AdamW carries the weights' differences forward. Allowed: half an ulp of the format at the loss (~3.8), i.e.
        // 0.0074 in bf16, 0.0009 in fp16; a missing rounding point or a wrong gradient moves the 20-step curve, which
        // falls by about 1, by far more.
        double limit = 0.5 * ulp * cpu.Max();
        Assert.True(worst <= limit, $"losses differ by up to {worst:G3} (> {limit:G3})");
        Assert.True(dev[^1] < dev[0] - 0.1, $"{TestDevice.Torch.Name} did not learn: {dev[0]} -> {dev[^1]}");
    }
}
