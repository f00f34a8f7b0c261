using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// One T5 decoder layer, pre-norm: causal self-attention with the decoder's position bias, cross-attention over the
/// encoder's output (no position bias, as T5), a ReLU MLP. Names: ln1, self_attn, ln2, cross_attn, ln3, wi, wo.
/// With <see cref="GradientCheckpointing"/> the block keeps only its inputs and recomputes itself in backward.
/// </summary>
public sealed class T5DecoderBlock : CheckpointableBlock
{
    public LayerNorm Ln1 { get; }
    public T5Attention SelfAttn { get; }
    public LayerNorm Ln2 { get; }
    public T5Attention CrossAttn { get; }
    public LayerNorm Ln3 { get; }
    public Linear Wi { get; }
    public Linear Wo { get; }
    readonly float _dropout;
    readonly Generator? _generator;

    public T5DecoderBlock(T5Config c, Generator? generator = null)
    {
        (_dropout, _generator) = (c.Dropout, generator);
        Ln1 = RegisterModule("ln1", new LayerNorm(c.Dim));
        SelfAttn = RegisterModule("self_attn", new T5Attention(c.Dim, c.Heads, generator));
        Ln2 = RegisterModule("ln2", new LayerNorm(c.Dim));
        CrossAttn = RegisterModule("cross_attn", new T5Attention(c.Dim, c.Heads, generator));
        Ln3 = RegisterModule("ln3", new LayerNorm(c.Dim));
        Wi = RegisterModule("wi", new Linear(c.Dim, c.FfnDim, false, generator));
        Wo = RegisterModule("wo", new Linear(c.FfnDim, c.Dim, false, generator));
    }

    /// <summary>y (B,U,C), positionBias (1,H,U,U), encoder output (B,S,C), encoder padding mask (B,1,1,S) or null.</summary>
    public Tensor Forward(Tensor y, Tensor positionBias, Tensor encoderOutput, Tensor? encoderMask)
    {
        Tensor[] inputs = encoderMask != null ? [y, positionBias, encoderOutput, encoderMask] : [y, positionBias, encoderOutput];
        return Run(t => Compute(t[0], t[1], t[2], t.Length > 3 ? t[3] : null), inputs, _generator);
    }

    Tensor Compute(Tensor y, Tensor positionBias, Tensor encoderOutput, Tensor? encoderMask)
    {
        float p = Training ? _dropout : 0f;
        y = y + F.Dropout(SelfAttn.Forward(Ln1.Forward(y), null, positionBias, null, isCausal: true), p, Training, _generator);
        y = y + F.Dropout(CrossAttn.Forward(Ln2.Forward(y), encoderOutput, null, encoderMask), p, Training, _generator);
        return y + F.Dropout(Wo.Forward(F.Relu(Wi.Forward(Ln3.Forward(y)))), p, Training, _generator);
    }
}
