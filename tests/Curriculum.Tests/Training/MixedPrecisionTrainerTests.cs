using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>
/// <see cref="TrainerOptions.Precision"/> and <see cref="TrainerOptions.LossScaler"/>: the trainer's step under each
/// policy equals a loop written out by hand in PyTorch's order (autocast forward, scaled backward, gradient rounding,
/// unscale and check, clipping of the unscaled gradients, the optimiser step unless an overflow was found, the scaler's
/// update, weight rounding), bit for bit; an fp16 run resumes exactly, loss scale included; a checkpoint of another
/// policy is refused; 16-bit master weights keep AdamW's moments in their format.
/// </summary>
public class MixedPrecisionTrainerTests
{
    const float Lr = 1e-2f, MaxNorm = 1f;

    sealed record Run(List<double> Losses, List<bool> Updated, List<double?> Scales, float[] Weights);

    /// <summary>The reference: the step written out with the library's pieces, no trainer.</summary>
    static Run HandLoop(PrecisionPolicy policy, GradScaler? scaler, int steps, int accumulation = 1)
    {
        var model = new TinyLm();
        var source = new IndexedBatchSource(4, 8);
        var ps = model.Parameters().ToList();
        var opt = new AdamW(ps, lr: Lr);
        if (policy.FormatFor(OpClass.MasterWeights) != FloatFormat.Fp32)
        {
            ParameterRounding.RoundWeights(ps, policy);
            opt.StateFormat = policy.FormatFor(OpClass.MasterWeights);
        }
        var run = new Run([], [], [], []);
        int batch = 0;
        for (int s = 0; s < steps; s++)
        {
            opt.ZeroGrad();
            float scale = scaler?.CurrentScale ?? 1f;
            double loss = 0;
            for (int i = 0; i < accumulation; i++)
            {
                var b = source[batch++];
                Tensor l;
                using (Autocast.Enter(policy)) l = model.Loss(b.Inputs, b.Targets);
                loss += l.Item() / accumulation;
                var micro = accumulation > 1 ? F.Scale(l, 1f / accumulation) : l;
                micro.Backward(Tensor.Scalar(scale));
            }
            ParameterRounding.RoundGradients(ps, policy);
            bool skip = scaler != null && scaler.UnscaleAndCheck(ps.Where(p => p.Grad != null).Select(p => new Memory<float>(p.Grad!.Data)));
            GradientClipping.ClipGradNorm(ps, MaxNorm);
            if (!skip) opt.Step();
            scaler?.Update();
            ParameterRounding.RoundWeights(ps, policy);
            run.Losses.Add(loss);
            run.Updated.Add(!skip);
            run.Scales.Add(scaler == null ? null : scale);
        }
        return run with { Weights = TrainingFixtures.Flat(model) };
    }

    static Trainer<IndexedBatch> Trainer(TinyLm model, TrainerOptions options) =>
        TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8), options with { MaxGradNorm = MaxNorm });

    static Run Train(TrainerOptions options, int steps, List<TrainingIncident>? incidents = null)
    {
        var model = new TinyLm();
        using var t = Trainer(model, options with { TotalSteps = steps });
        var run = new Run([], [], [], []);
        t.StepCompleted += m => { run.Losses.Add(m.Loss); run.Updated.Add(m.Updated); run.Scales.Add(m.LossScale); };
        if (incidents != null) t.IncidentRaised += incidents.Add;
        t.Run();
        return run with { Weights = TrainingFixtures.Flat(model) };
    }

    static void AssertSame(Run expected, Run actual)
    {
        Assert.Equal(expected.Losses, actual.Losses);     // exact double equality, step by step
        Assert.Equal(expected.Updated, actual.Updated);
        Assert.Equal(expected.Scales, actual.Scales);
        Assert.Equal(expected.Weights, actual.Weights);   // exact float equality
    }

    static bool Representable(float v, FloatFormat format) => BitConverter.SingleToInt32Bits(FloatRounding.Round(v, format)) == BitConverter.SingleToInt32Bits(v);

    [Fact]
    public void Fp32PolicyIsThePlainStepBitForBit()
    {
        var without = Train(new TrainerOptions { TotalSteps = 1 }, 5);
        var with = Train(new TrainerOptions { TotalSteps = 1, Precision = PrecisionPolicy.Fp32 }, 5);
        var hand = HandLoop(PrecisionPolicy.Fp32, null, 5);
        AssertSame(hand, without);
        AssertSame(hand, with);
        Assert.All(with.Scales, s => Assert.Null(s));
        Assert.True(with.Losses[^1] < with.Losses[0] - 0.1, $"the run learns: {with.Losses[0]} -> {with.Losses[^1]}");
    }

    [Fact]
    public void Bf16AutocastEqualsTheHandWrittenLoopAndDiffersFromFp32()
    {
        var hand = HandLoop(PrecisionPolicy.Bf16Autocast, null, 5);
        var trainer = Train(new TrainerOptions { TotalSteps = 1, Precision = PrecisionPolicy.Bf16Autocast }, 5);
        AssertSame(hand, trainer);
        Assert.All(trainer.Scales, s => Assert.Null(s));     // bf16 needs no loss scaling: no scaler is made

        // The policy did something: bf16 matrix products change every loss, but only in the 3rd significant digit.
        var fp32 = HandLoop(PrecisionPolicy.Fp32, null, 5);
        for (int s = 0; s < 5; s++)
        {
            Assert.NotEqual(fp32.Losses[s], trainer.Losses[s]);
            Assert.Equal(fp32.Losses[s], trainer.Losses[s], 0.02 * fp32.Losses[s]);
        }
    }

    [Fact]
    public void Fp16AutocastGetsPyTorchsDefaultScalerAndEqualsTheHandWrittenLoop()
    {
        var model = new TinyLm();
        using (var t = Trainer(model, new TrainerOptions { TotalSteps = 4, Precision = PrecisionPolicy.Fp16Autocast }))
        {
            Assert.NotNull(t.LossScaler);
            Assert.Equal(65536f, t.LossScaler!.CurrentScale);   // torch.amp.GradScaler(init_scale=2**16)
            Assert.Equal(2000, t.LossScaler.GrowthInterval);
        }
        var hand = HandLoop(PrecisionPolicy.Fp16Autocast, new GradScaler(), 4, accumulation: 2);
        var trainer = Train(new TrainerOptions { TotalSteps = 1, AccumulationSteps = 2, Precision = PrecisionPolicy.Fp16Autocast }, 4);
        AssertSame(hand, trainer);
        Assert.All(trainer.Updated, Assert.True);
        Assert.All(trainer.Scales, s => Assert.Equal(65536.0, s));
    }

    [Fact]
    public void OverflowingScaledGradientsSkipTheUpdateBackOffAndDoNotCountAsDivergence()
    {
        // 2^32 overflows fp16 (max 65504) in the first backward; the backoff 2^-16 brings the scale to 2^16, which does not.
        // Growth every 2 clean steps doubles it until it overflows again.
        GradScaler Scaler() => new(initScale: 4294967296f, backoffFactor: 1f / 65536, growthInterval: 2);
        var hand = HandLoop(PrecisionPolicy.Fp16Autocast, Scaler(), 8);

        var model = new TinyLm();
        var initial = TrainingFixtures.Flat(model);
        var incidents = new List<TrainingIncident>();
        var weightsAfter = new List<float[]>();
        var scaler = Scaler();
        using var t = Trainer(model, new TrainerOptions
        {
            TotalSteps = 8, Precision = PrecisionPolicy.Fp16Autocast, LossScaler = scaler,
            MaxNonFiniteSteps = 1,   // an overflow counted as divergence would stop the run at once
        });
        Assert.Same(scaler, t.LossScaler);
        var run = new Run([], [], [], []);
        t.StepCompleted += m => { run.Losses.Add(m.Loss); run.Updated.Add(m.Updated); run.Scales.Add(m.LossScale); weightsAfter.Add(TrainingFixtures.Flat(model)); };
        t.IncidentRaised += incidents.Add;

        var first = t.TrainStep()!;
        Assert.False(first.Updated);
        Assert.True(double.IsFinite(first.Loss));
        Assert.False(double.IsFinite(first.GradNorm));
        Assert.Equal(4294967296.0, first.LossScale);
        Assert.Equal(65536f, scaler.CurrentScale);            // backed off
        Assert.Equal(0, scaler.GrowthTracker);
        Assert.Equal(initial, weightsAfter[0]);               // no update
        Assert.Equal(IncidentKind.GradientOverflow, Assert.Single(incidents).Kind);
        Assert.Contains("overflowed at scale 4294967296", incidents[0].Detail);
        Assert.Contains("scale now 65536", incidents[0].Detail);

        t.Run();
        AssertSame(hand, run with { Weights = TrainingFixtures.Flat(model) });
        string trace = string.Join(", ", run.Updated) + " / " + string.Join(", ", run.Scales);
        Assert.True(run.Updated[1], "2^16 does not overflow: " + trace);
        Assert.True(run.Updated.Skip(1).Count(u => u) >= 4, trace);
        Assert.True(run.Scales[^1] > run.Scales[1], "the scale grows back: " + trace);
        Assert.Contains(false, run.Updated.Skip(2));     // and overflows again (here at 2^19)
        Assert.All(incidents, i => Assert.Equal(IncidentKind.GradientOverflow, i.Kind));
        Assert.Equal(run.Updated.Count(u => !u), incidents.Count);
        Assert.NotEqual(initial, TrainingFixtures.Flat(model));
    }

    static (Trainer<IndexedBatch> Trainer, TinyLm Model) Fp16Run(string dir, ulong initSeed, float initScale)
    {
        var model = new TinyLm(generator: new Generator(initSeed));
        var options = new TrainerOptions
        {
            TotalSteps = 10,
            AccumulationSteps = 2,
            Precision = PrecisionPolicy.Fp16Autocast,
            LossScaler = new GradScaler(initScale, growthInterval: 3),
            CheckpointEvery = 5,
            Checkpoints = new CheckpointStore(dir, keepLast: 2),
        };
        return (Trainer(model, options), model);
    }

    [Fact]
    public void Fp16RunResumedFromACheckpointMatchesTheUninterruptedRunScaleIncluded()
    {
        string dirA = TrainingFixtures.TempDir(), dirB = TrainingFixtures.TempDir();
        // Growth every 3 clean steps from 2^20: the scale overflows, backs off, grows again: a state worth saving.
        var (a, modelA) = Fp16Run(dirA, 5, 1048576f);
        var stepsA = new List<StepMetrics>();
        a.StepCompleted += stepsA.Add;
        a.Run();
        string scales = string.Join(", ", stepsA.Select(m => m.LossScale));
        Assert.Contains(stepsA, m => !m.Updated);
        Assert.True(Enumerable.Range(1, 9).Any(i => stepsA[i].LossScale < stepsA[i - 1].LossScale), scales);
        Assert.True(Enumerable.Range(1, 9).Any(i => stepsA[i].LossScale > stepsA[i - 1].LossScale), scales);

        var (b1, _) = Fp16Run(dirB, 5, 1048576f);
        b1.Run(7);
        var (b2, modelB) = Fp16Run(dirB, 99, 1f);   // another init and scale: everything must come from the checkpoint
        var loaded = b2.ResumeFromLatest()!;
        Assert.Equal(5, b2.Step);
        var saved = loaded.Checkpoint.State;
        Assert.Equal("fp16 autocast", saved.Precision);
        Assert.Equal(stepsA[5].LossScale, (double)saved.LossScaler!.Value.Scale);   // the scale step 6 used
        Assert.True(saved.LossScaler.Value.GrowthTracker > 0, $"growth tracker {saved.LossScaler.Value.GrowthTracker}");
        Assert.Equal(saved.LossScaler.Value, b2.LossScaler!.State);
        var stepsB = new List<StepMetrics>();
        b2.StepCompleted += stepsB.Add;
        b2.Run();

        Assert.Equal(stepsA.Skip(5).Select(m => m.Loss), stepsB.Select(m => m.Loss));
        Assert.Equal(stepsA.Skip(5).Select(m => m.LossScale), stepsB.Select(m => m.LossScale));
        Assert.Equal(stepsA.Skip(5).Select(m => m.Updated), stepsB.Select(m => m.Updated));
        Assert.Equal(a.LossScaler!.State, b2.LossScaler.State);
        Assert.Equal(TrainingFixtures.Flat(modelA), TrainingFixtures.Flat(modelB));
    }

    [Fact]
    public void ResumeUnderAnotherPolicyIsRefusedNamingBothAndChangesNothing()
    {
        var bf16Model = new TinyLm();
        var bf16 = Trainer(bf16Model, new TrainerOptions { TotalSteps = 10, Precision = PrecisionPolicy.Bf16Autocast });
        bf16.Run(2);
        var snap = bf16.Snapshot();
        Assert.Equal("bf16 autocast", snap.State.Precision);
        Assert.Null(snap.State.LossScaler);

        var model = new TinyLm(generator: new Generator(3));
        var before = TrainingFixtures.Flat(model);
        var fp16 = Trainer(model, new TrainerOptions { TotalSteps = 10, Precision = PrecisionPolicy.Fp16Autocast, LossScaler = new GradScaler(1024f) });
        var e = Assert.Throws<InvalidDataException>(() => fp16.Restore(snap, "run-a/ckpt-00000002.safetensors"));
        Assert.Equal("run-a/ckpt-00000002.safetensors: written by a run with precision 'bf16 autocast'; this trainer uses 'fp16 autocast'. Nothing was loaded.", e.Message);
        Assert.Equal(0, fp16.Step);
        Assert.Equal(before, TrainingFixtures.Flat(model));
        Assert.Equal(new GradScalerState(1024f, 0), fp16.LossScaler!.State);

        var fp32 = TrainingFixtures.Trainer(new TinyLm(), new IndexedBatchSource(4, 8), new TrainerOptions { TotalSteps = 10 });
        var e2 = Assert.Throws<InvalidDataException>(() => fp32.Restore(snap, "run-a"));
        Assert.Contains("precision 'bf16 autocast'; this trainer uses 'fp32'", e2.Message);

        // The same policy with and without a scaler is a mismatch too: the scale could not be continued.
        var scaled = Trainer(new TinyLm(), new TrainerOptions { TotalSteps = 10, Precision = PrecisionPolicy.Bf16Autocast, LossScaler = new GradScaler() });
        var e3 = Assert.Throws<InvalidDataException>(() => scaled.Restore(snap, "run-a"));
        Assert.Contains("written by a run without loss scaling; this trainer has a GradScaler", e3.Message);
        Assert.Equal(65536f, scaled.LossScaler!.CurrentScale);
    }

    [Fact]
    public void AStateWrittenBeforePrecisionWasRecordedReadsAsFp32WithoutAScaler()
    {
        var t = TrainingFixtures.Trainer(new TinyLm(), new IndexedBatchSource(4, 8), new TrainerOptions { TotalSteps = 10 });
        t.Run(1);
        var json = System.Text.Json.Nodes.JsonNode.Parse(t.Snapshot().State.ToJson())!.AsObject();
        Assert.Equal("fp32", (string)json["precision"]!);
        Assert.False(json.ContainsKey("loss_scaler"));
        json.Remove("precision");
        var old = TrainerState.FromJson(json.ToJsonString(), "old.safetensors");
        Assert.Equal("fp32", old.Precision);
        Assert.Null(old.LossScaler);
        Assert.Equal(1, old.Step);
    }

    [Fact]
    public void Bf16MasterWeightsKeepAdamWMomentsAndWeightsInBf16()
    {
        var policy = PrecisionPolicy.Bf16Everywhere;
        var model = new TinyLm();
        var opt = new AdamW(model.Parameters(), lr: Lr);
        using var t = new Trainer<IndexedBatch>(model, TrainingFixtures.LmObjective(model), new IndexedBatchSource(4, 8), opt,
            new ConstantSchedule(Lr), new TrainerOptions { TotalSteps = 3, MaxGradNorm = MaxNorm, Precision = policy });
        Assert.Equal(FloatFormat.Bf16, opt.StateFormat);
        Assert.All(TrainingFixtures.Flat(model), w => Assert.True(Representable(w, FloatFormat.Bf16), $"initial weight {w}"));
        var losses = new List<double>();
        t.StepCompleted += m => losses.Add(m.Loss);
        t.Run();

        int moments = 0, nonZero = 0;
        foreach (var (name, tensor) in opt.StateDict())
        {
            if (name.EndsWith(".step", StringComparison.Ordinal)) continue;
            foreach (float v in tensor.Data)
            {
                Assert.True(Representable(v, FloatFormat.Bf16), $"{name}: {v:R} is not a bf16 value");
                moments++;
                if (v != 0) nonZero++;
            }
        }
        Assert.Equal(2 * model.NumParameters(), moments);
        Assert.True(nonZero > moments / 2, $"{nonZero} of {moments} moments are non-zero");
        Assert.All(TrainingFixtures.Flat(model), w => Assert.True(Representable(w, FloatFormat.Bf16), $"weight {w:R}"));
        Assert.Equal(HandLoop(policy, null, 3).Losses, losses);

        // The same run with fp32 master weights (bf16 autocast) keeps fp32 moments: most are not bf16 values.
        var autocastModel = new TinyLm();
        var fp32State = new AdamW(autocastModel.Parameters(), lr: Lr);
        new Trainer<IndexedBatch>(autocastModel, TrainingFixtures.LmObjective(autocastModel), new IndexedBatchSource(4, 8), fp32State,
            new ConstantSchedule(Lr), new TrainerOptions { TotalSteps = 3, MaxGradNorm = MaxNorm, Precision = PrecisionPolicy.Bf16Autocast }).Run();
        Assert.Equal(FloatFormat.Fp32, fp32State.StateFormat);
        int notBf16 = 0;
        foreach (var (name, tensor) in fp32State.StateDict())
            if (!name.EndsWith(".step", StringComparison.Ordinal))
                foreach (float v in tensor.Data) if (!Representable(v, FloatFormat.Bf16)) notBf16++;
        Assert.True(notBf16 > moments / 2, $"{notBf16} of {moments} fp32 moments are not bf16 values");
    }

    [Fact]
    public void AdamWWithBf16StateRoundsTheMomentsBeforeTheUpdateReadsThem()
    {
        // 11 values: a vector part and a scalar tail on any SIMD width up to 8. Worked out by hand, one step (t = 1).
        float[] p0 = new float[11], g = new float[11];
        for (int i = 0; i < 11; i++) { p0[i] = 0.1f * (i - 5); g[i] = 0.0137f * (i + 1) * (i % 2 == 0 ? 1 : -1); }
        var p = new Tensor((float[])p0.Clone(), 11) { RequiresGrad = true };
        p.Grad = new Tensor((float[])g.Clone(), 11);
        const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.1f;
        var opt = new AdamW([p], lr, b1, b2, eps, wd) { StateFormat = FloatFormat.Bf16 };
        opt.Step();

        float decay = (float)(1 - (double)lr * wd), stepSize = (float)(lr / (1 - Math.Pow(b1, 1))), inv = (float)(1 / Math.Sqrt(1 - Math.Pow(b2, 1)));
        var state = opt.StateDict();
        int changed = 0;
        for (int i = 0; i < 11; i++)
        {
            float m = (float)(BFloat16)((1 - b1) * g[i]);            // m = β1·0 + (1-β1)·g, stored as bf16
            float v = (float)(BFloat16)((1 - b2) * g[i] * g[i]);     // v = β2·0 + (1-β2)·g², stored as bf16
            Assert.Equal(m, state["state.0.exp_avg"].Data[i]);
            Assert.Equal(v, state["state.0.exp_avg_sq"].Data[i]);
            Assert.Equal(p0[i] * decay - stepSize * m / (MathF.Sqrt(v) * inv + eps), p.Data[i]);
            if ((1 - b1) * g[i] != m) changed++;
        }
        Assert.True(changed >= 9, $"the rounding changed {changed} of 11 first moments");
    }
}
