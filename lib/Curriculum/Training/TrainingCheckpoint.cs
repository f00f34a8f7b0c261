using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>
/// A snapshot of a run between two steps: the model's parameters, the optimiser's state (both as copies, by their
/// state-dict names) and the <see cref="TrainerState"/>. Kept in memory (a notebook branching decays) or written by
/// a <see cref="CheckpointStore"/>.
/// </summary>
public sealed record TrainingCheckpoint(
    IReadOnlyDictionary<string, Tensor> Model,
    IReadOnlyDictionary<string, Tensor> Optimizer,
    TrainerState State)
{
    public long Step => State.Step;
}
