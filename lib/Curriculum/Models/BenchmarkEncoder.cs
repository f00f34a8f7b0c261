using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>Sizes of <see cref="BenchmarkEncoder"/>: vocabulary, context, width, layers, heads, MLP width, batch.</summary>
public sealed record BenchmarkEncoderConfig(int Vocab, int Context, int Dim, int Layers, int Heads, int Ffn, int Batch)
{
    public static readonly BenchmarkEncoderConfig Tiny = new(4096, 128, 128, 2, 4, 512, 16);
    public static readonly BenchmarkEncoderConfig Small = new(8192, 128, 256, 4, 4, 1024, 16);
    public static readonly BenchmarkEncoderConfig Base = new(8192, 128, 512, 6, 8, 2048, 16);

    public static BenchmarkEncoderConfig Named(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "base" => Base,
        _ => throw new ArgumentException($"Unknown config '{name}': expected tiny, small or base."),
    };

    /// <summary>
    /// Training FLOPs per step, forward and backward, as tools/reference/torch_train_step.py counts them:
    /// 6·N·B·T + 12·L·B·T²·d. A product (m x k)(k x n) costs 2mkn forward and 4mkn backward, so a weight used once per
    /// token costs 6 FLOPs per token; attention's Q Kᵀ and P V cost 2·B·T²·d each forward, 12·B·T²·d per layer in all.
    /// N counts every parameter, also the 1-2% in no product (position embeddings, biases, LayerNorms).
    /// </summary>
    public double TrainFlopsPerStep(long parameters) => 6.0 * parameters * Batch * Context + 12.0 * Layers * Batch * Context * Context * Dim;
}

/// <summary>
/// The encoder of tools/reference/torch_train_step.py, parameter for parameter (same names, so its state
/// dict loads into the PyTorch model and back): token + position embeddings, pre-LN blocks with fused QKV and
/// exact GELU, a final LayerNorm, and an output head tied to the token embedding. ids (B,T) -> logits (B,T,V).
/// </summary>
public sealed class BenchmarkEncoder : Module
{
    public BenchmarkEncoderConfig Config { get; }
    public Embedding Tok { get; }
    public Embedding Pos { get; }
    public ModuleList<TransformerBlock> Blocks { get; }
    public LayerNorm Ln { get; }

    public BenchmarkEncoder(BenchmarkEncoderConfig config, Generator? generator = null)
    {
        Config = config;
        Tok = RegisterModule("tok", new Embedding(config.Vocab, config.Dim, generator));
        Pos = RegisterModule("pos", new Embedding(config.Context, config.Dim, generator));
        Blocks = RegisterModule("blocks", new ModuleList<TransformerBlock>(
            Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config.Dim, config.Heads, config.Ffn, generator: generator))));
        Ln = RegisterModule("ln", new LayerNorm(config.Dim));
    }

    /// <summary>ids (B,T) -> logits (B,T,V).</summary>
    public Tensor Forward(IntTensor ids) => F.Linear(Hidden(ids), Tok.Weight);   // tied head, no bias

    /// <summary>Mean cross-entropy of the next-token logits against targets (B,T), with the head fused into the loss.</summary>
    public Tensor Loss(IntTensor ids, IntTensor targets) => F.LinearCrossEntropy(Hidden(ids), Tok.Weight, null, targets);

    /// <summary>ids (B,T) -> the final LayerNorm's output (B,T,C).</summary>
    Tensor Hidden(IntTensor ids)
    {
        int t = ids.Size(1);
        var x = Tok.Forward(ids) + Pos.Forward(IntTensor.Arange(t));   // (B,T,C) + (T,C)
        foreach (var block in Blocks) x = block.Forward(x);
        return Ln.Forward(x);
    }
}
