using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>Checks of token-id inputs shared by the models, so a bad batch fails with the row and position at fault.</summary>
public static class ModelInputs
{
    /// <summary>
    /// ids must be (B,T) with 1 ≤ T ≤ <paramref name="maxPositions"/> and every id in [0, <paramref name="vocabSize"/>);
    /// <paramref name="what"/> names the input in the message (e.g. "GptModel input_ids").
    /// </summary>
    public static void CheckIds(IntTensor ids, int vocabSize, int maxPositions, string what)
    {
        if (ids.Rank != 2) throw new ArgumentException($"{what}: expected token ids of shape (B,T), got {Shapes.Text(ids.ShapeArray)}.");
        int t = ids.Size(1);
        if (t < 1 || ids.Size(0) < 1) throw new ArgumentException($"{what}: empty batch {Shapes.Text(ids.ShapeArray)}.");
        if (t > maxPositions)
            throw new ArgumentException($"{what}: sequence length {t} is longer than the model's {maxPositions} positions (max_position_embeddings); truncate or window the input.");
        var d = ids.Data;
        for (int i = 0; i < d.Length; i++)
            if ((uint)d[i] >= (uint)vocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), d[i], $"{what}: token id {d[i]} at row {i / t}, position {i % t} is outside the vocabulary [0, {vocabSize}).");
    }

    /// <summary>Same-shape check for companion inputs (targets, token types, position ids).</summary>
    public static void CheckSameShape(IntTensor ids, IntTensor other, string what)
    {
        if (!Shapes.Equal(ids.ShapeArray, other.ShapeArray))
            throw new ArgumentException($"{what}: shape {Shapes.Text(other.ShapeArray)} differs from the input ids' {Shapes.Text(ids.ShapeArray)}.");
    }
}
