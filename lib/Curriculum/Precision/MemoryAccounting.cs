namespace Curriculum.Precision;

/// <summary>
/// Bytes of parameters, gradients, AdamW state and activations for a <see cref="TransformerShape"/> under a
/// <see cref="PrecisionPolicy"/>, with or without gradient checkpointing per block.
///
/// Activations follow Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
/// section 4.1: per layer sbh(34 + 5as/h) bytes with 16-bit activations, dropout included and a 4h MLP
/// (s = T, b = batch, h = d, a = heads). This model has no dropout and an MLP of width f, and we count what
/// backward needs (PyTorch's saved tensors) in each tensor's own format. Per block, in elements:
/// <code>
///   layer norm 1 input           sbh    LayerNorm      layer norm 2 input           sbh    LayerNorm
///   layer norm 1 mean, 1/std     2sb    LayerNorm      layer norm 2 mean, 1/std     2sb    LayerNorm
///   QKV input (LN1 output)       sbh    MatMulInput    MLP input (LN2 output)       sbh    MatMulInput
///   Q, K, V                      3sbh   MatMulInput    GELU input (fc1 output)      sbf    MatMulOutput
///   softmax output P             as²b   Softmax        fc2 input (GELU output)      sbf    MatMulInput
///   P as the P·V input           as²b   MatMulInput, only when its format differs from Softmax's (a cast copy)
///   output projection input      sbh    MatMulInput
/// </code>
/// = 8sbh + 2sbf + as²b + 4sb elements: all 16-bit, f = 4h and without the layer-norm statistics, 32sbh + 2as²b bytes,
/// which is the paper's 34sbh + 5as²b less the dropout masks (sbh + sbh + as²b at 1 byte) and attention dropout's output (2as²b).
/// Once, for the head: final layer norm input sbh and statistics 2sb (LayerNorm), head input sbh (MatMulInput),
/// log-softmax output sbV (Loss). Not counted: integer token ids and targets, 0-d scalars, gradient buffers of
/// activations during backward, temporaries freed within the forward pass (e.g. attention scores before softmax).
///
/// Checkpointing per block keeps only each block's input (sbh in the Residual format) and rebuilds one block's
/// tensors at a time in backward (<see cref="MemoryEstimate.RecomputedActivations"/>): Korthikanti's full
/// recomputation, 2sbhL bytes with 16-bit values.
///
/// Model state: master weights, gradients and AdamW's two moments (P each, in the MasterWeights, Gradients and
/// MasterWeights formats), plus a copy of the matrix-product weights when MatMulInput's format differs from the
/// master weights' (fp32: 16 bytes per parameter; bf16 autocast: 16 + 2 per matrix-product weight).
/// </summary>
public static class MemoryAccounting
{
    /// <summary>Korthikanti et al. 2022, section 4.1, eq. (1): activation bytes per layer, sbh(34 + 5as/h), 16-bit activations with dropout.</summary>
    public static long KorthikantiBytesPerLayer(long s, long b, long h, long a) => 34 * s * b * h + 5 * a * s * s * b;

    /// <summary>The estimate for one training step (see the class comment for what is counted).</summary>
    public static MemoryEstimate Estimate(TransformerShape shape, PrecisionPolicy policy, bool checkpointing = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(policy);
        shape.Validate();
        long p = shape.ParameterCount;
        var master = policy.FormatFor(OpClass.MasterWeights);
        var matmul = policy.FormatFor(OpClass.MatMulInput);
        long parameters = p * Bytes(master);
        long copies = matmul == master ? 0 : shape.MatMulParameterCount * Bytes(matmul);
        long gradients = p * policy.BytesFor(OpClass.Gradients);
        long optimizer = 2 * p * Bytes(master);

        var block = BlockItems(shape, policy, copies: shape.Layers);
        var items = new List<ActivationItem>();
        if (checkpointing)
            items.Add(new ActivationItem("block input (checkpoint)", shape.Tokens * shape.Dim, policy.FormatFor(OpClass.Residual), shape.Layers));
        else
            items.AddRange(block);
        items.AddRange(HeadItems(shape, policy));

        long saved = 0;
        foreach (var item in items) saved += item.Bytes;
        long recomputed = 0;
        if (checkpointing)
            foreach (var item in BlockItems(shape, policy, copies: 1)) recomputed += item.Bytes;
        return new MemoryEstimate(parameters, copies, gradients, optimizer, saved, recomputed, items);
    }

    /// <summary>The tensors one block saves for backward (table in the class comment).</summary>
    public static IReadOnlyList<ActivationItem> BlockItems(TransformerShape shape, PrecisionPolicy policy, int copies = 1)
    {
        long sb = shape.Tokens, sbh = sb * shape.Dim, sbf = sb * shape.Ffn;
        long probs = (long)shape.Heads * shape.Context * shape.Context * shape.Batch;
        var ln = policy.FormatFor(OpClass.LayerNorm);
        var mmIn = policy.FormatFor(OpClass.MatMulInput);
        var softmax = policy.FormatFor(OpClass.Softmax);
        var items = new List<ActivationItem>
        {
            new("layer norm 1 input", sbh, ln, copies),
            new("layer norm 1 mean and 1/std", 2 * sb, ln, copies),
            new("QKV input (layer norm 1 output)", sbh, mmIn, copies),
            new("Q, K, V", 3 * sbh, mmIn, copies),
            new("attention probabilities (softmax output)", probs, softmax, copies),
        };
        if (softmax != mmIn) items.Add(new("attention probabilities as P·V input", probs, mmIn, copies));
        items.Add(new("output projection input", sbh, mmIn, copies));
        items.Add(new("layer norm 2 input", sbh, ln, copies));
        items.Add(new("layer norm 2 mean and 1/std", 2 * sb, ln, copies));
        items.Add(new("MLP input (layer norm 2 output)", sbh, mmIn, copies));
        items.Add(new("GELU input (first MLP layer output)", sbf, policy.FormatFor(OpClass.MatMulOutput), copies));
        items.Add(new("second MLP layer input (GELU output)", sbf, mmIn, copies));
        return items;
    }

    /// <summary>The tensors the final layer norm, the tied head and the loss save for backward.</summary>
    public static IReadOnlyList<ActivationItem> HeadItems(TransformerShape shape, PrecisionPolicy policy)
    {
        long sb = shape.Tokens, sbh = sb * shape.Dim;
        var ln = policy.FormatFor(OpClass.LayerNorm);
        return
        [
            new("final layer norm input", sbh, ln, 1),
            new("final layer norm mean and 1/std", 2 * sb, ln, 1),
            new("head input (final layer norm output)", sbh, policy.FormatFor(OpClass.MatMulInput), 1),
            new("log-probabilities (log-softmax output)", sb * shape.Vocab, policy.FormatFor(OpClass.Loss), 1),
        ];
    }

    static int Bytes(FloatFormat f) => FloatFormatInfo.Of(f).Bytes;
}
