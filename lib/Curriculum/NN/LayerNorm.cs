using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>Layer normalisation over the last dimension (<c>nn.LayerNorm</c>): weight ones, bias zeros.</summary>
public sealed class LayerNorm : Module
{
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public float Eps { get; }

    public LayerNorm(int dim, float eps = 1e-5f)
    {
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones(dim));
        Bias = RegisterParameter("bias", Tensor.Zeros(dim));
    }

    /// <summary>x (...,C) -> (...,C).</summary>
    public Tensor Forward(Tensor x) => F.LayerNorm(x, Weight, Bias, Eps);
}
