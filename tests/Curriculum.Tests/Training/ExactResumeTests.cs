using Curriculum.Data;
using Curriculum.Optim;
using Curriculum.Plotting;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>
/// A run stopped at a checkpoint and resumed in a fresh trainer (new model, optimiser and data source objects)
/// gives bit-identical losses at every step, and bit-identical weights at the end, compared with the run that
/// never stopped: dropout, AdamW, WSD, clipping, accumulation and a two-stream mixture that changes at half-time.
/// </summary>
public class ExactResumeTests
{
    const int Total = 12;

    static (Trainer<LmBatch> Trainer, TinyLm Model) Build(string dir, ulong initSeed, string metrics)
    {
        var gen = new Generator(initSeed);
        var model = new TinyLm(dropout: 0.1f, generator: gen);
        var a = new int[400];
        var b = new int[300];
        for (int i = 0; i < a.Length; i++) a[i] = i % 32;
        for (int i = 0; i < b.Length; i++) b[i] = (7 * i) % 32;
        var mixture = MixtureSchedule.LateHighQuality([0.8, 0.2], [0.2, 0.8], decayStart: 0.5);
        var source = new TokenWindowSource([a, b], batchSize: 4, seqLen: 8, mixture, seed: 3, names: ["general", "hq"]);
        var opt = new AdamW(model.Parameters(), lr: 1e-2f, weightDecay: 0.1f);
        var wsd = new WarmupStableDecaySchedule(1e-2, warmupSteps: 3, stableSteps: 5, decaySteps: 4, DecayShape.Cosine, minLr: 1e-3);
        var options = new TrainerOptions
        {
            TotalSteps = Total,
            AccumulationSteps = 2,
            MaxGradNorm = 0.5,
            DropoutGenerator = gen,
            Seed = 11,
            MetricsPath = metrics,
            CheckpointEvery = 5,
            Checkpoints = new CheckpointStore(dir, keepLast: 2),
            Spikes = new SpikeGuard(Window: 4, K: 6),
        };
        var objective = Objective.Single<LmBatch>(batch => model.Loss(batch.Inputs, batch.Targets));
        return (new Trainer<LmBatch>(model, objective, source, opt, wsd, options), model);
    }

    [Fact]
    public void StoppedAndResumedRunMatchesTheUninterruptedRunBitForBit()
    {
        string dirA = TrainingFixtures.TempDir(), dirB = TrainingFixtures.TempDir();
        var (a, modelA) = Build(dirA, 5, Path.Combine(dirA, "metrics.jsonl"));
        var lossesA = new List<double>();
        a.StepCompleted += m => lossesA.Add(m.Loss);
        a.Run();

        // Run B stops after step 7 (its last checkpoint is step 5), then a new process resumes.
        string metricsB = Path.Combine(dirB, "metrics.jsonl");
        var (b1, _) = Build(dirB, 5, metricsB);
        b1.Run(7);
        b1.Dispose();
        var (b2, modelB) = Build(dirB, 99, metricsB);   // a different init: everything must come from the checkpoint
        var loaded = b2.ResumeFromLatest();
        Assert.NotNull(loaded);
        Assert.Equal(5, b2.Step);
        var lossesB = new List<double>();
        b2.StepCompleted += m => lossesB.Add(m.Loss);
        b2.Run();

        Assert.Equal(Total, lossesA.Count);
        Assert.Equal(lossesA.Skip(5), lossesB);                  // exact double equality, step by step
        Assert.Equal(TrainingFixtures.Flat(modelA), TrainingFixtures.Flat(modelB));
        Assert.Equal(a.Tokens, b2.Tokens);

        // The resumed log has each step once, with the uninterrupted run's losses.
        var logA = RunMetrics.Load(Path.Combine(dirA, "metrics.jsonl"));
        var logB = RunMetrics.Load(metricsB);
        var (stepsA, rowsA) = logA.Series("step", "loss");
        var (stepsB, rowsB) = logB.Series("step", "loss");
        Assert.Equal(stepsA, stepsB);
        Assert.Equal(rowsA, rowsB);
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (double)i).ToArray(), logB.Series("step", "loss").X);
    }

    [Fact]
    public void InMemorySnapshotRestoresExactly()
    {
        string dir = TrainingFixtures.TempDir();
        var (t, _) = Build(dir, 5, Path.Combine(dir, "m.jsonl"));
        t.Run(4);
        var snap = t.Snapshot();
        var first = new List<double>();
        t.StepCompleted += m => first.Add(m.Loss);
        t.Run(9);
        t.Restore(snap);
        var second = new List<double>();
        t.StepCompleted += m => second.Add(m.Loss);
        first.Clear();
        t.Run(9);
        Assert.Equal(5, second.Count);
        Assert.Equal(first, second);
    }
}
