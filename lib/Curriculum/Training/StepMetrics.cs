namespace Curriculum.Training;

/// <summary>
/// One optimiser step as logged: <see cref="Step"/> counts updates done after it (1 = the first), <see cref="Loss"/> is
/// the weighted total of the step's micro-batches (their mean), <see cref="TaskLosses"/> each task's unweighted loss,
/// <see cref="Lr"/> the LR this update used, <see cref="GradNorm"/> the global gradient norm before clipping.
/// <see cref="Updated"/> is false when the update was skipped (non-finite loss or gradient, a skipped spike, loss-scaled
/// gradients that overflowed). <see cref="LossScale"/> is the scale this step's backward used (null without loss scaling).
/// </summary>
public sealed record StepMetrics(
    long Step,
    long Tokens,
    double Loss,
    IReadOnlyDictionary<string, double> TaskLosses,
    double Lr,
    double GradNorm,
    double TokensPerSecond,
    double Seconds,
    bool Updated,
    double? LossScale = null);

/// <summary>An evaluation after <see cref="Step"/> updates: name -> value, e.g. "general" -> held-out loss.</summary>
public sealed record EvalMetrics(long Step, long Tokens, IReadOnlyDictionary<string, double> Values);
