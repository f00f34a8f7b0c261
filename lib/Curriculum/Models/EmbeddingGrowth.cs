using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// Growing a model for an expanded vocabulary (Chinese-LLaMA, Cui et al. 2023; see
/// <see cref="Tokenization.VocabularyExpansion"/>): old rows are kept, and each new token's row starts as the mean of
/// the rows of the old pieces it replaces, so the model first reads a new token as roughly the sequence it stands for.
/// With a tied head (GPT here) the same rows are its output weights; a vocabulary-sized bias (BERT's MLM) is grown the same way.
/// </summary>
public static class EmbeddingGrowth
{
    /// <summary>
    /// table (V,C) -> (V',C): rows [0, V) copied; row id ≥ V = mean of table[oldPieces[id]]. Every id in [V, V') needs pieces.
    /// Works for a bias (V) as well (C = 1).
    /// </summary>
    public static Tensor GrowRows(Tensor table, int newSize, IReadOnlyDictionary<int, int[]> oldPieces)
    {
        int v = table.Size(0), c = table.Rank == 1 ? 1 : table.Size(1);
        if (table.Rank > 2) throw new ArgumentException($"EmbeddingGrowth: need a table (V,C) or a bias (V), got {Shapes.Text(table.ShapeArray)}.");
        if (newSize < v) throw new ArgumentOutOfRangeException(nameof(newSize), newSize, $"EmbeddingGrowth: the new vocabulary ({newSize}) is smaller than the old ({v}).");
        var grown = new float[(long)newSize * c];
        table.Data.AsSpan().CopyTo(grown);
        for (int id = v; id < newSize; id++)
        {
            if (!oldPieces.TryGetValue(id, out var pieces) || pieces.Length == 0)
                throw new ArgumentException($"EmbeddingGrowth: new token {id} has no old pieces to initialise it from.", nameof(oldPieces));
            var row = grown.AsSpan(id * c, c);
            foreach (int p in pieces)
            {
                if ((uint)p >= (uint)v) throw new ArgumentException($"EmbeddingGrowth: new token {id} lists piece {p}, outside the old vocabulary [0, {v}).", nameof(oldPieces));
                var src = table.Data.AsSpan(p * c, c);
                for (int j = 0; j < c; j++) row[j] += src[j];
            }
            float inv = 1f / pieces.Length;
            for (int j = 0; j < c; j++) row[j] *= inv;
        }
        return table.Rank == 1 ? new Tensor(grown, newSize) : new Tensor(grown, newSize, c);
    }

    /// <summary>A copy of <paramref name="gpt"/> with <paramref name="newSize"/> tokens: the embedding (and the tied head) grown, everything else the same.</summary>
    public static GptModel Grow(GptModel gpt, int newSize, IReadOnlyDictionary<int, int[]> oldPieces)
    {
        var grown = new GptModel(gpt.Config with { VocabSize = newSize });
        var state = gpt.StateDict();
        state["tok.weight"] = GrowRows(gpt.Tok.Weight, newSize, oldPieces);
        grown.LoadStateDict(state, "EmbeddingGrowth");
        return grown;
    }

    /// <summary>A copy of a BERT pre-training model with <paramref name="newSize"/> tokens: embedding, tied decoder and its bias grown.</summary>
    public static BertForPreTraining Grow(BertForPreTraining bert, int newSize, IReadOnlyDictionary<int, int[]> oldPieces)
    {
        var grown = new BertForPreTraining(bert.Config with { VocabSize = newSize });
        var state = bert.StateDict();
        state["bert.tok.weight"] = GrowRows(bert.Bert.Tok.Weight, newSize, oldPieces);
        state["mlm_bias"] = GrowRows(bert.MlmBias, newSize, oldPieces);
        grown.LoadStateDict(state, "EmbeddingGrowth");
        return grown;
    }
}
