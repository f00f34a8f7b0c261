using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>The spike detector's threshold by hand, each spike policy with an injected spike, and the non-finite guard.</summary>
public class StabilityGuardTests
{
    [Fact]
    public void ThresholdIsMeanPlusKStdOfTheWindow()
    {
        var d = new SpikeDetector(window: 4, k: 2);
        foreach (var v in new[] { 9.0, 1, 2 }) d.Add(v);
        Assert.False(d.Ready);
        Assert.Equal(double.PositiveInfinity, d.Threshold());
        d.Add(3);
        d.Add(4);                                          // window now 1, 2, 3, 4: mean 2.5, std sqrt(1.25)
        Assert.Equal(2.5 + 2 * Math.Sqrt(1.25), d.Threshold(), 12);
        Assert.Equal([1.0, 2, 3, 4], d.History());
        Assert.True(d.IsSpike(4.75));
        Assert.False(d.IsSpike(4.7));
    }

    // Batch `spikeAt` gets its loss multiplied by 30 (a bad batch).
    static Objective<IndexedBatch> Spiky(TinyLm model, int spikeAt) => batch =>
    {
        var loss = model.Loss(batch.Inputs, batch.Targets);
        return [new TaskLoss("lm", batch.Index == spikeAt ? F.Scale(loss, 30f) : loss)];
    };

    static (Trainer<IndexedBatch>, TinyLm, IndexedBatchSource, List<float[]>) Build(SpikePolicy policy, int spikeAt, CheckpointStore? store = null)
    {
        var model = new TinyLm();
        var source = new IndexedBatchSource(4, 8);
        var options = new TrainerOptions
        {
            TotalSteps = 14,
            Spikes = new SpikeGuard(Window: 5, K: 3, Policy: policy, RollbackLrFactor: 0.5),
            CheckpointEvery = policy == SpikePolicy.Rollback ? 4 : 0,
            Checkpoints = store,
        };
        var t = TrainingFixtures.Trainer(model, source, options, objective: Spiky(model, spikeAt));
        var weights = new List<float[]> { TrainingFixtures.Flat(model) };   // weights[s] = after s updates
        t.StepCompleted += _ => weights.Add(TrainingFixtures.Flat(model));
        return (t, model, source, weights);
    }

    [Fact]
    public void LogPolicyRecordsTheSpikeAndTakesTheStep()
    {
        var (t, _, _, weights) = Build(SpikePolicy.Log, spikeAt: 8);
        var steps = new List<StepMetrics>();
        t.StepCompleted += steps.Add;
        t.Run();
        var spike = Assert.Single(t.Incidents);
        Assert.Equal((IncidentKind.Spike, 8L), (spike.Kind, spike.Step));
        Assert.True(spike.Loss > spike.Threshold);
        Assert.True(steps[8].Updated);
        Assert.NotEqual(weights[8], weights[9]);
    }

    [Fact]
    public void SkipPolicyDropsTheBatchWithoutAnUpdate()
    {
        var (t, _, source, weights) = Build(SpikePolicy.SkipBatch, spikeAt: 8);
        var steps = new List<StepMetrics>();
        t.StepCompleted += steps.Add;
        t.Run();
        Assert.Equal(IncidentKind.Spike, Assert.Single(t.Incidents).Kind);
        Assert.False(steps[8].Updated);
        Assert.Equal(weights[8], weights[9]);               // no update at step 8
        Assert.NotEqual(weights[9], weights[10]);           // training goes on with the next batch
        Assert.Equal(Enumerable.Range(0, 14), source.Drawn);
        Assert.Equal(14, t.Step);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RollbackRestoresTheCheckpointLowersTheLrAndSkipsTheWindow(bool onDisk)
    {
        var store = onDisk ? new CheckpointStore(TrainingFixtures.TempDir()) : null;
        var (t, model, source, weights) = Build(SpikePolicy.Rollback, spikeAt: 10, store);
        float[]? afterRollback = null;
        var lrs = new List<(long Step, double Lr)>();
        t.IncidentRaised += i => { if (i.Kind == IncidentKind.Rollback) afterRollback = TrainingFixtures.Flat(model); };
        t.StepCompleted += m => lrs.Add((m.Step, m.Lr));
        t.Run();

        Assert.Equal([IncidentKind.Spike, IncidentKind.Rollback], t.Incidents.Select(i => i.Kind));
        Assert.Equal(weights[8], afterRollback);            // back to the checkpoint of step 8
        // Batches 8, 9 and 10 (the steps since the checkpoint, spike included) are never trained on again.
        Assert.Equal([.. Enumerable.Range(0, 11), .. Enumerable.Range(11, 6)], source.Drawn);
        Assert.Equal(0.5, t.LrScale);
        Assert.Equal(1, t.Rollbacks);
        Assert.Equal(1e-2 * 0.5, lrs.Last().Lr, 12);
        Assert.Equal(1e-2, lrs.First(x => x.Step == 9).Lr, 12);   // before the spike, the full LR
        Assert.Equal(14, t.Step);
        Assert.Contains("the data of 3 step(s) skipped", t.Incidents[1].Detail);
    }

    [Fact]
    public void NonFiniteLossSkipsTheUpdateAndTooManyInARowStopTheRun()
    {
        var model = new TinyLm();
        var source = new IndexedBatchSource(4, 8);
        Objective<IndexedBatch> nanFrom3 = b =>
        {
            var loss = model.Loss(b.Inputs, b.Targets);
            return [new TaskLoss("lm", b.Index >= 3 ? F.Scale(loss, float.NaN) : loss)];
        };
        var t = TrainingFixtures.Trainer(model, source, new TrainerOptions { TotalSteps = 20, MaxNonFiniteSteps = 4 }, objective: nanFrom3);
        var weights = new List<float[]>();
        t.StepCompleted += _ => weights.Add(TrainingFixtures.Flat(model));
        var e = Assert.Throws<TrainingDivergedException>(() => t.Run());
        Assert.Contains("4 non-finite steps in a row", e.Message);
        Assert.Equal(6, weights.Count);                      // steps 0..5 reported, step 6 is the fourth NaN and throws
        Assert.Equal(weights[2], weights[5]);                // NaN steps 3, 4, 5 changed nothing
        Assert.All(t.Incidents, i => Assert.Equal(IncidentKind.NonFinite, i.Kind));
        Assert.Equal(4, t.Incidents.Count);
    }

    [Fact]
    public void RollbackWithoutCheckpointsIsAConfigurationError()
    {
        var model = new TinyLm();
        var e = Assert.Throws<ArgumentException>(() => TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8),
            new TrainerOptions { TotalSteps = 5, Spikes = new SpikeGuard(Policy: SpikePolicy.Rollback) }));
        Assert.Contains("CheckpointEvery", e.Message);
    }
}
