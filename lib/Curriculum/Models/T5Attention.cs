using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// T5's attention: projections q, k, v, o without biases, scores softmax(q·kᵀ/√d + position bias + mask).
/// With a position bias (self-attention) the scores are built from engine ops so the bias table gets its gradient;
/// without (cross-attention) the engine's fused kernel runs. (T5 itself drops the 1/√d and folds it into its
/// initialisation; here the usual scale is kept, so the standard N(0, 0.02) initialisation applies.)
/// x (B,Tq,C), context (B,Tk,C) or null -> (B,Tq,C).
/// </summary>
public sealed class T5Attention : Module
{
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }
    public int NumHeads { get; }
    readonly int _dim;

    public T5Attention(int dim, int numHeads, Generator? generator = null)
    {
        if (dim % numHeads != 0) throw new ArgumentException($"T5Attention: dim {dim} is not divisible by {numHeads} heads.");
        (_dim, NumHeads) = (dim, numHeads);
        Q = RegisterModule("q", new Linear(dim, dim, false, generator));
        K = RegisterModule("k", new Linear(dim, dim, false, generator));
        V = RegisterModule("v", new Linear(dim, dim, false, generator));
        O = RegisterModule("o", new Linear(dim, dim, false, generator));
    }

    /// <summary>positionBias (1,H,Tq,Tk) with a gradient, or null; mask additive, broadcasting to (B,H,Tq,Tk); isCausal blocks key j &gt; query i.</summary>
    public Tensor Forward(Tensor x, Tensor? context = null, Tensor? positionBias = null, Tensor? mask = null, bool isCausal = false)
    {
        var kvIn = context ?? x;
        Tensor q = Q.Forward(x), k = K.Forward(kvIn), v = V.Forward(kvIn);
        if (positionBias == null) return O.Forward(F.MultiHeadAttention(q, k, v, NumHeads, mask, isCausal));
        int b = x.Size(0), tq = x.Size(1), tk = kvIn.Size(1), h = NumHeads, d = _dim / h;
        var qh = q.Reshape(b, tq, h, d).Permute(0, 2, 1, 3);                // (B,H,Tq,D)
        var kt = k.Reshape(b, tk, h, d).Permute(0, 2, 3, 1);                // (B,H,D,Tk)
        var vh = v.Reshape(b, tk, h, d).Permute(0, 2, 1, 3);                // (B,H,Tk,D)
        var scores = F.MatMul(qh, kt) * (1f / MathF.Sqrt(d)) + positionBias; // (B,H,Tq,Tk)
        if (mask != null) scores = scores + mask;
        if (isCausal) scores = scores + AttentionMask.Causal(tq, tk).To(scores.Device);
        var o = F.MatMul(F.Softmax(scores, -1), vh);                         // (B,H,Tq,D)
        return O.Forward(o.Permute(0, 2, 1, 3).Reshape(b, tq, _dim));
    }
}
