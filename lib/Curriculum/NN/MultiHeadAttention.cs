using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Multi-head attention with its projections (<c>nn.MultiheadAttention</c>, batch first): q from x, k and v
/// from a context (x itself for self-attention, the encoder's output for cross-attention).
/// Parameters: q (C->C), kv (Ckv->2C, keys then values), proj (C->C).
/// </summary>
public sealed class MultiHeadAttention : Module
{
    public Linear Q { get; }
    public Linear KV { get; }
    public Linear Proj { get; }
    public int NumHeads { get; }
    public float DropoutP { get; }
    readonly Generator? _generator;
    readonly int _dim;

    public MultiHeadAttention(int dim, int numHeads, int? contextDim = null, float dropout = 0f, bool bias = true, Generator? generator = null)
    {
        if (dim % numHeads != 0) throw new ArgumentException($"MultiHeadAttention: dim {dim} is not divisible by {numHeads} heads.");
        _dim = dim;
        NumHeads = numHeads;
        DropoutP = dropout;
        _generator = generator;
        Q = RegisterModule("q", new Linear(dim, dim, bias, generator));
        KV = RegisterModule("kv", new Linear(contextDim ?? dim, 2 * dim, bias, generator));
        Proj = RegisterModule("proj", new Linear(dim, dim, bias, generator));
    }

    /// <summary>x (B,Tq,C), context (B,Tk,Ckv) or null for self-attention, additive mask broadcasting to (B,H,Tq,Tk) -> (B,Tq,C).</summary>
    public Tensor Forward(Tensor x, Tensor? context = null, Tensor? attnMask = null, bool isCausal = false)
    {
        var q = Q.Forward(x);
        var kv = F.Split(KV.Forward(context ?? x), _dim, 2);
        var o = F.MultiHeadAttention(q, kv[0], kv[1], NumHeads, attnMask, isCausal, Training ? DropoutP : 0f, _generator);
        return Proj.Forward(o);
    }
}
