using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// Additive attention masks (0 keep, -inf block) for the models' objectives, beside the engine's
/// <see cref="AttentionMask"/> (causal, padding).
/// </summary>
public static class AttentionMasks
{
    /// <summary>
    /// Prefix LM (UniLM, Dong et al. 2019; T5's "prefix LM", Raffel et al. 2020 Figure 3): row b's first
    /// prefixLengths[b] positions see each other in both directions; every later position sees the whole prefix and
    /// the positions up to itself. (B,1,T,T), to be used with isCausal false. Prefix 0 is the causal mask, prefix T full attention.
    /// </summary>
    public static Tensor PrefixLm(ReadOnlySpan<int> prefixLengths, int length)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "PrefixLm: length must be >= 1.");
        int b = prefixLengths.Length;
        var m = Tensor.Zeros(b, 1, length, length);
        var d = m.Data;
        for (int r = 0; r < b; r++)
        {
            int p = prefixLengths[r];
            if (p < 0 || p > length) throw new ArgumentOutOfRangeException(nameof(prefixLengths), p, $"PrefixLm: prefix length {p} of row {r} is outside [0, {length}].");
            for (int i = 0; i < length; i++)
                for (int j = Math.Max(i + 1, p); j < length; j++) d[(r * length + i) * length + j] = float.NegativeInfinity;
        }
        return m;
    }

    /// <summary>
    /// Causal attention that stays inside a document of a packed row: query i sees key j when j ≤ i and both have the
    /// same document id (the <c>DocumentIds</c> of a causal-LM batch). documentIds (B,T) -> (B,1,T,T), with isCausal false.
    /// </summary>
    public static Tensor CausalWithinDocuments(IntTensor documentIds)
    {
        if (documentIds.Rank != 2) throw new ArgumentException($"CausalWithinDocuments: need document ids (B,T), got {Shapes.Text(documentIds.ShapeArray)}.");
        int b = documentIds.Size(0), t = documentIds.Size(1);
        var m = Tensor.Zeros(b, 1, t, t);
        var d = m.Data;
        var doc = documentIds.Data;
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    if (j > i || doc[r * t + j] != doc[r * t + i]) d[(r * t + i) * t + j] = float.NegativeInfinity;
        return m;
    }
}
