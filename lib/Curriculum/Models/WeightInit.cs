using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// The initialisation of GPT-2 and BERT (<c>_init_weights</c> in their Hugging Face code): every matrix (Linear and
/// Embedding weights) ~ N(0, std²) with std = 0.02, every Linear bias 0, LayerNorm weights 1 and biases 0.
/// With a tied head, N(0,1) embeddings (nn.Embedding's default) would start from huge logits; 0.02 starts near uniform.
/// </summary>
public static class WeightInit
{
    public const float DefaultStd = 0.02f;

    public static void Normal(Module module, Generator? generator = null, float std = DefaultStd)
    {
        var g = generator ?? Generator.Default;
        foreach (var (name, p) in module.NamedParameters())
        {
            if (p.Rank >= 2) g.FillNormal(p.Data, 0f, std);
            else if (name.EndsWith("bias", StringComparison.Ordinal)) Array.Clear(p.Data);
        }
    }

    /// <summary>GPT-2's extra scaling: residual output projections (names ending in <paramref name="suffixes"/>) get std/√(2·layers).</summary>
    public static void ScaleResidualProjections(Module module, int layers, Generator? generator = null, float std = DefaultStd, params string[] suffixes)
    {
        var g = generator ?? Generator.Default;
        float s = std / MathF.Sqrt(2f * layers);
        foreach (var (name, p) in module.NamedParameters())
            foreach (var suffix in suffixes)
                if (p.Rank == 2 && name.EndsWith(suffix, StringComparison.Ordinal)) g.FillNormal(p.Data, 0f, s);
    }
}
