namespace Curriculum.NN;

/// <summary>
/// Which Linear layers get LoRA and how (PEFT's <c>LoraConfig</c>). A target is a module name or its last parts
/// ("qkv" matches "blocks.0.qkv" and "bert.blocks.1.qkv"), or a pattern with '*' matched against the whole name
/// ("blocks.1.*", "*.fc1"). <see cref="Trainable"/> names modules that stay fully
/// trainable beside the adapters (PEFT's modules_to_save), e.g. a new classification head.
/// </summary>
public sealed record LoraConfig(int Rank, float Alpha, IReadOnlyList<string> Targets)
{
    public LoraInit Init { get; init; } = LoraInit.Gaussian;
    public float Dropout { get; init; }
    public IReadOnlyList<string> Trainable { get; init; } = [];

    /// <summary>The attention projections of this library's Transformer blocks: fused qkv and the output proj.</summary>
    public static readonly IReadOnlyList<string> AttentionTargets = ["qkv", "proj"];
}
