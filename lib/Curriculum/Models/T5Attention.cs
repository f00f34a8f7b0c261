using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// T5's attention: projections q, k, v, o without biases, scores softmax(q·kᵀ/√d + position bias + mask).
/// The position bias (self-attention) goes in as an additive mask that needs a gradient, and the attention gives it
/// one (<see cref="F.MultiHeadAttention"/>), so the bias table learns. (T5 itself drops the 1/√d and folds it into
/// its initialisation; here the usual scale is kept, so the standard N(0, 0.02) initialisation applies.)
/// x (B,Tq,C), context (B,Tk,C) or null -> (B,Tq,C).
/// </summary>
public sealed class T5Attention : Module
{
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }
    public int NumHeads { get; }

    public T5Attention(int dim, int numHeads, Generator? generator = null)
    {
        if (dim % numHeads != 0) throw new ArgumentException($"T5Attention: dim {dim} is not divisible by {numHeads} heads.");
        NumHeads = numHeads;
        Q = RegisterModule("q", new Linear(dim, dim, false, generator));
        K = RegisterModule("k", new Linear(dim, dim, false, generator));
        V = RegisterModule("v", new Linear(dim, dim, false, generator));
        O = RegisterModule("o", new Linear(dim, dim, false, generator));
    }

    /// <summary>positionBias (1,H,Tq,Tk) with a gradient, or null; mask additive, broadcasting to (B,H,Tq,Tk); isCausal blocks key j &gt; query i.</summary>
    public Tensor Forward(Tensor x, Tensor? context = null, Tensor? positionBias = null, Tensor? mask = null, bool isCausal = false)
    {
        var kvIn = context ?? x;
        var added = positionBias == null ? mask : mask == null ? positionBias : positionBias + mask;   // (B|1,H|1,Tq|1,Tk)
        return O.Forward(F.MultiHeadAttention(Q.Forward(x), K.Forward(kvIn), V.Forward(kvIn), NumHeads, added, isCausal));
    }
}
