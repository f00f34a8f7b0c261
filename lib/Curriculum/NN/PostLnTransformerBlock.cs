using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Post-LayerNorm Transformer block, as in the original Transformer and BERT (Vaswani et al. 2017; Devlin et al. 2019):
///   x = ln1(x + Dropout(proj(SelfAttention(qkv(x)))));  x = ln2(x + Dropout(fc2(GELU(fc1(x))))).
/// The normalisation sits after each residual sum (compare <see cref="TransformerBlock"/>, pre-LN). Same parameter
/// names as <see cref="TransformerBlock"/>. x (B,T,C) -> (B,T,C).
/// With <see cref="GradientCheckpointing"/> the block keeps only its input and recomputes itself in backward.
/// </summary>
public sealed class PostLnTransformerBlock : CheckpointableBlock
{
    public Linear Qkv { get; }
    public Linear Proj { get; }
    public LayerNorm Ln1 { get; }
    public Linear Fc1 { get; }
    public Linear Fc2 { get; }
    public LayerNorm Ln2 { get; }
    public int NumHeads { get; }
    public float DropoutP { get; }
    readonly Generator? _generator;

    public PostLnTransformerBlock(int dim, int numHeads, int ffnDim, float dropout = 0f, float layerNormEps = 1e-12f, Generator? generator = null)
    {
        if (dim % numHeads != 0) throw new ArgumentException($"PostLnTransformerBlock: dim {dim} is not divisible by {numHeads} heads.");
        NumHeads = numHeads;
        DropoutP = dropout;
        _generator = generator;
        Qkv = RegisterModule("qkv", new Linear(dim, 3 * dim, true, generator));
        Proj = RegisterModule("proj", new Linear(dim, dim, true, generator));
        Ln1 = RegisterModule("ln1", new LayerNorm(dim, layerNormEps));
        Fc1 = RegisterModule("fc1", new Linear(dim, ffnDim, true, generator));
        Fc2 = RegisterModule("fc2", new Linear(ffnDim, dim, true, generator));
        Ln2 = RegisterModule("ln2", new LayerNorm(dim, layerNormEps));
    }

    /// <summary>x (B,T,C); an additive mask broadcasting to (B,H,T,T) (e.g. padding) and/or causal masking.</summary>
    public Tensor Forward(Tensor x, Tensor? attnMask = null, bool isCausal = false)
    {
        Tensor[] inputs = attnMask != null ? [x, attnMask] : [x];
        return Run(t => Compute(t[0], t.Length > 1 ? t[1] : null, isCausal), inputs, _generator);
    }

    Tensor Compute(Tensor x, Tensor? attnMask, bool isCausal)
    {
        float p = Training ? DropoutP : 0f;
        var a = F.SelfAttention(Qkv.Forward(x), NumHeads, attnMask, isCausal, p, _generator);
        x = Ln1.Forward(x + F.Dropout(Proj.Forward(a), p, Training, _generator));
        var h = Fc2.Forward(F.Gelu(Fc1.Forward(x)));
        return Ln2.Forward(x + F.Dropout(h, p, Training, _generator));
    }
}
