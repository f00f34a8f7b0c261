namespace Curriculum.NN;

/// <summary>
/// A block that can keep only its inputs in the forward pass and recompute itself in backward
/// (<see cref="Tensors.Checkpoint"/>), with the same dropout masks: same gradients, less memory, one more forward pass.
/// <see cref="GradientCheckpointing.Enable"/> switches every such block of a model.
/// </summary>
public interface ICheckpointedBlock
{
    bool GradientCheckpointing { get; set; }
}
