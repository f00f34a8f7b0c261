using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// The GPT forward pass with an optional <see cref="SoftPrompt"/> in front (the same steps as
/// <see cref="GptModel.Hidden"/>, with the prompt inserted between the token embedding and the positions), and
/// the hidden state at each sequence's last real token, which a decoder's sequence classifier reads
/// (Hugging Face's <c>GPT2ForSequenceClassification</c>).
/// </summary>
public static class GptWithPrompt
{
    /// <summary>ids (B,T) -> hidden (B,K+T,C), K = the prompt's length (0 without one).</summary>
    public static Tensor Hidden(GptModel gpt, IntTensor ids, SoftPrompt? prompt)
    {
        if (prompt == null) return gpt.Hidden(ids);
        var c = gpt.Config;
        ModelInputs.CheckIds(ids, c.VocabSize, c.MaxPositions - prompt.NumTokens, $"GptModel input ids (after {prompt.NumTokens} prompt tokens)");
        int t = prompt.NumTokens + ids.Size(1);
        var x = prompt.Prepend(gpt.Tok.Forward(ids)) + gpt.Pos.Forward(IntTensor.Arange(t));   // (B,K+T,C) + (K+T,C)
        x = F.Dropout(x, c.Dropout, gpt.Training);
        foreach (var block in gpt.Blocks) x = block.Forward(x, null, isCausal: true);
        return gpt.LnF.Forward(x);
    }

    /// <summary>
    /// hidden (B,T',C), lengths (B) of the real tokens (right padding; the first <paramref name="offset"/> positions are the
    /// prompt) -> (B,C): row b's vector at position offset + lengths[b] − 1. Under a causal mask padding after it does not reach it.
    /// </summary>
    public static Tensor LastToken(Tensor hidden, ReadOnlySpan<int> lengths, int offset)
    {
        int b = hidden.Size(0), t = hidden.Size(1), c = hidden.Size(2);
        if (lengths.Length != b) throw new ArgumentException($"GptWithPrompt.LastToken: {lengths.Length} lengths for a batch of {b}.");
        var rows = new int[b];
        for (int i = 0; i < b; i++)
        {
            if (lengths[i] < 1 || offset + lengths[i] > t) throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], $"GptWithPrompt.LastToken: length of row {i} is outside [1, {t - offset}].");
            rows[i] = i * t + offset + lengths[i] - 1;
        }
        return F.IndexSelect(hidden.Reshape(b * t, c), 0, new IntTensor(rows, b));
    }
}
