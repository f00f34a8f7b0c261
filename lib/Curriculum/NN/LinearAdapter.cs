using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// A module that takes over a <see cref="Linear"/> layer's forward pass once attached with
/// <see cref="Linear.AttachAdapter"/>, reading the layer's own weight and bias (as PEFT wraps a base layer).
/// </summary>
public abstract class LinearAdapter : Module
{
    /// <summary>x (...,In) through <paramref name="layer"/> with this adapter -> (...,Out).</summary>
    public abstract Tensor Forward(Linear layer, Tensor x);
}
