using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Xunit.Abstractions;

namespace Curriculum.Tests.Checkpointing;

/// <summary>
/// Gradient checkpointing per block against the same model run without it (the reference: the plain autograd graph):
/// loss, every gradient and the parameters after AdamW steps are bit for bit the same, with dropout (the recomputation
/// replays the masks) and under a bf16 policy; the measured activation memory falls as
/// <see cref="MemoryAccounting"/> predicts from PyTorch's saved tensors.
/// </summary>
// Serial: the activation-memory probe reads the whole process's live heap.
[Collection(ProcessStateCollection.Name)]
public class CheckpointingTests(ITestOutputHelper output)
{
    static readonly GptConfig Gpt = new(96, 24, 48, 3, 4, 96, Dropout: 0.1f);
    static readonly BenchmarkEncoderConfig Encoder = new(97, 19, 48, 2, 3, 80, 2);

    static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} with checkpointing, {expected[i]:R} without.");
    }

    /// <summary>Losses of <paramref name="steps"/> AdamW steps, and the model afterwards (its gradients from the last step).</summary>
    static (List<float> Losses, Module Model) TrainGpt(bool checkpointing, int steps, PrecisionPolicy policy)
    {
        var gen = new Generator(7);                    // initialisation, then every dropout mask
        var model = new GptModel(Gpt, gen);
        Assert.Equal(checkpointing ? Gpt.Layers : 0, checkpointing ? GradientCheckpointing.Enable(model) : 0);
        var opt = new AdamW(model.Parameters(), lr: 1e-2f);
        var data = new Generator(11);
        var losses = new List<float>();
        for (int s = 0; s < steps; s++)
        {
            var ids = IntTensor.RandInt(Gpt.VocabSize, [3, Gpt.MaxPositions], data);
            var targets = IntTensor.RandInt(Gpt.VocabSize, [3, Gpt.MaxPositions], data);
            opt.ZeroGrad();
            Tensor loss;
            using (Autocast.Enter(policy)) loss = model.Loss(ids, targets);
            loss.Backward();
            losses.Add(loss.Item());
            if (s < steps - 1) opt.Step();
        }
        return (losses, model);
    }

    [Fact]
    public void GptWithDropoutHasBitIdenticalGradientsOverSteps()
    {
        var (plainLosses, plain) = TrainGpt(false, 3, PrecisionPolicy.Fp32);
        var (ckptLosses, ckpt) = TrainGpt(true, 3, PrecisionPolicy.Fp32);
        AssertBitIdentical(plainLosses.ToArray(), ckptLosses.ToArray(), "losses");
        var a = plain.NamedParameters().ToList();
        var b = ckpt.NamedParameters().ToList();
        for (int i = 0; i < a.Count; i++)
        {
            AssertBitIdentical(a[i].Parameter.Data, b[i].Parameter.Data, "parameter " + a[i].Name);
            AssertBitIdentical(a[i].Parameter.Grad!.Data, b[i].Parameter.Grad!.Data, "gradient of " + a[i].Name);
        }
        // Dropout was active: without it the losses of a fixed model would not depend on the generator.
        Assert.True(plain.Training);
    }

    [Fact]
    public void GptUnderBf16AutocastHasBitIdenticalGradients()
    {
        var (_, plain) = TrainGpt(false, 1, PrecisionPolicy.Bf16Autocast);
        var (_, ckpt) = TrainGpt(true, 1, PrecisionPolicy.Bf16Autocast);
        var a = plain.NamedParameters().ToList();
        var b = ckpt.NamedParameters().ToList();
        for (int i = 0; i < a.Count; i++) AssertBitIdentical(a[i].Parameter.Grad!.Data, b[i].Parameter.Grad!.Data, "gradient of " + a[i].Name);
    }

    [Fact]
    public void BenchmarkEncoderHasBitIdenticalGradients()
    {
        var gen = new Generator(3);
        var x = IntTensor.RandInt(Encoder.Vocab, [Encoder.Batch, Encoder.Context], gen);
        var y = IntTensor.RandInt(Encoder.Vocab, [Encoder.Batch, Encoder.Context], gen);
        var plain = new BenchmarkEncoder(Encoder, new Generator(5));
        var ckpt = new BenchmarkEncoder(Encoder, new Generator(5));
        Assert.Equal(Encoder.Layers, GradientCheckpointing.Enable(ckpt));
        var l1 = plain.Loss(x, y);
        var l2 = ckpt.Loss(x, y);
        l1.Backward();
        l2.Backward();
        AssertBitIdentical([l1.Item()], [l2.Item()], "loss");
        var a = plain.NamedParameters().ToList();
        var b = ckpt.NamedParameters().ToList();
        for (int i = 0; i < a.Count; i++) AssertBitIdentical(a[i].Parameter.Grad!.Data, b[i].Parameter.Grad!.Data, "gradient of " + a[i].Name);
    }

    /// <summary>
    /// Loss and gradients of one forward and backward of a fresh model (seeded), plain and checkpointed. The loss is
    /// bit-identical; so are the gradients unless <paramref name="relativeTolerance"/> is given: a tensor several
    /// checkpointed blocks read (T5's encoder output, read by every decoder block, and its position bias) gets each
    /// block's gradient summed inside the block first, a different grouping of the same float additions.
    /// </summary>
    static void AssertSameLossAndGradients(Func<Module> build, Func<Module, Tensor> loss, int blocks, double? relativeTolerance = null)
    {
        var plain = build();
        var ckpt = build();
        Assert.Equal(blocks, GradientCheckpointing.Enable(ckpt));
        var l1 = loss(plain);
        var l2 = loss(ckpt);
        l1.Backward();
        l2.Backward();
        AssertBitIdentical([l1.Item()], [l2.Item()], "loss");
        var a = plain.NamedParameters().ToList();
        var b = ckpt.NamedParameters().ToList();
        for (int i = 0; i < a.Count; i++)
        {
            Assert.NotNull(a[i].Parameter.Grad);
            float[] ga = a[i].Parameter.Grad!.Data, gb = b[i].Parameter.Grad!.Data;
            if (relativeTolerance is not double tol) { AssertBitIdentical(ga, gb, "gradient of " + a[i].Name); continue; }
            double scale = ga.Max(Math.Abs), worst = ga.Zip(gb, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(scale > 0, $"gradient of {a[i].Name} is zero");
            Assert.True(worst <= tol * scale, $"gradient of {a[i].Name}: largest difference {worst:G3}, {worst / scale:G3} of its largest element");
        }
    }

    [Fact]
    public void PostLnBertWithDropoutAndPaddingHasBitIdenticalGradients()
    {
        var cfg = new BertConfig(61, 17, 24, 2, 3, 40, Dropout: 0.1f);
        var data = new Generator(4);
        var ids = IntTensor.RandInt(cfg.VocabSize, [3, cfg.MaxPositions], data);
        var mask = new IntTensor(Enumerable.Range(0, 3 * cfg.MaxPositions).Select(i => i % cfg.MaxPositions < 17 - 5 * (i / cfg.MaxPositions) ? 1 : 0).ToArray(), 3, cfg.MaxPositions);
        var labels = IntTensor.RandInt(cfg.VocabSize, [3, cfg.MaxPositions], data);
        AssertSameLossAndGradients(() => new BertForPreTraining(cfg, new Generator(9)),
            m => ((BertForPreTraining)m).Forward(ids, null, mask, labels, [0, 1, 1]).Loss, cfg.Layers);
    }

    [Fact]
    public void BertWithRelativePositionsHasTheSameGradientsToRounding()
    {
        var cfg = new BertConfig(61, 17, 24, 2, 3, 40, Dropout: 0.1f, Norm: NormPlacement.PreLn, Positions: PositionEncoding.RelativeBias,
            EmbeddingLayerNorm: false, MlmHeadTransform: false);
        var data = new Generator(4);
        var ids = IntTensor.RandInt(cfg.VocabSize, [3, cfg.MaxPositions], data);
        var mask = new IntTensor(Enumerable.Range(0, 3 * cfg.MaxPositions).Select(i => i % cfg.MaxPositions < 17 - 5 * (i / cfg.MaxPositions) ? 1 : 0).ToArray(), 3, cfg.MaxPositions);
        var labels = IntTensor.RandInt(cfg.VocabSize, [3, cfg.MaxPositions], data);
        // The bias is read by both checkpointed blocks, as T5's is: its gradient is grouped differently (see above).
        AssertSameLossAndGradients(() => new BertForPreTraining(cfg, new Generator(9)),
            m => ((BertForPreTraining)m).Forward(ids, null, mask, labels, [0, 1, 1]).Loss, cfg.Layers, relativeTolerance: 1e-5);
    }

    [Fact]
    public void T5WithDropoutAndPaddingHasTheSameGradientsToRounding()
    {
        var cfg = new T5Config(53, 24, 2, 2, 3, 40, NumBuckets: 8, MaxDistance: 16, Dropout: 0.1f);
        var data = new Generator(6);
        var ids = IntTensor.RandInt(cfg.VocabSize, [2, 13], data);
        var mask = new IntTensor(Enumerable.Range(0, 26).Select(i => i < 13 || i % 13 < 9 ? 1 : 0).ToArray(), 2, 13);
        var decoderIds = IntTensor.RandInt(cfg.VocabSize, [2, 7], data);
        var labels = IntTensor.RandInt(cfg.VocabSize, [2, 7], data);
        AssertSameLossAndGradients(() => new T5Model(cfg, new Generator(9)),
            m => ((T5Model)m).Loss(ids, mask, decoderIds, labels), cfg.EncoderLayers + cfg.DecoderLayers, relativeTolerance: 1e-5);
    }

    [Fact]
    public void RecomputationRestoresTheGeneratorAndPassesGradientsToInputs()
    {
        // y = dropout(x·w) checkpointed: dy/dx against the uncheckpointed op, and the stream continues as without it.
        var w = Tensor.Randn([6, 5], new Generator(1)).RequiresGrad_();
        // A generator of the test's own: Generator.Default is shared with tests running in parallel.
        var g1 = new Generator(3);
        Tensor Fn(Tensor[] t) => F.Dropout(F.MatMul(t[0], w), 0.5f, true, g1);
        Tensor Run(bool ckpt, Generator g, out Tensor x)
        {
            x = Tensor.Randn([4, 6], new Generator(2)).RequiresGrad_();
            var input = x;
            var y = ckpt ? Checkpoint.Run(Fn, [input], [w], g) : Fn([input]);
            return y;
        }
        var start = g1.GetState();
        var y1 = Run(false, g1, out var x1);
        var after1 = g1.GetState();
        y1.Sum().Backward();
        var gw1 = w.Grad!.ToArray();
        w.ZeroGrad();
        g1.SetState(start);
        var y2 = Run(true, g1, out var x2);
        Assert.Equal(after1, g1.GetState());
        y2.Sum().Backward();
        Assert.Equal(after1, g1.GetState());   // backward's replay put the stream back
        AssertBitIdentical(y1.Data, y2.Data, "output");
        AssertBitIdentical(x1.Grad!.Data, x2.Grad!.Data, "input gradient");
        AssertBitIdentical(gw1, w.Grad!.Data, "weight gradient");
    }

    [Fact]
    public void MeasuredActivationMemoryFallsAsTheEstimatePredicts()
    {
        // Saved activations of one step, measured as live bytes after the forward pass (and during the recomputation),
        // against MemoryAccounting's count of what PyTorch saves for this model.
        var cfg = new BenchmarkEncoderConfig(1024, 64, 64, 4, 4, 256, 8);
        var shape = new TransformerShape(cfg.Vocab, cfg.Context, cfg.Dim, cfg.Layers, cfg.Heads, cfg.Ffn, cfg.Batch);
        long Peak(bool ckpt)
        {
            var model = new BenchmarkEncoder(cfg, new Generator(1));
            GradientCheckpointing.Enable(model, ckpt);
            var gen = new Generator(2);
            var x = IntTensor.RandInt(cfg.Vocab, [cfg.Batch, cfg.Context], gen);
            var y = IntTensor.RandInt(cfg.Vocab, [cfg.Batch, cfg.Context], gen);
            model.Loss(x, y).Backward();                  // gradients exist before the baseline: model state, not activations
            using var probe = ActivationMemoryProbe.Start();
            var loss = model.Loss(x, y);
            probe.Sample();
            loss.Backward();
            Assert.Equal(ckpt ? 1 + cfg.Layers : 1, probe.SampleCount);
            GC.KeepAlive(model);
            return probe.PeakBytes;
        }
        // Live bytes are counted process-wide: another thread's allocations (a browser's pipe reader left by an earlier
        // test) can only add to a sample, so the least of three runs is the step's own memory.
        long plain = Enumerable.Range(0, 3).Min(_ => Peak(false)), ckpt = Enumerable.Range(0, 3).Min(_ => Peak(true));
        var estimate = MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp32);
        var estimateCkpt = MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp32, checkpointing: true);
        long estCkptPeak = Math.Max(estimateCkpt.Activations, estimateCkpt.Activations - MemoryAccounting.HeadItems(shape, PrecisionPolicy.Fp32).Sum(i => i.Bytes) + estimateCkpt.RecomputedActivations);
        output.WriteLine($"measured {plain / 1e6:F2} MB, checkpointed {ckpt / 1e6:F2} MB; estimate {estimate.Activations / 1e6:F2} MB, checkpointed {estCkptPeak / 1e6:F2} MB");
        Assert.InRange((double)plain / estimate.Activations, 0.8, 1.3);
        Assert.InRange((double)ckpt / estCkptPeak, 0.8, 1.5);
        Assert.True(ckpt < 0.6 * plain, $"checkpointing kept {ckpt} of {plain} bytes");
    }
}
