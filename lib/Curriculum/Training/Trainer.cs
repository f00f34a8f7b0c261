using System.Diagnostics;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Data;

namespace Curriculum.Training;

/// <summary>
/// The training loop, model-agnostic: a model, an objective (named losses summed with weights), a batch source, an
/// optimiser and an LR schedule. One <see cref="TrainStep"/> is
/// <code>
///   lr = schedule(step) · LrScale                   set on every param group
///   for each of AccumulationSteps micro-batches:
///     using (Autocast.Enter(Precision)) loss = objective(batch)        with torch.autocast(...)
///     (loss / AccumulationSteps · scale).Backward()                     scaler.scale(loss).backward()
///   ParameterRounding.RoundGradients(params, Precision)
///   overflow = scaler.UnscaleAndCheck(grads)         scaler.unscale_(optimizer)
///   norm = clip_grad_norm_(params, MaxGradNorm)     on the unscaled gradients; logged before clipping
///   guard: overflow -> skip the update (scaler.step); non-finite loss or norm -> skip and count toward
///          MaxNonFiniteSteps; a spike -> log | skip | roll back
///   optimizer.step(); scaler.update()
///   ParameterRounding.RoundWeights(params, Precision)
/// </code>
/// Under <see cref="PrecisionPolicy.Fp32"/> (the default) there is no autocast scope, no scaler and no rounding, so
/// the step is the plain fp32 one. The scaler is <see cref="TrainerOptions.LossScaler"/>, or one with PyTorch's
/// defaults when the policy needs loss scaling (fp16); an overflow of the scaled gradients at a scale above 1 is the
/// scaler's business (a <see cref="IncidentKind.GradientOverflow"/> incident), not a divergence.
/// Then the metrics row, callbacks, evaluation every <see cref="TrainerOptions.EvalEvery"/> steps and a checkpoint
/// every <see cref="TrainerOptions.CheckpointEvery"/> steps. Everything a step depends on is in the checkpoint, so
/// a resumed run repeats the uninterrupted one bit for bit (same seed, same thread count).
/// </summary>
public sealed class Trainer<TBatch> : IDisposable where TBatch : ITokenBatch
{
    readonly Tensor[] _parameters;
    readonly SpikeDetector? _spikes;
    readonly GradScaler? _scaler;
    readonly bool _autocast;
    readonly FloatFormat _gradientFormat, _weightFormat;
    readonly List<TrainingIncident> _incidents = [];
    TrainingCheckpoint? _lastGoodInMemory;
    MetricsLog? _log;
    int _nonFiniteStreak;

    public Module Model { get; }
    public Objective<TBatch> Objective { get; }
    public IBatchSource<TBatch> Source { get; }
    public Optimizer Optimizer { get; }
    /// <summary>Settable: a branch replaces it with a decay (<see cref="BranchDecay"/>).</summary>
    public ILearningRateSchedule Schedule { get; set; }
    public TrainerOptions Options { get; }
    /// <summary>The loss scaler in use (<see cref="TrainerOptions.LossScaler"/> or the one made for fp16), or null.</summary>
    public GradScaler? LossScaler => _scaler;

    /// <summary>Optimiser steps done (attempted updates, skipped ones included): the schedule's argument.</summary>
    public long Step { get; private set; }
    public long Tokens { get; private set; }
    /// <summary>Multiplies the schedule's LR; each rollback lowers it by <see cref="SpikeGuard.RollbackLrFactor"/>.</summary>
    public double LrScale { get; private set; } = 1.0;
    public int Rollbacks { get; private set; }
    public TrainerTimings Timings { get; } = new();
    public IReadOnlyList<TrainingIncident> Incidents => _incidents;
    /// <summary>A progress line, a notebook display: each is told about every step, evaluation and incident.</summary>
    public List<ITrainingReporter> Reporters { get; } = [];

    public event Action<StepMetrics>? StepCompleted;
    public event Action<EvalMetrics>? Evaluated;
    public event Action<TrainingIncident>? IncidentRaised;

    public Trainer(Module model, Objective<TBatch> objective, IBatchSource<TBatch> source, Optimizer optimizer,
        ILearningRateSchedule schedule, TrainerOptions options)
    {
        if (options.TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.TotalSteps, "TrainerOptions.TotalSteps must be at least 1.");
        if (options.AccumulationSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.AccumulationSteps, "TrainerOptions.AccumulationSteps must be at least 1.");
        if (options.LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), options.LogEvery, "TrainerOptions.LogEvery must be at least 1.");
        if (options.MaxGradNorm is double m && !(m > 0)) throw new ArgumentOutOfRangeException(nameof(options), m, "TrainerOptions.MaxGradNorm must be positive (or null to only measure).");
        if (options.EvalEvery < 0 || options.CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(options), "TrainerOptions.EvalEvery and CheckpointEvery must be >= 0.");
        if (options.EvalEvery > 0 && options.Evaluate == null) throw new ArgumentException("TrainerOptions.EvalEvery is set but Evaluate is null.", nameof(options));
        if (options.CheckpointEvery > 0 && options.Checkpoints == null && options.Spikes?.Policy != SpikePolicy.Rollback)
            throw new ArgumentException("TrainerOptions.CheckpointEvery is set but Checkpoints (a CheckpointStore) is null.", nameof(options));
        if (options.Spikes is { } g)
        {
            if (!(g.RollbackLrFactor > 0 && g.RollbackLrFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(options), g.RollbackLrFactor, "SpikeGuard.RollbackLrFactor must be in (0, 1].");
            if (g.Policy == SpikePolicy.Rollback && options.CheckpointEvery < 1)
                throw new ArgumentException("SpikePolicy.Rollback needs checkpoints to roll back to: set TrainerOptions.CheckpointEvery.", nameof(options));
            _spikes = new SpikeDetector(g.Window, g.K);
        }
        var policy = options.Precision ?? throw new ArgumentNullException(nameof(options), "TrainerOptions.Precision is null; use PrecisionPolicy.Fp32.");
        if (policy.FormatFor(OpClass.MatMulAccumulator) != FloatFormat.Fp32)
            throw new ArgumentException($"TrainerOptions.Precision: policy '{policy.Name}' accumulates matrix products in " +
                $"{FloatFormatInfo.Of(policy.FormatFor(OpClass.MatMulAccumulator)).Name}; the engine accumulates in float32 " +
                "(use policy.With(OpClass.MatMulAccumulator, FloatFormat.Fp32)).", nameof(options));
        Model = model;
        Objective = objective;
        Source = source;
        Optimizer = optimizer;
        Schedule = schedule;
        Options = options;
        _parameters = model.Parameters().ToArray();
        _autocast = !ReferenceEquals(policy, PrecisionPolicy.Fp32);
        _gradientFormat = policy.FormatFor(OpClass.Gradients);
        _weightFormat = policy.FormatFor(OpClass.MasterWeights);
        _scaler = options.LossScaler ?? (policy.NeedsLossScaling ? new GradScaler() : null);
        if (_weightFormat != FloatFormat.Fp32)
        {
            // 16-bit master weights: the model is stored in that format from the start (model.bfloat16()), and the
            // optimiser's moments too, as PyTorch keeps them in the parameter's dtype.
            ParameterRounding.RoundWeights(_parameters, policy);
            optimizer.StateFormat = _weightFormat;
        }
    }

    /// <summary>
    /// Trains until <see cref="Step"/> reaches <paramref name="untilStep"/> (default: <see cref="TrainerOptions.TotalSteps"/>)
    /// or <paramref name="stop"/> is cancelled: it is checked between steps, so the step in progress finishes and the
    /// run stops where a checkpoint can be taken (Ctrl-C in <c>curriculum pretrain</c>).
    /// </summary>
    public void Run(long? untilStep = null, CancellationToken stop = default)
    {
        long end = untilStep ?? Options.TotalSteps;
        OpenLog();
        if (Options.Spikes?.Policy == SpikePolicy.Rollback && !HasRollbackPoint()) KeepCheckpoint();
        foreach (var r in Reporters) r.Started(Step, end);
        while (Step < end && !stop.IsCancellationRequested) TrainStep();
        _log?.Dispose();
        _log = null;
        foreach (var r in Reporters) r.Finished(Step);
    }

    /// <summary>One optimiser step. Returns its metrics, or null when a spike rolled the run back to a checkpoint.</summary>
    public StepMetrics? TrainStep()
    {
        long t0 = Stopwatch.GetTimestamp();
        long s = Step;
        double lr = Schedule.LearningRate(s) * LrScale;
        foreach (var g in Optimizer.ParamGroups) g.Lr = (float)lr;
        Options.DropoutGenerator?.ManualSeed(StepSeed(Options.Seed, s));
        double progress = Math.Min(1.0, (double)s / Options.TotalSteps);
        int k = Options.AccumulationSteps;

        Optimizer.ZeroGrad();
        float scale = _scaler?.CurrentScale ?? 1f;   // the loss scale of this step's backward passes
        double loss = 0, forwardBackward = 0;
        long stepTokens = 0;
        Dictionary<string, double>? taskLosses = null;
        for (int i = 0; i < k; i++)
        {
            var batch = Source.Next(progress);
            stepTokens += batch.Tokens;
            long f0 = Stopwatch.GetTimestamp();
            var losses = Forward(batch);
            var total = Combine(losses);
            if (k > 1) total = F.Scale(total, 1f / k);
            if (_scaler != null) total.Backward(Tensor.Scalar(scale));   // = (total · scale).Backward()
            else total.Backward();
            forwardBackward += Stopwatch.GetElapsedTime(f0).TotalSeconds;
            taskLosses ??= new Dictionary<string, double>(losses.Count);
            foreach (var l in losses)
            {
                double v = l.Loss.Item();
                loss += l.Weight * v / k;
                taskLosses[l.Task] = taskLosses.GetValueOrDefault(l.Task) + v / k;
            }
        }
        if (_gradientFormat != FloatFormat.Fp32) ParameterRounding.RoundGradients(_parameters, Options.Precision);
        bool overflow = _scaler != null && _scaler.UnscaleAndCheck(Gradients());
        double norm = GradientClipping.ClipGradNorm(_parameters, Options.MaxGradNorm is double m ? (float)m : float.PositiveInfinity);

        bool update = true;
        if (overflow && double.IsFinite(loss) && scale > 1f)
        {
            // The scale was too high for these gradients: the scaler backs off. At a scale of 1 or below the
            // gradients themselves are not finite, and the branch below counts it as a divergence.
            update = false;
            Raise(new TrainingIncident(IncidentKind.GradientOverflow, s, double.NaN, double.NaN,
                $"loss-scaled gradients overflowed at scale {(double)scale:G}: update skipped; scale now {(double)(scale * _scaler!.BackoffFactor):G}"));
        }
        else if (!double.IsFinite(loss) || !double.IsFinite(norm))
        {
            update = false;
            _nonFiniteStreak++;
            Raise(new TrainingIncident(IncidentKind.NonFinite, s, loss, double.NaN,
                $"loss {loss:G6}, gradient norm {norm:G6}: update skipped ({_nonFiniteStreak} in a row)"));
            if (_nonFiniteStreak >= Options.MaxNonFiniteSteps)
            {
                _scaler?.Update();   // leaves the scaler ready for a restore and another step
                throw new TrainingDivergedException($"step {s}: {_nonFiniteStreak} non-finite steps in a row (MaxNonFiniteSteps = {Options.MaxNonFiniteSteps}); the last checkpoint is the place to restart from, with a lower LR.");
            }
        }
        else if (_spikes != null && _spikes.IsSpike(loss))
        {
            var guard = Options.Spikes!;
            double threshold = _spikes.Threshold();
            switch (guard.Policy)
            {
                case SpikePolicy.Log:
                    Raise(new TrainingIncident(IncidentKind.Spike, s, loss, threshold, "logged; update taken"));
                    break;
                case SpikePolicy.SkipBatch:
                    update = false;
                    Raise(new TrainingIncident(IncidentKind.Spike, s, loss, threshold, "batch skipped; no update"));
                    break;
                case SpikePolicy.Rollback:
                    Raise(new TrainingIncident(IncidentKind.Spike, s, loss, threshold, "rolling back"));
                    RollBack(s, guard);
                    Timings.StepSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    return null;
            }
        }

        double optimizer = 0;
        if (update)
        {
            long o0 = Stopwatch.GetTimestamp();
            Optimizer.Step();
            optimizer = Stopwatch.GetElapsedTime(o0).TotalSeconds;
            _nonFiniteStreak = 0;
            _spikes?.Add(loss);
        }
        else Optimizer.ZeroGrad();
        _scaler?.Update();
        if (update && _weightFormat != FloatFormat.Fp32) ParameterRounding.RoundWeights(_parameters, Options.Precision);
        Step = s + 1;
        Tokens += stepTokens;

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var metrics = new StepMetrics(Step, Tokens, loss, taskLosses!, lr, norm, stepTokens / seconds, seconds, update, _scaler != null ? scale : null);
        if (Step % Options.LogEvery == 0 || Step == Options.TotalSteps) _log?.Write(metrics, taskLosses!.Count > 1);
        foreach (var r in Reporters) r.StepCompleted(metrics);
        StepCompleted?.Invoke(metrics);
        Timings.Steps++;
        Timings.StepSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Timings.ForwardBackwardSeconds += forwardBackward;
        Timings.OptimizerSeconds += optimizer;

        if (Options.EvalEvery > 0 && Step % Options.EvalEvery == 0) Evaluate();
        if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) KeepCheckpoint();
        return metrics;
    }

    // The objective, inside the policy's autocast scope unless the policy is fp32 (then an enclosing scope still applies).
    IReadOnlyList<TaskLoss> Forward(TBatch batch)
    {
        if (!_autocast) return Objective(batch);
        using (Autocast.Enter(Options.Precision)) return Objective(batch);
    }

    IEnumerable<Tensor> Gradients()
    {
        foreach (var p in _parameters) if (p.Grad != null) yield return p.Grad;
    }

    // Σ weight·loss; a single loss of weight 1 is used as is (no extra op).
    static Tensor Combine(IReadOnlyList<TaskLoss> losses)
    {
        if (losses.Count == 0) throw new InvalidOperationException("The objective returned no losses.");
        if (losses.Count == 1 && losses[0].Weight == 1.0) return losses[0].Loss;
        Tensor? total = null;
        foreach (var l in losses)
        {
            var term = l.Weight == 1.0 ? l.Loss : F.Scale(l.Loss, (float)l.Weight);
            total = total == null ? term : F.Add(total, term);
        }
        return total!;
    }

    // Dropout masks of step s come from a stream seeded by (seed, s): SplitMix64's finaliser of seed + s·golden.
    static ulong StepSeed(ulong seed, long step)
    {
        ulong z = seed + (ulong)(step + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Runs <see cref="TrainerOptions.Evaluate"/> in eval mode without gradients, under the precision policy's autocast as
    /// training's forward (nanoGPT's estimate_loss); logs "eval/&lt;name&gt;".
    /// </summary>
    public EvalMetrics Evaluate()
    {
        var evaluate = Options.Evaluate ?? throw new InvalidOperationException("TrainerOptions.Evaluate is not set.");
        long t0 = Stopwatch.GetTimestamp();
        bool training = Model.Training;
        Model.Eval();
        IReadOnlyDictionary<string, double> values;
        try
        {
            using (Autograd.NoGrad())
            using (_autocast ? Autocast.Enter(Options.Precision) : null)
                values = evaluate();
        }
        finally { Model.Train(training); }
        var e = new EvalMetrics(Step, Tokens, values);
        _log?.Write(e);
        foreach (var r in Reporters) r.Evaluated(e);
        Evaluated?.Invoke(e);
        Timings.EvalSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return e;
    }

    /// <summary>A copy of the run's state now (model, optimiser, step, data position, guard).</summary>
    public TrainingCheckpoint Snapshot()
    {
        var model = new Dictionary<string, Tensor>();
        foreach (var (n, p) in Model.NamedParameters()) model[n] = p.Clone();
        var state = new TrainerState(Step, Tokens, LrScale, Options.Seed, _nonFiniteStreak, Rollbacks,
            _spikes?.History() ?? [], Source.SaveState(), Model.GetType().Name, Optimizer.GetType().Name,
            Parallelism.MaxThreads, Schedule.Describe(), Options.Precision.Name, _scaler?.State, Options.TotalSteps);
        return new TrainingCheckpoint(model, Optimizer.StateDict(), state);
    }

    /// <summary>
    /// Continues from <paramref name="checkpoint"/>. A checkpoint of another configuration (parameter names or
    /// shapes, optimiser, data stream, precision policy, loss scaling or not) is an <see cref="InvalidDataException"/>
    /// naming the mismatch, and the trainer is left as it was.
    /// </summary>
    public void Restore(TrainingCheckpoint checkpoint, string origin = "checkpoint")
    {
        var st = checkpoint.State;
        if (st.Optimizer != Optimizer.GetType().Name)
            throw new InvalidDataException($"{origin}: written by a run with optimizer {st.Optimizer}; this trainer uses {Optimizer.GetType().Name}. Nothing was loaded.");
        if (st.Precision != Options.Precision.Name)
            throw new InvalidDataException($"{origin}: written by a run with precision '{st.Precision}'; this trainer uses '{Options.Precision.Name}'. Nothing was loaded.");
        if ((st.LossScaler == null) != (_scaler == null))
            throw new InvalidDataException(st.LossScaler is { } ls
                ? $"{origin}: written by a run with loss scaling (scale {(double)ls.Scale:G}); this trainer has no GradScaler. Nothing was loaded."
                : $"{origin}: written by a run without loss scaling; this trainer has a GradScaler. Nothing was loaded.");
        var modelBefore = new Dictionary<string, Tensor>();
        foreach (var (n, p) in Model.NamedParameters()) modelBefore[n] = p.Clone();
        var sourceBefore = Source.SaveState();
        var scalerBefore = _scaler?.State;
        Model.LoadStateDict(checkpoint.Model, origin);   // checks names and shapes before copying anything
        try
        {
            Source.LoadState(st.Source, origin);
            if (_scaler != null) LoadScaler(st.LossScaler!.Value, origin);
            Optimizer.LoadStateDict(checkpoint.Optimizer, origin);
        }
        catch
        {
            Model.LoadStateDict(modelBefore);
            Source.LoadState(sourceBefore, "the state before the failed restore");
            if (scalerBefore is { } sb) _scaler!.Load(sb);
            throw;
        }
        if (_spikes != null)
        {
            var h = st.SpikeHistory;
            _spikes.Load(h.Length <= _spikes.Window ? h : h[^_spikes.Window..]);
        }
        Optimizer.ZeroGrad();
        (Step, Tokens, LrScale, _nonFiniteStreak, Rollbacks) = (st.Step, st.Tokens, st.LrScale, st.NonFiniteStreak, st.Rollbacks);
    }

    void LoadScaler(GradScalerState state, string origin)
    {
        try { _scaler!.Load(state); }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{origin}: trainer state field 'loss_scaler' does not fit this GradScaler ({e.Message}).", e);
        }
    }

    /// <summary>Writes a checkpoint to <see cref="TrainerOptions.Checkpoints"/> now; returns its path.</summary>
    public string SaveCheckpoint()
    {
        var store = Options.Checkpoints ?? throw new InvalidOperationException("TrainerOptions.Checkpoints is not set.");
        long t0 = Stopwatch.GetTimestamp();
        string path = store.Save(Snapshot());
        Timings.CheckpointSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return path;
    }

    /// <summary>
    /// Restores the newest readable checkpoint of <see cref="TrainerOptions.Checkpoints"/>; newer unreadable ones are
    /// reported as incidents. Returns null (and changes nothing) when the folder holds none.
    /// </summary>
    public LoadedCheckpoint? ResumeFromLatest()
    {
        var store = Options.Checkpoints ?? throw new InvalidOperationException("TrainerOptions.Checkpoints is not set.");
        var loaded = store.LoadLatest();
        if (loaded == null) return null;
        Restore(loaded.Checkpoint, loaded.Path);
        foreach (var error in loaded.Unreadable)
            Raise(new TrainingIncident(IncidentKind.CheckpointUnreadable, Step, double.NaN, double.NaN, $"{error}; resumed from {loaded.Path}"));
        return loaded;
    }

    /// <summary>
    /// Finishes the run from the current step, which must be in <paramref name="wsd"/>'s stable phase: the schedule
    /// becomes <c>wsd.BranchAt(Step, decaySteps)</c> (MiniCPM's point: any stable checkpoint can be decayed into a
    /// finished model). Returns the step at which the decay ends; <c>Run(thatStep)</c> trains it.
    /// </summary>
    public long BranchDecay(WarmupStableDecaySchedule wsd, long decaySteps)
    {
        if (Step < wsd.WarmupSteps || Step > wsd.DecayStartStep)
            throw new InvalidOperationException($"BranchDecay: step {Step} is outside the stable phase [{wsd.WarmupSteps}, {wsd.DecayStartStep}] of {wsd.Describe()}.");
        Schedule = wsd.BranchAt(Step, decaySteps);
        return Step + decaySteps;
    }

    bool HasRollbackPoint() => Options.Checkpoints is { } store ? store.List().Count > 0 : _lastGoodInMemory != null;

    // At a checkpoint step: to the store if there is one, else (rollback policy) in memory.
    void KeepCheckpoint()
    {
        if (Options.Checkpoints != null) SaveCheckpoint();
        else _lastGoodInMemory = Snapshot();
    }

    void RollBack(long spikeStep, SpikeGuard guard)
    {
        if (Rollbacks >= guard.MaxRollbacks)
            throw new TrainingDivergedException($"step {spikeStep}: a loss spike after {Rollbacks} rollbacks (MaxRollbacks = {guard.MaxRollbacks}).");
        var afterSpike = Source.SaveState();
        double scale = LrScale * guard.RollbackLrFactor;
        int rollbacks = Rollbacks + 1;
        string origin;
        if (Options.Checkpoints != null)
        {
            var loaded = ResumeFromLatest() ?? throw new TrainingDivergedException($"step {spikeStep}: no checkpoint to roll back to in {Options.Checkpoints.Directory}.");
            origin = loaded.Path;
        }
        else
        {
            Restore(_lastGoodInMemory!, "the in-memory checkpoint");
            origin = $"the in-memory checkpoint of step {_lastGoodInMemory!.Step}";
        }
        long skipped = spikeStep + 1 - Step;
        Source.LoadState(afterSpike, "the data position after the spike");
        LrScale = scale;
        Rollbacks = rollbacks;
        Raise(new TrainingIncident(IncidentKind.Rollback, spikeStep, double.NaN, double.NaN,
            $"back to step {Step} ({origin}); the data of {skipped} step(s) skipped; LR scale now {LrScale:G4}"));
    }

    void Raise(TrainingIncident incident)
    {
        _incidents.Add(incident);
        _log?.Write(incident, Tokens);
        foreach (var r in Reporters) r.Incident(incident);
        IncidentRaised?.Invoke(incident);
    }

    void OpenLog()
    {
        if (_log != null || Options.MetricsPath == null) return;
        _log = Step == 0 ? MetricsLog.Create(Options.MetricsPath) : MetricsLog.Resume(Options.MetricsPath, Step);
    }

    public void Dispose()
    {
        _log?.Dispose();
        _log = null;
    }
}
