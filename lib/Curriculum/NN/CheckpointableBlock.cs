using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// A block that can keep only its inputs in the forward pass and recompute itself in backward
/// (<see cref="Checkpoint"/>; PyTorch: <c>torch.utils.checkpoint</c>), replaying the same dropout masks: same gradients,
/// less memory, one more forward pass. <see cref="NN.GradientCheckpointing.Enable"/> switches every such block of a model.
/// </summary>
public abstract class CheckpointableBlock : Module
{
    List<Tensor>? _parameterList;

    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// <paramref name="compute"/>(<paramref name="inputs"/>), checkpointed when <see cref="GradientCheckpointing"/> is on
    /// and a graph is being recorded; <paramref name="generator"/> is the stream the block's dropout draws from.
    /// </summary>
    protected Tensor Run(Func<Tensor[], Tensor> compute, Tensor[] inputs, Generator? generator)
    {
        if (!GradientCheckpointing || !Autograd.IsGradEnabled) return compute(inputs);
        _parameterList ??= Parameters().ToList();
        return Checkpoint.Run(compute, inputs, _parameterList, generator);
    }
}
