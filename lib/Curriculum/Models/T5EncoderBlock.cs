using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// One T5 encoder layer, pre-norm: x = x + attn(ln1(x)) with the stack's position bias; x = x + wo(ReLU(wi(ln2(x)))).
/// LayerNorm stands in for T5's RMS norm (scale only, no mean subtraction). Names: ln1, attn.{q,k,v,o}, ln2, wi, wo.
/// With <see cref="GradientCheckpointing"/> the block keeps only its inputs and recomputes itself in backward.
/// </summary>
public sealed class T5EncoderBlock : CheckpointableBlock
{
    public LayerNorm Ln1 { get; }
    public T5Attention Attn { get; }
    public LayerNorm Ln2 { get; }
    public Linear Wi { get; }
    public Linear Wo { get; }
    readonly float _dropout;
    readonly Generator? _generator;

    public T5EncoderBlock(T5Config c, Generator? generator = null)
    {
        (_dropout, _generator) = (c.Dropout, generator);
        Ln1 = RegisterModule("ln1", new LayerNorm(c.Dim));
        Attn = RegisterModule("attn", new T5Attention(c.Dim, c.Heads, generator));
        Ln2 = RegisterModule("ln2", new LayerNorm(c.Dim));
        Wi = RegisterModule("wi", new Linear(c.Dim, c.FfnDim, false, generator));
        Wo = RegisterModule("wo", new Linear(c.FfnDim, c.Dim, false, generator));
    }

    /// <summary>x (B,S,C), positionBias (1,H,S,S), padding mask (B,1,1,S) or null.</summary>
    public Tensor Forward(Tensor x, Tensor positionBias, Tensor? mask)
    {
        Tensor[] inputs = mask != null ? [x, positionBias, mask] : [x, positionBias];
        return Run(t => Compute(t[0], t[1], t.Length > 2 ? t[2] : null), inputs, _generator);
    }

    Tensor Compute(Tensor x, Tensor positionBias, Tensor? mask)
    {
        x = x + F.Dropout(Attn.Forward(Ln1.Forward(x), null, positionBias, mask), _dropout, Training, _generator);
        return x + F.Dropout(Wo.Forward(F.Relu(Wi.Forward(Ln2.Forward(x)))), _dropout, Training, _generator);
    }
}
