namespace Curriculum.Precision;

/// <summary>
/// The sizes memory depends on, for the benchmark Transformer (pre-LayerNorm encoder blocks, learned token and
/// position embeddings, fused QKV with bias, GELU MLP with bias, final LayerNorm, head tied to the token embedding).
/// </summary>
/// <param name="Vocab">V, tokens in the vocabulary.</param>
/// <param name="Context">T (s in Korthikanti et al.), positions per sequence.</param>
/// <param name="Dim">d (h in Korthikanti et al.), the model width.</param>
/// <param name="Layers">L, Transformer blocks.</param>
/// <param name="Heads">a, attention heads.</param>
/// <param name="Ffn">f, the MLP's hidden width.</param>
/// <param name="Batch">B (b), sequences per step.</param>
public sealed record TransformerShape(int Vocab, int Context, int Dim, int Layers, int Heads, int Ffn, int Batch)
{
    /// <summary>The benchmark configurations (V, T, d, layers, heads, ffn, batch).</summary>
    public static readonly TransformerShape Tiny = new(4096, 128, 128, 2, 4, 512, 16);
    public static readonly TransformerShape Small = new(8192, 128, 256, 4, 4, 1024, 16);
    public static readonly TransformerShape Base = new(8192, 128, 512, 6, 8, 2048, 16);

    /// <summary>Parameters of one block: two LayerNorms (4d), QKV (3d² + 3d), projection (d² + d), MLP (2df + f + d).</summary>
    public long BlockParameters => 4L * Dim + (3L * Dim * Dim + 3L * Dim) + ((long)Dim * Dim + Dim) + (2L * Dim * Ffn + Ffn + Dim);

    /// <summary>Parameters as PyTorch's <c>model.parameters()</c> counts them: token Vd (also the tied head, counted once) + position Td + L blocks + final LayerNorm 2d.</summary>
    public long ParameterCount => (long)Vocab * Dim + (long)Context * Dim + Layers * BlockParameters + 2L * Dim;

    /// <summary>Parameters that enter matrix products (all linear weights and biases, and the token embedding as the head): what autocast keeps a 16-bit copy of.</summary>
    public long MatMulParameterCount => (long)Vocab * Dim + Layers * (BlockParameters - 4L * Dim);

    /// <summary>Tokens per step, s·b.</summary>
    public long Tokens => (long)Context * Batch;

    /// <summary>Throws naming the field when a size is not positive or the heads do not divide the width.</summary>
    public void Validate()
    {
        void Positive(int v, string name) { if (v <= 0) throw new ArgumentOutOfRangeException(name, v, $"{name}: expected > 0"); }
        Positive(Vocab, nameof(Vocab)); Positive(Context, nameof(Context)); Positive(Dim, nameof(Dim)); Positive(Layers, nameof(Layers));
        Positive(Heads, nameof(Heads)); Positive(Ffn, nameof(Ffn)); Positive(Batch, nameof(Batch));
        if (Dim % Heads != 0) throw new ArgumentException($"Heads: {Heads} does not divide Dim {Dim}");
    }
}
