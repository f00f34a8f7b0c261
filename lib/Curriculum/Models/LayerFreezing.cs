using Curriculum.NN;

namespace Curriculum.Models;

/// <summary>
/// Freeze the lower layers, train the rest (Howard and Ruder 2018, ULMFiT; Yosinski et al. 2014 on how
/// transferable lower layers are): the embeddings and the lowest <c>n</c> Transformer blocks stop learning.
/// n = 0 freezes nothing; n = the number of blocks leaves only the final LayerNorm / pooler and the head.
/// </summary>
public static class LayerFreezing
{
    public static void FreezeLowerLayers(GptModel gpt, int n)
    {
        Check(n, gpt.Blocks.Count);
        if (n == 0) return;
        FineTuning.Freeze(gpt.Tok);
        FineTuning.Freeze(gpt.Pos);
        for (int i = 0; i < n; i++) FineTuning.Freeze(gpt.Blocks[i]);
    }

    public static void FreezeLowerLayers(BertModel bert, int n)
    {
        Check(n, bert.Blocks.Count);
        if (n == 0) return;
        foreach (Module? m in new Module?[] { bert.Tok, bert.Pos, bert.RelativeBias, bert.Segment, bert.LnEmb }) if (m != null) FineTuning.Freeze(m);
        for (int i = 0; i < n; i++) FineTuning.Freeze(bert.Blocks[i]);
    }

    static void Check(int n, int layers)
    {
        if (n < 0 || n > layers) throw new ArgumentOutOfRangeException(nameof(n), n, $"FreezeLowerLayers: n must be in [0, {layers}] (the model has {layers} blocks).");
    }
}
