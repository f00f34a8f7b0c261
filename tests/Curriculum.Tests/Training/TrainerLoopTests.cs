using Curriculum.Optim;
using Curriculum.Plotting;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>The step's parts against hand-worked values: schedule, clipping, weighted objectives, the metrics log, evaluation, branching.</summary>
public class TrainerLoopTests
{
    [Fact]
    public void EachUpdateUsesTheScheduleLrOfItsStep()
    {
        var model = new TinyLm();
        var wsd = new WarmupStableDecaySchedule(0.01, warmupSteps: 2, stableSteps: 3, decaySteps: 3);
        var t = TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8), new TrainerOptions { TotalSteps = 8 }, wsd);
        var lrs = new List<double>();
        t.StepCompleted += m => lrs.Add(m.Lr);
        t.Run();
        // Step s (0-based) uses lr(s): warm-up 0, 0.005; stable 0.01 x3; linear decay 0.01, 0.00667, 0.00333.
        double[] want = [0, 0.005, 0.01, 0.01, 0.01, 0.01, 0.01 * 2 / 3, 0.01 / 3];
        Assert.Equal(want.Length, lrs.Count);
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], lrs[i], 6);
    }

    [Fact]
    public void ClippingScalesTheUpdateToMaxNormAndLogsTheNormBeforeClipping()
    {
        // Plain SGD: the update is lr times the clipped gradient, whose global norm must be max_norm.
        var model = new TinyLm();
        var source = new IndexedBatchSource(4, 8);
        var reference = new TinyLm();
        reference.Loss(source[0].Inputs, source[0].Targets).Backward();
        float norm = GradientClipping.ClipGradNorm(reference.Parameters(), float.PositiveInfinity);

        var before = TrainingFixtures.Flat(model);
        var t = new Trainer<IndexedBatch>(model, TrainingFixtures.LmObjective(model), source, new SGD(model.Parameters(), lr: 0.1f),
            new ConstantSchedule(0.1), new TrainerOptions { TotalSteps = 1, MaxGradNorm = 0.05 });
        var m = t.TrainStep()!;
        Assert.True(norm > 0.05f);
        Assert.Equal(norm, m.GradNorm, 4);
        var after = TrainingFixtures.Flat(model);
        double sq = 0;
        for (int i = 0; i < after.Length; i++) sq += Math.Pow(after[i] - before[i], 2);
        Assert.Equal(0.1 * 0.05, Math.Sqrt(sq), 5);
    }

    [Fact]
    public void WeightedTasksSumIntoTheLossAndAreLoggedForRunMetrics()
    {
        string dir = TrainingFixtures.TempDir();
        var model = new TinyLm();
        var source = new IndexedBatchSource(4, 8);
        // Two tasks on the same batch: the LM loss, and the LM loss on reversed rows (weight 0.5).
        Objective<IndexedBatch> twoTasks = b => [
            new TaskLoss("lm", model.Loss(b.Inputs, b.Targets)),
            new TaskLoss("aux", model.Loss(b.Targets, b.Inputs), 0.5)];
        var expectLm = new TinyLm().Loss(source[0].Inputs, source[0].Targets).Item();
        var expectAux = new TinyLm().Loss(source[0].Targets, source[0].Inputs).Item();
        string path = Path.Combine(dir, "run", "metrics.jsonl");
        var t = TrainingFixtures.Trainer(model, source, new TrainerOptions { TotalSteps = 3, MetricsPath = path }, objective: twoTasks);
        var steps = new List<StepMetrics>();
        t.StepCompleted += steps.Add;
        t.Run();

        Assert.Equal(expectLm, steps[0].TaskLosses["lm"], 6);
        Assert.Equal(expectAux, steps[0].TaskLosses["aux"], 6);
        Assert.Equal(expectLm + 0.5 * expectAux, steps[0].Loss, 5);
        var log = RunMetrics.Load(path);
        Assert.Equal("run", log.Name);
        Assert.Equal(3, log.Count);
        Assert.Equal([1.0, 2, 3], log.Series("step", "loss").X);
        Assert.Equal(steps.Select(s => s.Loss), log.Series("step", "loss").Y);
        Assert.Equal(steps.Select(s => s.TaskLosses["aux"]), log.Series("step", "loss/aux").Y);
        Assert.Equal(steps.Select(s => s.Lr), log.Series("step", "lr").Y);
        Assert.Equal(steps.Select(s => s.GradNorm), log.Series("step", "grad_norm").Y);
        Assert.Equal([32.0, 64, 96], log.Series("step", "tokens").Y);
        Assert.All(log.Series("step", "tokens_per_s").Y, v => Assert.True(v > 0));
    }

    [Fact]
    public void NaNIsLoggedAsNullAndResumeDropsRowsAfterTheCheckpoint()
    {
        string path = Path.Combine(TrainingFixtures.TempDir(), "metrics.jsonl");
        using (var log = MetricsLog.Create(path))
            for (int s = 1; s <= 6; s++)
                log.Write(new StepMetrics(s, 10 * s, s == 4 ? double.NaN : s, new Dictionary<string, double>(), 0.1, double.PositiveInfinity, 5, 1, true), false);
        Assert.Contains("\"loss\":null", File.ReadAllText(path));
        Assert.Contains("\"grad_norm\":\"Infinity\"", File.ReadAllText(path));
        Assert.True(double.IsNaN(RunMetrics.Load(path).Series("step", "loss").Y[3]));
        File.AppendAllText(path, "{\"step\":7,\"lo");                 // the row being written when the run stopped
        MetricsLog.Resume(path, 4).Dispose();
        Assert.Equal([1.0, 2, 3, 4], RunMetrics.Load(path).Series("step", "tokens").X);
    }

    [Fact]
    public void EvaluationRunsEveryNStepsInEvalModeWithoutGradients()
    {
        string path = Path.Combine(TrainingFixtures.TempDir(), "metrics.jsonl");
        var model = new TinyLm(dropout: 0.5f);
        var source = new IndexedBatchSource(4, 8);
        var heldOut = new IndexedBatchSource(4, 8, seed: 99)[0];
        var seen = new List<(bool Training, bool Grad)>();
        var t = TrainingFixtures.Trainer(model, source, new TrainerOptions
        {
            TotalSteps = 6,
            EvalEvery = 3,
            MetricsPath = path,
            Evaluate = () =>
            {
                seen.Add((model.Training, Autograd.IsGradEnabled));
                return new Dictionary<string, double> { ["held_out"] = model.Loss(heldOut.Inputs, heldOut.Targets).Item() };
            },
        });
        var evals = new List<EvalMetrics>();
        t.Evaluated += evals.Add;
        t.Run();
        Assert.Equal([3L, 6L], evals.Select(e => e.Step));
        Assert.All(seen, s => Assert.Equal((false, false), s));
        Assert.True(model.Training);
        // Dropout off: the evaluation equals a deterministic eval-mode loss of the final weights.
        model.Eval();
        Assert.Equal(model.Loss(heldOut.Inputs, heldOut.Targets).Item(), evals[1].Values["held_out"], 6);
        Assert.Equal(evals.Select(e => e.Values["held_out"]), RunMetrics.Load(path).Series("step", "eval/held_out").Y);
    }

    [Fact]
    public void BranchedDecayFollowsBranchAtFromTheStableCheckpoint()
    {
        var model = new TinyLm();
        var wsd = new WarmupStableDecaySchedule(0.01, warmupSteps: 2, stableSteps: 20, decaySteps: 4);
        var t = TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8), new TrainerOptions { TotalSteps = 26 }, wsd);
        t.Run(6);
        var stable = t.Snapshot();
        long end = t.BranchDecay(wsd, decaySteps: 3);
        Assert.Equal(9, end);
        var lrs = new List<double>();
        t.StepCompleted += m => lrs.Add(m.Lr);
        t.Run(end);
        double[] want = [0.01, 0.01 * 2 / 3, 0.01 / 3];
        Assert.Equal(want.Length, lrs.Count);
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], lrs[i], 12);
        Assert.Equal(0, wsd.BranchAt(6, 3).LearningRate(9));

        // Another branch from the same stable checkpoint; outside the stable phase is refused.
        t.Restore(stable);
        t.Schedule = wsd;
        Assert.Equal(11, t.BranchDecay(wsd, 5));
        t.Run(23);
        var e = Assert.Throws<InvalidOperationException>(() => t.BranchDecay(wsd, 2));
        Assert.Contains("outside the stable phase", e.Message);
    }
}
