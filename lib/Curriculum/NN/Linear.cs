using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// y = x Wᵀ + b (<c>nn.Linear</c>): weight (Out,In), bias (Out). Initialised as PyTorch does:
/// W, b ~ U(-1/√In, 1/√In).
/// </summary>
public class Linear : Module
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int InFeatures { get; }
    public int OutFeatures { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Rand([outFeatures, inFeatures], -bound, bound, generator));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand([outFeatures], -bound, bound, generator));
    }

    /// <summary>x (...,In) -> (...,Out).</summary>
    public virtual Tensor Forward(Tensor x) => F.Linear(x, Weight, Bias);
}
