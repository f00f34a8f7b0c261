using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// The BERT encoder (Devlin et al. 2019; Hugging Face's <c>BertModel</c>): token + learned position + segment (token type)
/// embeddings summed and normalised, a stack of bidirectional blocks (post-LN by default, see <see cref="BertConfig"/>),
/// and the pooler, tanh(dense(h_[CLS])), that NSP and sentence classifiers read. Options from T5: the normalisation of
/// the embeddings left out, and positions as T5's learned bias per distance on every block's attention scores
/// (<see cref="PositionEncoding.RelativeBias"/>) instead of the position table.
/// Parameter names: tok, pos (absolute) or rel_bias (relative), seg (segment / token type), ln_emb (when on),
/// blocks.N.{qkv,proj,ln1,fc1,fc2,ln2}, [ln_f for pre-LN], pooler.
/// Initialised as BERT: N(0, 0.02) matrices, zero biases.
/// </summary>
public sealed class BertModel : Module
{
    public BertConfig Config { get; }
    public Embedding Tok { get; }
    /// <summary>The absolute position table; null with relative positions.</summary>
    public Embedding? Pos { get; }
    /// <summary>The relative position bias shared by every layer; null with absolute positions.</summary>
    public RelativePositionBias? RelativeBias { get; }
    public Embedding Segment { get; }
    /// <summary>The LayerNorm of the summed embeddings; null when <see cref="BertConfig.EmbeddingLayerNorm"/> is off.</summary>
    public LayerNorm? LnEmb { get; }
    public ModuleList<Module> Blocks { get; }
    public LayerNorm? LnF { get; }
    public Linear Pooler { get; }
    readonly Generator? _generator;

    public BertModel(BertConfig config, Generator? generator = null)
    {
        Config = config;
        _generator = generator;
        Tok = RegisterModule("tok", new Embedding(config.VocabSize, config.Dim, generator));
        if (config.Positions == PositionEncoding.Absolute) Pos = RegisterModule("pos", new Embedding(config.MaxPositions, config.Dim, generator));
        else RelativeBias = RegisterModule("rel_bias", new RelativePositionBias(BertConfig.RelativeBuckets, BertConfig.RelativeMaxDistance, config.Heads, bidirectional: true, generator));
        Segment = RegisterModule("seg", new Embedding(config.TypeVocabSize, config.Dim, generator));
        if (config.EmbeddingLayerNorm) LnEmb = RegisterModule("ln_emb", new LayerNorm(config.Dim, config.LayerNormEps));
        Blocks = RegisterModule("blocks", new ModuleList<Module>(Enumerable.Range(0, config.Layers).Select(_ => config.Norm == NormPlacement.PostLn
            ? (Module)new PostLnTransformerBlock(config.Dim, config.Heads, config.FfnDim, config.Dropout, config.LayerNormEps, generator)
            : new TransformerBlock(config.Dim, config.Heads, config.FfnDim, config.Dropout, generator: generator))));
        if (config.Norm == NormPlacement.PreLn) LnF = RegisterModule("ln_f", new LayerNorm(config.Dim, config.LayerNormEps));
        Pooler = RegisterModule("pooler", new Linear(config.Dim, config.Dim, true, generator));
        WeightInit.Normal(this, generator);
    }

    /// <summary>
    /// ids (B,T), tokenTypeIds (B,T) (0 for segment A, 1 for B; default all 0), attentionMask (B,T) with 1 for real tokens
    /// and 0 for padding (default: none) -> the last block's output (B,T,C).
    /// </summary>
    public Tensor Forward(IntTensor ids, IntTensor? tokenTypeIds = null, IntTensor? attentionMask = null)
    {
        ModelInputs.CheckIds(ids, Config.VocabSize, Config.MaxPositions, "BertModel input ids");
        int t = ids.Size(1);
        var x = Pos != null ? Tok.Forward(ids) + Pos.Forward(IntTensor.Arange(t)) : Tok.Forward(ids);   // (B,T,C) + (T,C)
        if (tokenTypeIds != null)
        {
            ModelInputs.CheckSameShape(ids, tokenTypeIds, "BertModel token type ids");
            x = x + Segment.Forward(tokenTypeIds);
        }
        else x = x + Segment.Forward(new IntTensor([0], 1));                           // + (1,C): every token in segment A
        x = F.Dropout(LnEmb != null ? LnEmb.Forward(x) : x, Config.Dropout, Training, _generator);
        Tensor? mask = null;
        if (attentionMask != null)
        {
            ModelInputs.CheckSameShape(ids, attentionMask, "BertModel attention mask");
            mask = AttentionMask.FromPadding(attentionMask).To(x.Device);             // (B,1,1,T), where the model is
        }
        if (RelativeBias != null)
        {
            var bias = RelativeBias.Forward(t, t);                                     // (1,H,T,T), learned, where the model is
            mask = mask != null ? bias + mask : bias;
        }
        foreach (var block in Blocks)
            x = block is PostLnTransformerBlock post ? post.Forward(x, mask) : ((TransformerBlock)block).Forward(x, mask);
        return LnF != null ? LnF.Forward(x) : x;
    }

    /// <summary>The pooled sentence vector tanh(W h_[CLS] + b): hidden (B,T,C) -> (B,C).</summary>
    public Tensor Pool(Tensor hidden) => F.Tanh(Pooler.Forward(Pooling.First(hidden)));
}
