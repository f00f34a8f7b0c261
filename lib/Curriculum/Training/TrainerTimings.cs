namespace Curriculum.Training;

/// <summary>
/// Wall seconds spent in the training steps so far, split into the model's work (forward + backward, the
/// optimiser's update) and everything else the trainer does per step (drawing batches, summing losses, clipping,
/// the guard, the metrics log, callbacks): <see cref="OverheadFraction"/> is that remainder's share of step time.
/// Evaluations and checkpoints are counted apart.
/// </summary>
public sealed class TrainerTimings
{
    public long Steps { get; internal set; }
    public double StepSeconds { get; internal set; }
    public double ForwardBackwardSeconds { get; internal set; }
    public double OptimizerSeconds { get; internal set; }
    public double EvalSeconds { get; internal set; }
    public double CheckpointSeconds { get; internal set; }

    public double OverheadSeconds => StepSeconds - ForwardBackwardSeconds - OptimizerSeconds;
    public double OverheadFraction => StepSeconds > 0 ? OverheadSeconds / StepSeconds : 0;

    public void Reset()
    {
        Steps = 0;
        StepSeconds = ForwardBackwardSeconds = OptimizerSeconds = EvalSeconds = CheckpointSeconds = 0;
    }

    public override string ToString() =>
        $"{Steps} steps: {StepSeconds:F2}s in steps (forward+backward {ForwardBackwardSeconds:F2}s, optimiser {OptimizerSeconds:F2}s, " +
        $"trainer overhead {OverheadSeconds:F3}s = {OverheadFraction:P2}); eval {EvalSeconds:F2}s, checkpoints {CheckpointSeconds:F2}s";
}
