using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A GPT decoder (Radford et al. 2019, GPT-2; nanoGPT's <c>GPT</c>): token + learned position embeddings, pre-LN
/// blocks with causal self-attention, a final LayerNorm, and an output head tied to the token embedding (no bias).
/// Parameter names: tok, pos, blocks.N.{ln1,qkv,proj,ln2,fc1,fc2}, ln_f. Initialised as GPT-2 (N(0, 0.02),
/// residual projections 0.02/√(2L)). ids (B,T) -> logits (B,T,V).
/// </summary>
public sealed class GptModel : Module
{
    public GptConfig Config { get; }
    public Embedding Tok { get; }
    public Embedding Pos { get; }
    public ModuleList<TransformerBlock> Blocks { get; }
    public LayerNorm LnF { get; }
    readonly Generator? _generator;

    public GptModel(GptConfig config, Generator? generator = null)
    {
        Config = config;
        _generator = generator;
        Tok = RegisterModule("tok", new Embedding(config.VocabSize, config.Dim, generator));
        Pos = RegisterModule("pos", new Embedding(config.MaxPositions, config.Dim, generator));
        Blocks = RegisterModule("blocks", new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers)
            .Select(_ => new TransformerBlock(config.Dim, config.Heads, config.FfnDim, config.Dropout, generator: generator))));
        LnF = RegisterModule("ln_f", new LayerNorm(config.Dim));
        WeightInit.Normal(this, generator);
        WeightInit.ScaleResidualProjections(this, config.Layers, generator, WeightInit.DefaultStd, ".proj.weight", ".fc2.weight");
    }

    /// <summary>
    /// ids (B,T) -> the final LayerNorm's output (B,T,C). <paramref name="positionIds"/> (B,T) restarts positions per
    /// document (default 0..T-1); <paramref name="attnMask"/> is added to the scores (broadcasting to (B,H,T,T)), on top
    /// of the causal mask unless <paramref name="isCausal"/> is false (a prefix-LM mask from <see cref="AttentionMasks.PrefixLm"/>
    /// carries its own causal part).
    /// </summary>
    public Tensor Hidden(IntTensor ids, IntTensor? positionIds = null, Tensor? attnMask = null, bool isCausal = true)
    {
        ModelInputs.CheckIds(ids, Config.VocabSize, Config.MaxPositions, "GptModel input ids");
        int t = ids.Size(1);
        Tensor x;
        if (positionIds != null)
        {
            ModelInputs.CheckSameShape(ids, positionIds, "GptModel position ids");
            x = Tok.Forward(ids) + Pos.Forward(positionIds);                // (B,T,C) + (B,T,C)
        }
        else x = Tok.Forward(ids) + Pos.Forward(IntTensor.Arange(t));      // (B,T,C) + (T,C)
        x = F.Dropout(x, Config.Dropout, Training, _generator);
        foreach (var block in Blocks) x = block.Forward(x, attnMask, isCausal);
        return LnF.Forward(x);
    }

    /// <summary>ids (B,T) -> next-token logits (B,T,V), the head tied to the token embedding.</summary>
    public Tensor Forward(IntTensor ids, IntTensor? positionIds = null, Tensor? attnMask = null, bool isCausal = true) =>
        F.Linear(Hidden(ids, positionIds, attnMask, isCausal), Tok.Weight);

    /// <summary>
    /// Mean cross-entropy of the logits against <paramref name="targets"/> (B,T) (inputs shifted by one, -100 ignored;
    /// <see cref="Objectives.CausalLmCollator"/> builds them), with the head fused into the loss.
    /// </summary>
    public Tensor Loss(IntTensor ids, IntTensor targets, IntTensor? positionIds = null, Tensor? attnMask = null, bool isCausal = true)
    {
        ModelInputs.CheckSameShape(ids, targets, "GptModel targets");
        return F.LinearCrossEntropy(Hidden(ids, positionIds, attnMask, isCausal), Tok.Weight, null, targets);
    }

    /// <summary>
    /// Continues <paramref name="prompt"/> by up to <see cref="GenerationConfig.MaxNewTokens"/> tokens, greedy or sampled
    /// (<c>model.generate</c>); returns prompt + continuation. The context is cropped to the last MaxPositions tokens.
    /// Runs in eval mode without recording a graph, then restores the training mode. On a device the forward runs there
    /// and only the last position's logits (V floats) are copied to the host, where the next token is picked: the same
    /// logits and generator give the same tokens on every device.
    /// </summary>
    public int[] Generate(ReadOnlySpan<int> prompt, GenerationConfig config, Generator? generator = null)
    {
        if (prompt.Length == 0) throw new ArgumentException("GptModel.Generate: the prompt is empty; give at least one token (e.g. a BOS id).", nameof(prompt));
        var tokens = new List<int>(prompt.Length + config.MaxNewTokens);
        foreach (int id in prompt) tokens.Add(id);
        var g = generator ?? Generator.Default;
        bool wasTraining = Training;
        Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            for (int step = 0; step < config.MaxNewTokens; step++)
            {
                int start = Math.Max(0, tokens.Count - Config.MaxPositions), t = tokens.Count - start;
                var ids = new IntTensor(tokens.GetRange(start, t).ToArray(), 1, t);
                var h = Hidden(ids);                                           // (1,T,C)
                var logits = F.Linear(Pooling.Last(h), Tok.Weight);           // (1,V), where the model is
                int next = NextTokenPicker.Pick(logits.ToArray(), config, g, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens));
                tokens.Add(next);
                if (next == config.EosTokenId) break;
            }
        }
        finally { Train(wasTraining); }
        return tokens.ToArray();
    }
}
