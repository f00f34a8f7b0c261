using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Pre-LayerNorm Transformer block (GPT-2 / the anchor encoder):
///   x = x + Dropout(proj(SelfAttention(qkv(ln1(x)))));  x = x + Dropout(fc2(GELU(fc1(ln2(x))))).
/// Names match PyTorch's anchor model: ln1, qkv, proj, ln2, fc1, fc2. x (B,T,C) -> (B,T,C).
/// The residual stream is stored in the <see cref="Autocast"/> policy's <see cref="OpClass.Residual"/> format.
/// With <see cref="GradientCheckpointing"/> the block keeps only its input and recomputes itself in backward.
/// </summary>
public sealed class TransformerBlock : CheckpointableBlock
{
    public LayerNorm Ln1 { get; }
    public Linear Qkv { get; }
    public Linear Proj { get; }
    public LayerNorm Ln2 { get; }
    public Linear Fc1 { get; }
    public Linear Fc2 { get; }
    public int NumHeads { get; }
    public float DropoutP { get; }
    public GeluApproximation Gelu { get; }
    readonly Generator? _generator;

    public TransformerBlock(int dim, int numHeads, int ffnDim, float dropout = 0f, GeluApproximation gelu = GeluApproximation.None,
        Generator? generator = null)
    {
        if (dim % numHeads != 0) throw new ArgumentException($"TransformerBlock: dim {dim} is not divisible by {numHeads} heads.");
        NumHeads = numHeads;
        DropoutP = dropout;
        Gelu = gelu;
        _generator = generator;
        Ln1 = RegisterModule("ln1", new LayerNorm(dim));
        Qkv = RegisterModule("qkv", new Linear(dim, 3 * dim, true, generator));
        Proj = RegisterModule("proj", new Linear(dim, dim, true, generator));
        Ln2 = RegisterModule("ln2", new LayerNorm(dim));
        Fc1 = RegisterModule("fc1", new Linear(dim, ffnDim, true, generator));
        Fc2 = RegisterModule("fc2", new Linear(ffnDim, dim, true, generator));
    }

    /// <summary>x (B,T,C); an additive mask broadcasting to (B,H,T,T) and/or causal masking.</summary>
    public Tensor Forward(Tensor x, Tensor? attnMask = null, bool isCausal = false)
    {
        Tensor[] inputs = attnMask != null ? [x, attnMask] : [x];
        return Run(t => Compute(t[0], t.Length > 1 ? t[1] : null, isCausal), inputs, _generator);
    }

    Tensor Compute(Tensor x, Tensor? attnMask, bool isCausal)
    {
        float p = Training ? DropoutP : 0f;
        var a = F.SelfAttention(Qkv.Forward(Ln1.Forward(x)), NumHeads, attnMask, isCausal, p, _generator);
        x = F.Cast(x + F.Dropout(Proj.Forward(a), p, Training, _generator), OpClass.Residual);
        var h = Fc2.Forward(F.Gelu(Fc1.Forward(Ln2.Forward(x)), Gelu));
        return F.Cast(x + F.Dropout(h, p, Training, _generator), OpClass.Residual);
    }
}
