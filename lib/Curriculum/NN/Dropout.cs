using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>Dropout active in training mode only (<c>nn.Dropout</c>).</summary>
public sealed class Dropout(float p, Generator? generator = null) : Module
{
    public float P { get; } = p;

    public Tensor Forward(Tensor x) => F.Dropout(x, P, Training, generator);
}
