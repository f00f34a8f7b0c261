using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>The knobs of a <see cref="Trainer{TBatch}"/>, each a visible named value (nanoGPT's train.py habit).</summary>
public sealed record TrainerOptions
{
    /// <summary>Optimiser steps in the run: progress = step / TotalSteps drives a mixture schedule, and the ETA.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Micro-batches per optimiser step; each micro-loss is divided by this so the gradient is their mean.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Clip the global gradient norm to this (<c>clip_grad_norm_</c>); null = measure only.</summary>
    public double? MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// The generator the model's dropout draws from, re-seeded from (<see cref="Seed"/>, step) before every step, so
    /// a resumed run draws the same masks without saving the generator's state.
    /// </summary>
    public Generator? DropoutGenerator { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Where the metrics JSONL goes (null: nowhere; the events still fire).</summary>
    public string? MetricsPath { get; init; }

    /// <summary>Write every n-th step to the metrics log (guard events and evaluations are always written).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>Evaluate every n steps (0: never) with <see cref="Evaluate"/>, in eval mode and without gradients.</summary>
    public int EvalEvery { get; init; }

    /// <summary>Name -> value, e.g. held-out losses; logged as "eval/&lt;name&gt;".</summary>
    public Func<IReadOnlyDictionary<string, double>>? Evaluate { get; init; }

    /// <summary>Save a checkpoint to <see cref="Checkpoints"/> every n steps (0: never).</summary>
    public int CheckpointEvery { get; init; }

    public CheckpointStore? Checkpoints { get; init; }

    /// <summary>Loss-spike detection and policy; null: no spike detection (the non-finite guard is always on).</summary>
    public SpikeGuard? Spikes { get; init; }

    /// <summary>Stop with <see cref="TrainingDivergedException"/> after this many non-finite steps in a row.</summary>
    public int MaxNonFiniteSteps { get; init; } = 10;

    /// <summary>
    /// The mixed-precision policy (PyTorch: <c>torch.autocast(dtype=...)</c> and the parameters' dtype). Under
    /// <see cref="PrecisionPolicy.Fp32"/> (the default) the step is the plain fp32 one and nothing is rounded. Otherwise
    /// the objective runs inside <see cref="Autocast.Enter"/>, the gradients are rounded to the policy's
    /// <see cref="OpClass.Gradients"/> format after backward, and the weights and the optimiser's state to its
    /// <see cref="OpClass.MasterWeights"/> format (16-bit master weights also round the initial weights, as
    /// <c>model.bfloat16()</c> does). Recorded in checkpoints: a resume under another policy is refused.
    /// </summary>
    public PrecisionPolicy Precision { get; init; } = PrecisionPolicy.Fp32;

    /// <summary>
    /// Dynamic loss scaling (PyTorch: <c>torch.amp.GradScaler</c>). Null (the default): the trainer makes one with
    /// PyTorch's defaults when <see cref="Precision"/> needs it (<see cref="PrecisionPolicy.NeedsLossScaling"/>: fp16)
    /// and none otherwise, as a trainer's <c>precision="16-mixed"</c> / <c>fp16=True</c> switch does; set one to choose
    /// its initial scale, factors or growth interval (it is then used under any policy). Its scale and growth tracker
    /// are part of the checkpoint.
    /// </summary>
    public GradScaler? LossScaler { get; init; }
}
