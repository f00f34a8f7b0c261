namespace Curriculum.Precision;

/// <summary>The kinds of values a mixed-precision policy assigns a format to (PyTorch autocast's op lists, plus what it leaves to the user).</summary>
public enum OpClass
{
    /// <summary>Operands of matrix products (linear layers, Q·Kᵀ, P·V, the output head), rounded before the product; their gradients flow back in the same format.</summary>
    MatMulInput,
    /// <summary>The running sum inside a matrix product. fp32 in every autocast; fp16 here shows swamping (2048 + 1 = 2048).</summary>
    MatMulAccumulator,
    /// <summary>A matrix product's result as stored (autocast: the 16-bit format, so GELU and attention see 16-bit values).</summary>
    MatMulOutput,
    /// <summary>Layer norm: its statistics, its output and what it saves for backward (autocast: fp32).</summary>
    LayerNorm,
    /// <summary>Softmax over attention scores (CUDA autocast: fp32).</summary>
    Softmax,
    /// <summary>Log-softmax and cross-entropy over the logits (autocast: fp32).</summary>
    Loss,
    /// <summary>The residual stream between blocks and the element-wise adds on it (autocast: the weights' format, fp32).</summary>
    Residual,
    /// <summary>The weights the optimiser updates, and AdamW's two moments (mixed precision: fp32).</summary>
    MasterWeights,
    /// <summary>Parameter gradients as stored for the optimiser (autocast: fp32, the parameters' format).</summary>
    Gradients,
}
