namespace Curriculum.Training;

/// <summary>What the stability guard saw.</summary>
public enum IncidentKind
{
    /// <summary>The loss or the gradient norm was NaN or infinite: the update was skipped.</summary>
    NonFinite,
    /// <summary>The loss exceeded mean + k·std of the recent window.</summary>
    Spike,
    /// <summary>The trainer went back to a checkpoint, lowered the LR and skipped the data since.</summary>
    Rollback,
    /// <summary>A checkpoint could not be read (corrupt or truncated) and an older one was used.</summary>
    CheckpointUnreadable,
    /// <summary>
    /// The loss-scaled gradients held an inf or NaN while the loss was finite: the update was skipped and the
    /// <see cref="Curriculum.Precision.GradScaler"/> lowered its scale (PyTorch's <c>scaler.step</c> skips silently).
    /// Expected now and then under fp16, so it does not count toward <see cref="TrainerOptions.MaxNonFiniteSteps"/>.
    /// </summary>
    GradientOverflow,
}

/// <summary>
/// A guard event at optimiser step <see cref="Step"/> (0-based: the update being attempted). <see cref="Loss"/> and
/// <see cref="Threshold"/> are set for spikes; <see cref="Detail"/> says what was done, in words.
/// </summary>
public sealed record TrainingIncident(IncidentKind Kind, long Step, double Loss, double Threshold, string Detail)
{
    public override string ToString() => $"step {Step}: {Kind}: {Detail}";
}
