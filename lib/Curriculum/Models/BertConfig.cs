namespace Curriculum.Models;

/// <summary>
/// Sizes of a <see cref="BertModel"/>: vocabulary, max positions, segment types, width, layers, heads, MLP width,
/// dropout, where LayerNorm goes, how positions are encoded (relative: T5's 32 buckets reaching 128 tokens), whether the
/// summed embeddings are normalised and whether the MLM head transforms before its tied decoder (both BERT's; T5 and
/// GPT-2 do neither). Tiny / small / base are the benchmark's sizes (tools/reference/torch_train_step.py);
/// nano is the notebooks' CI size; vary the vocabulary with <c>with { VocabSize = n }</c>.
/// Post-LN is the default because it is BERT's own (Devlin et al. 2019), so what the notebooks measure is BERT's
/// behaviour (including its need for warm-up); <see cref="NormPlacement.PreLn"/> is there to compare.
/// </summary>
public sealed record BertConfig(int VocabSize, int MaxPositions, int Dim, int Layers, int Heads, int FfnDim,
    int TypeVocabSize = 2, float Dropout = 0f, NormPlacement Norm = NormPlacement.PostLn, float LayerNormEps = 1e-12f,
    PositionEncoding Positions = PositionEncoding.Absolute, bool EmbeddingLayerNorm = true, bool MlmHeadTransform = true)
{
    public const int RelativeBuckets = 32, RelativeMaxDistance = 128;

    public static readonly BertConfig Nano = new(512, 64, 64, 2, 4, 256);
    public static readonly BertConfig Tiny = new(4096, 128, 128, 2, 4, 512);
    public static readonly BertConfig Small = new(8192, 128, 256, 4, 4, 1024);
    public static readonly BertConfig Base = new(8192, 128, 512, 6, 8, 2048);

    public static BertConfig Named(string name) => name switch
    {
        "nano" => Nano,
        "tiny" => Tiny,
        "small" => Small,
        "base" => Base,
        _ => throw new ArgumentException($"Unknown BERT config '{name}': expected nano, tiny, small or base.", nameof(name)),
    };

    /// <summary>
    /// Parameters of <see cref="BertForPreTraining"/> by formula: embeddings (V+P+S)·C, or with relative positions
    /// (V+S)·C and a bias table of buckets·H, and their LayerNorm 2C; per layer 4C² + 2C·F + F + 9C;
    /// pre-LN's final LayerNorm 2C; pooler C² + C; MLM transform C² + 3C (when on) and decoder bias V (its matrix is the tied
    /// embedding); NSP classifier 2C + 2.
    /// </summary>
    public long ParameterCount()
    {
        long c = Dim, f = FfnDim;
        long embeddings = Positions == PositionEncoding.Absolute
            ? ((long)VocabSize + MaxPositions + TypeVocabSize) * c
            : ((long)VocabSize + TypeVocabSize) * c + (long)RelativeBuckets * Heads;
        if (EmbeddingLayerNorm) embeddings += 2 * c;
        long perLayer = 4 * c * c + 2 * c * f + f + 9 * c;
        long finalNorm = Norm == NormPlacement.PreLn ? 2 * c : 0;
        long mlmHead = (MlmHeadTransform ? c * c + 3 * c : 0) + VocabSize;
        return embeddings + Layers * perLayer + finalNorm + (c * c + c) + mlmHead + (2 * c + 2);
    }
}
