using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Prompt tuning (Lester et al. 2021): K trainable vectors (K,C) put in front of the embedded input, while the
/// model stays frozen; only K·C numbers are learned per task. PEFT's <c>PromptEmbedding</c>. Parameter "embeddings".
/// Lester et al. found initialising from vocabulary embeddings better than random (section 3.2, figure 3b).
/// </summary>
public sealed class SoftPrompt : Module
{
    public Tensor Embeddings { get; }
    public int NumTokens { get; }
    public int Dim { get; }

    /// <summary>K vectors ~ N(0, 0.02²); prefer <see cref="InitFromTokens"/> on a pre-trained model.</summary>
    public SoftPrompt(int numTokens, int dim, Generator? generator = null)
    {
        if (numTokens < 1) throw new ArgumentOutOfRangeException(nameof(numTokens), numTokens, "SoftPrompt: need at least one prompt token.");
        NumTokens = numTokens;
        Dim = dim;
        var e = Tensor.Zeros(numTokens, dim);
        (generator ?? Generator.Default).FillNormal(e.Data, 0f, 0.02f);
        Embeddings = RegisterParameter("embeddings", e);
    }

    /// <summary>Copies rows <paramref name="tokenIds"/> of a token embedding (V,C) into the prompt (e.g. the words of a hand-written prompt, or sampled ids).</summary>
    public void InitFromTokens(Tensor tokenEmbedding, ReadOnlySpan<int> tokenIds)
    {
        if (tokenEmbedding.Rank != 2 || tokenEmbedding.Size(1) != Dim)
            throw new ArgumentException($"SoftPrompt.InitFromTokens: embedding {Shapes.Text(tokenEmbedding.ShapeArray)} does not have width {Dim}.");
        if (tokenIds.Length != NumTokens) throw new ArgumentException($"SoftPrompt.InitFromTokens: {tokenIds.Length} ids for {NumTokens} prompt tokens.");
        int v = tokenEmbedding.Size(0);
        float[] table = tokenEmbedding.HostData();   // a device's table is copied once
        for (int k = 0; k < NumTokens; k++)
        {
            if ((uint)tokenIds[k] >= (uint)v) throw new ArgumentOutOfRangeException(nameof(tokenIds), tokenIds[k], $"SoftPrompt.InitFromTokens: id outside [0, {v}).");
            table.AsSpan(tokenIds[k] * Dim, Dim).CopyTo(Embeddings.Data.AsSpan(k * Dim, Dim));
        }
    }

    /// <summary>embedded (B,T,C) -> [prompt; embedded] (B,K+T,C); the gradient of the prompt sums over the batch.</summary>
    public Tensor Prepend(Tensor embedded)
    {
        if (embedded.Rank != 3 || embedded.Size(2) != Dim)
            throw new ArgumentException($"SoftPrompt.Prepend: need (B,T,{Dim}), got {Shapes.Text(embedded.ShapeArray)}.");
        int b = embedded.Size(0);
        var prompt = Embeddings.Reshape(1, NumTokens, Dim) + Tensor.Zeros(b, NumTokens, Dim).To(Embeddings.Device);   // broadcast to (B,K,C)
        return F.Concat([prompt, embedded], 1);
    }
}
