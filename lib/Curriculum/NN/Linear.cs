using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// y = x Wᵀ + b (<c>nn.Linear</c>): weight (Out,In), bias (Out). Initialised as PyTorch does:
/// W, b ~ U(-1/√In, 1/√In). An attached <see cref="LinearAdapter"/> (LoRA) computes the output instead.
/// </summary>
public class Linear : Module
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>The adapter that computes this layer's output from x and the frozen W, b (e.g. LoRA's W x + s·B A x), or null.</summary>
    public LinearAdapter? Adapter { get; private set; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Rand([outFeatures, inFeatures], -bound, bound, generator));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand([outFeatures], -bound, bound, generator));
    }

    /// <summary>Attaches <paramref name="adapter"/> as the child <paramref name="name"/> (its parameters are named "name.*"); one per layer.</summary>
    public void AttachAdapter(string name, LinearAdapter adapter)
    {
        if (Adapter != null) throw new InvalidOperationException($"Linear: an adapter ({Adapter.GetType().Name}) is already attached.");
        Adapter = RegisterModule(name, adapter);
    }

    /// <summary>x (...,In) -> (...,Out).</summary>
    public virtual Tensor Forward(Tensor x) => Adapter != null ? Adapter.Forward(this, x) : F.Linear(x, Weight, Bias);
}
