using Curriculum.Tensors;

namespace Curriculum.Optim;

/// <summary>
/// Parameters that share hyperparameters (a PyTorch param group), e.g. no weight decay on biases and norms.
/// Unset values take the optimizer's defaults; a learning-rate schedule sets <see cref="Lr"/> before each step.
/// </summary>
public sealed class ParamGroup(IEnumerable<Tensor> parameters)
{
    public IReadOnlyList<Tensor> Params { get; } = parameters.ToList();
    public float? Lr { get; set; }
    public float? WeightDecay { get; set; }
}
