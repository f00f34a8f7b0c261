using System.Text.Json;
using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Xunit.Abstractions;

namespace Curriculum.Tests.Precision;

/// <summary>
/// The engine under an <see cref="Autocast"/> policy: bf16 products against PyTorch's CPU bf16 autocast (fixture from
/// tools/precision_fixtures/make_autocast_fixture.py), layer norm in bf16 and fp32 against a float64 layer norm, fp16
/// gradient underflow against the fp32 gradients (and IEEE fp16's smallest subnormal), and a GradScaler step.
/// </summary>
public class AutocastTests(ITestOutputHelper output)
{
    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    /// <summary>Spacing of bf16 values at |x| (the unit in the last place).</summary>
    static double Bf16Ulp(float x) => x == 0 ? FloatFormatInfo.Bf16.MinSubnormal : Math.ScaleB(1.0, Math.ILogB(x) - 7);

    /// <summary>Every element within one bf16 ulp of torch's, and most of them equal; returns the max |difference|.</summary>
    static double AssertWithinOneBf16Ulp(float[] expected, float[] actual, string what, double exactShare = 0.9)
    {
        Assert.Equal(expected.Length, actual.Length);
        int exact = 0;
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (d == 0) exact++;
            max = Math.Max(max, d);
            Assert.True(d <= Bf16Ulp(expected[i]), $"{what}[{i}]: {actual[i]:R}, torch {expected[i]:R} (bf16 ulp {Bf16Ulp(expected[i]):G3})");
        }
        Assert.True(exact >= exactShare * expected.Length, $"{what}: only {exact} of {expected.Length} equal to torch's");
        return max;
    }

    [Fact]
    public void LinearMatchesTorchBf16Autocast()
    {
        var f = PrecisionFixtures.Load("autocast.json").GetProperty("linear");
        var x = new Tensor(Floats(f.GetProperty("x")), 16, 48).RequiresGrad_();
        var w = new Tensor(Floats(f.GetProperty("weight")), 24, 48).RequiresGrad_();
        var b = new Tensor(Floats(f.GetProperty("bias")), 24).RequiresGrad_();
        var dy = new Tensor(Floats(f.GetProperty("dy")), 16, 24);
        var torchY = Floats(f.GetProperty("y"));
        Tensor y;
        using (Autocast.Enter(PrecisionPolicy.Bf16Autocast)) y = F.Linear(x, w, b);
        y.Backward(dy);
        foreach (float v in y.Data) Assert.Equal(v, FloatRounding.Round(v, FloatFormat.Bf16));   // bf16 values
        AssertWithinOneBf16Ulp(torchY, y.Data, "y");
        AssertWithinOneBf16Ulp(Floats(f.GetProperty("x_grad")), x.Grad!.Data, "x.grad");
        AssertWithinOneBf16Ulp(Floats(f.GetProperty("weight_grad")), w.Grad!.Data, "weight.grad");
        AssertWithinOneBf16Ulp(Floats(f.GetProperty("bias_grad")), b.Grad!.Data, "bias.grad");
        // Without autocast the fp32 product is far from torch's bf16 one: the emulation is what makes them agree.
        var fp32 = F.Linear(x.Detach(), w.Detach(), b.Detach());
        Assert.Contains(Enumerable.Range(0, torchY.Length), i => Math.Abs(fp32.Data[i] - torchY[i]) > Bf16Ulp(torchY[i]));
    }

    [Fact]
    public void BatchedMatMulMatchesTorchBf16Autocast()
    {
        var f = PrecisionFixtures.Load("autocast.json").GetProperty("matmul");
        var a = new Tensor(Floats(f.GetProperty("a")), 2, 3, 8, 16);
        var b = new Tensor(Floats(f.GetProperty("b")), 2, 3, 16, 8);
        Tensor y;
        using (Autocast.Enter(PrecisionPolicy.Bf16Autocast)) y = F.MatMul(a, b);
        AssertWithinOneBf16Ulp(Floats(f.GetProperty("y")), y.Data, "a @ b");
    }

    [Fact]
    public void LayerNormInBf16AgainstFloat64()
    {
        // Rows of N(μ, 1): the float64 formula is the reference. fp32 agrees to ~1e-6; bf16 (8 significant bits) loses
        // about eps_bf16 = 2^-7 relative on centred rows, and far more with an offset μ = 40, whose spacing in bf16
        // (0.25) swamps the unit-scale variation before the mean is even taken.
        const int rows = 64, c = 256;
        double MaxError(float mu, PrecisionPolicy policy)
        {
            var x = Tensor.Randn([rows, c], new Generator(4));
            for (int i = 0; i < x.Numel; i++) x.Data[i] += mu;
            Tensor y;
            using (Autocast.Enter(policy)) y = F.LayerNorm(x, null, null);
            double max = 0;
            for (int r = 0; r < rows; r++)
            {
                double m = 0, v = 0;
                for (int j = 0; j < c; j++) m += x.Data[r * c + j];
                m /= c;
                for (int j = 0; j < c; j++) v += (x.Data[r * c + j] - m) * (x.Data[r * c + j] - m);
                double s = 1 / Math.Sqrt(v / c + 1e-5);
                for (int j = 0; j < c; j++) max = Math.Max(max, Math.Abs((x.Data[r * c + j] - m) * s - y.Data[r * c + j]));
            }
            return max;
        }
        var bf16 = PrecisionPolicy.Fp32.With(OpClass.LayerNorm, FloatFormat.Bf16);
        double fp32Centred = MaxError(0, PrecisionPolicy.Fp32), bf16Centred = MaxError(0, bf16);
        double fp32Offset = MaxError(40, PrecisionPolicy.Fp32), bf16Offset = MaxError(40, bf16);
        output.WriteLine($"max |error| vs float64: centred fp32 {fp32Centred:G3} bf16 {bf16Centred:G3}; offset 40: fp32 {fp32Offset:G3} bf16 {bf16Offset:G3}");
        Assert.True(fp32Centred < 1e-5 && fp32Offset < 1e-4, "fp32 layer norm should match float64 to single precision");
        double eps = FloatFormatInfo.Bf16.Epsilon;
        Assert.InRange(bf16Centred, eps / 8, 6 * eps);          // a few bf16 ulps of |y| <= ~4
        Assert.True(bf16Offset > 0.05, $"bf16 input at offset 40 should lose the row's detail, error {bf16Offset}");
    }

    [Fact]
    public void Fp16LinearGradientsBelowHalfTheSmallestSubnormalVanishAndLossScalingKeepsThem()
    {
        // dY = 2e-8 < 2^-25 (half of fp16's smallest subnormal 2^-24 ≈ 5.96e-8) rounds to 0 in fp16: dW = dYᵀX is all zero.
        // Scaled by 2^16 it is 1.3e-3, a normal fp16 value; after unscaling dW matches fp32 to fp16 precision.
        var x = Tensor.Randn([8, 16], new Generator(1));
        Tensor W() => Tensor.Randn([4, 16], new Generator(2)).RequiresGrad_();
        var dy = Tensor.Full(2e-8f, 8, 4);
        var reference = W();
        F.Linear(x, reference).Backward(dy);
        var unscaled = W();
        using (Autocast.Enter(PrecisionPolicy.Fp16Autocast)) F.Linear(x, unscaled).Backward(dy);
        Assert.All(unscaled.Grad!.Data, v => Assert.Equal(0f, v));
        var scaler = new GradScaler();
        var scaled = W();
        using (Autocast.Enter(PrecisionPolicy.Fp16Autocast)) F.Linear(x, scaled).Backward(dy * scaler.Scale(1f));
        Assert.False(scaler.UnscaleAndCheck([scaled.Grad!.Data.AsMemory()]));
        for (int i = 0; i < reference.Numel; i++)
            Assert.True(Math.Abs(scaled.Grad.Data[i] - reference.Grad!.Data[i]) <= 4e-3 * Math.Abs(reference.Grad.Data[i]) + 1e-12,
                $"dW[{i}] {scaled.Grad.Data[i]:G6} vs fp32 {reference.Grad.Data[i]:G6}");
    }

    /// <summary>Parameter gradients of one GPT step: under fp32, or under fp16 autocast with the backward seed = scale.</summary>
    static List<float[]> GptGradients(PrecisionPolicy policy, GradScaler? scaler, int seed)
    {
        var model = new GptModel(GptConfig.Nano, new Generator((ulong)seed));
        var data = new Generator((ulong)seed + 100);
        var ids = IntTensor.RandInt(GptConfig.Nano.VocabSize, [4, GptConfig.Nano.MaxPositions], data);
        var targets = IntTensor.RandInt(GptConfig.Nano.VocabSize, [4, GptConfig.Nano.MaxPositions], data);
        Tensor loss;
        using (Autocast.Enter(policy)) loss = model.Loss(ids, targets);
        loss.Backward(Tensor.Scalar(scaler?.Scale(1f) ?? 1f));
        var ps = model.Parameters().ToList();
        ParameterRounding.RoundGradients(ps, policy);
        if (scaler != null) Assert.False(scaler.UnscaleAndCheck(ps.Select(p => p.Grad!.Data.AsMemory())), "no overflow expected at 2^16");
        return ps.Select(p => p.Grad!.Data).ToList();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Fp16AutocastLosesGptGradientsToUnderflowUnlessScaled(int seed)
    {
        var reference = GptGradients(PrecisionPolicy.Fp32, null, seed);
        var unscaled = GptGradients(PrecisionPolicy.Fp16Autocast, null, seed);
        var scaled = GptGradients(PrecisionPolicy.Fp16Autocast, new GradScaler(), seed);
        // Counted over gradients that are nonzero in fp32: flushed to zero, and the error of those below fp16's smallest
        // normal (2^-14 ≈ 6.1e-5), which fp16 holds as subnormals with fewer significant bits.
        long total = 0, tiny = 0, lostUnscaled = 0, lostScaled = 0;
        double tinySum = 0, tinyErrUnscaled = 0, tinyErrScaled = 0;
        double minNormal = FloatFormatInfo.Fp16.MinNormal;
        for (int p = 0; p < reference.Count; p++)
            for (int i = 0; i < reference[p].Length; i++)
            {
                float r = reference[p][i];
                if (r == 0) continue;
                total++;
                if (unscaled[p][i] == 0) lostUnscaled++;
                if (scaled[p][i] == 0) lostScaled++;
                if (Math.Abs(r) >= minNormal) continue;
                tiny++;
                tinySum += Math.Abs(r);
                tinyErrUnscaled += Math.Abs(unscaled[p][i] - r);
                tinyErrScaled += Math.Abs(scaled[p][i] - r);
            }
        output.WriteLine($"seed {seed}: {total} nonzero fp32 gradients, {tiny} below fp16's smallest normal; zero in fp16: " +
            $"{lostUnscaled} unscaled, {lostScaled} with loss scaling; relative error of the small ones {tinyErrUnscaled / tinySum:G3} unscaled, {tinyErrScaled / tinySum:G3} scaled");
        Assert.True(lostUnscaled >= 10, $"expected gradients flushed to zero by fp16 underflow, got {lostUnscaled} of {total}");
        Assert.Equal(0, lostScaled);
        Assert.True(tinyErrUnscaled > 2 * tinyErrScaled, "loss scaling should make the small gradients more accurate");
    }

    [Fact]
    public void GradScalerSkipsOverflowingStepsAndBacksOffUntilTheStepFits()
    {
        // A scale of 2^40 overflows fp16 (max 65504) in backward: the step is skipped, parameters unchanged, scale halved.
        var model = new GptModel(GptConfig.Nano, new Generator(3));
        var ps = model.Parameters().ToList();
        var opt = new AdamW(ps, lr: 1e-3f);
        var scaler = new GradScaler(initScale: MathF.Pow(2, 40));
        var data = new Generator(4);
        var ids = IntTensor.RandInt(GptConfig.Nano.VocabSize, [2, 32], data);
        var targets = IntTensor.RandInt(GptConfig.Nano.VocabSize, [2, 32], data);
        int skipped = 0;
        for (int step = 0; step < 40; step++)
        {
            var before = ps[0].ToArray();
            float scale = scaler.CurrentScale;
            opt.ZeroGrad();
            Tensor loss;
            using (Autocast.Enter(PrecisionPolicy.Fp16Autocast)) loss = model.Loss(ids, targets);
            loss.Backward(Tensor.Scalar(scaler.Scale(1f)));
            bool skip = scaler.UnscaleAndCheck(ps.Where(p => p.Grad != null).Select(p => p.Grad!.Data.AsMemory()));
            if (!skip) opt.Step();
            scaler.Update();
            if (!skip) break;
            skipped++;
            Assert.Equal(before, ps[0].Data);
            Assert.Equal(scale / 2, scaler.CurrentScale);
        }
        output.WriteLine($"{skipped} skipped steps; first applied at scale 2^{Math.Log2(scaler.CurrentScale)}");
        Assert.InRange(skipped, 1, 39);   // a step went through once the scale had backed off enough
    }

    [Fact]
    public void EveryOpClassSwitchedToBf16StoresBf16Values()
    {
        // A pre-LN block with the residual stream, softmax and layer norm switched to bf16 one at a time: its output (the
        // residual stream) holds bf16 values exactly when Residual is bf16, and stays within bf16's precision of fp32.
        var block = new Curriculum.NN.TransformerBlock(32, 4, 64, generator: new Generator(1));
        var x = Tensor.Randn([2, 8, 32], new Generator(2));
        var reference = block.Forward(x, isCausal: true).ToArray();
        foreach (var op in new[] { OpClass.Residual, OpClass.Softmax, OpClass.LayerNorm, OpClass.MatMulInput })
        {
            Tensor y;
            using (Autocast.Enter(PrecisionPolicy.Fp32.With(op, FloatFormat.Bf16))) y = block.Forward(x, isCausal: true);
            bool allBf16 = y.Data.All(v => v == FloatRounding.Round(v, FloatFormat.Bf16));
            Assert.Equal(op == OpClass.Residual, allBf16);
            double maxRel = 0;
            for (int i = 0; i < y.Numel; i++) maxRel = Math.Max(maxRel, Math.Abs(y.Data[i] - reference[i]) / (Math.Abs(reference[i]) + 1));
            output.WriteLine($"{op} in bf16: max relative difference {maxRel:G3}");
            Assert.True(maxRel > 0 && maxRel < 16 * FloatFormatInfo.Bf16.Epsilon, $"{op}: {maxRel}");
        }
    }

    [Fact]
    public void Fp32PolicyChangesNothingAndA16BitAccumulatorIsRefused()
    {
        var x = Tensor.Randn([5, 7], new Generator(1));
        var w = Tensor.Randn([3, 7], new Generator(2));
        var plain = F.Linear(x, w).ToArray();
        using (Autocast.Enter(PrecisionPolicy.Fp32)) Assert.Equal(plain, F.Linear(x, w).Data);
        Assert.Same(PrecisionPolicy.Fp32, Autocast.Policy);
        Assert.Throws<NotSupportedException>(() => Autocast.Enter(PrecisionPolicy.Fp16Everywhere));
    }
}
