using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>From per-token outputs (B,T,C) to one vector per sequence (B,C), for sentence-level heads.</summary>
public static class Pooling
{
    /// <summary>The first position's vector, h[:, 0] (BERT's [CLS]).</summary>
    public static Tensor First(Tensor hidden)
    {
        CheckRank3(hidden, "First");
        int b = hidden.Size(0), t = hidden.Size(1), c = hidden.Size(2);
        var rows = new int[b];
        for (int i = 0; i < b; i++) rows[i] = i * t;
        return F.IndexSelect(hidden.Reshape(b * t, c), 0, new IntTensor(rows, b));
    }

    /// <summary>The last position's vector, h[:, -1] (what a decoder predicts the next token from); stays on h's device.</summary>
    public static Tensor Last(Tensor hidden)
    {
        CheckRank3(hidden, "Last");
        int b = hidden.Size(0), t = hidden.Size(1), c = hidden.Size(2);
        var rows = new int[b];
        for (int i = 0; i < b; i++) rows[i] = i * t + t - 1;
        return F.IndexSelect(hidden.Reshape(b * t, c), 0, new IntTensor(rows, b));
    }

    /// <summary>
    /// The mean over real tokens: Σ_t m[b,t]·h[b,t] / Σ_t m[b,t], with attentionMask (B,T) 1 for tokens and 0 for
    /// padding (sentence-transformers' mean pooling); every position when the mask is null.
    /// </summary>
    public static Tensor Mean(Tensor hidden, IntTensor? attentionMask = null)
    {
        CheckRank3(hidden, "Mean");
        if (attentionMask == null) return F.Mean(hidden, 1);
        int b = hidden.Size(0), t = hidden.Size(1);
        if (attentionMask.Rank != 2 || attentionMask.Size(0) != b || attentionMask.Size(1) != t)
            throw new ArgumentException($"Pooling.Mean: attention mask {Shapes.Text(attentionMask.ShapeArray)} does not match hidden states {Shapes.Text(hidden.ShapeArray)}.");
        var weights = new float[b * t];
        var inverse = new float[b];
        for (int r = 0; r < b; r++)
        {
            int count = 0;
            for (int i = 0; i < t; i++) if (attentionMask.Data[r * t + i] != 0) { weights[r * t + i] = 1f; count++; }
            if (count == 0) throw new ArgumentException($"Pooling.Mean: row {r} of the attention mask has no real token.");
            inverse[r] = 1f / count;
        }
        var summed = F.Sum(hidden * new Tensor(weights, b, t, 1), 1);            // (B,C)
        return summed * new Tensor(inverse, b, 1);
    }

    static void CheckRank3(Tensor hidden, string what)
    {
        if (hidden.Rank != 3) throw new ArgumentException($"Pooling.{what}: need hidden states (B,T,C), got {Shapes.Text(hidden.ShapeArray)}.");
    }
}
