namespace Curriculum.Models;

/// <summary>
/// Sizes of a <see cref="GptModel"/>: vocabulary, context (max positions), width, layers, heads, MLP width, dropout.
/// Tiny / small / base are the benchmark's sizes (tools/reference/torch_train_step.py); nano is the notebooks' CI size.
/// Change the vocabulary to a tokenizer's with <c>GptConfig.Nano with { VocabSize = n }</c>.
/// </summary>
public sealed record GptConfig(int VocabSize, int MaxPositions, int Dim, int Layers, int Heads, int FfnDim, float Dropout = 0f)
{
    public static readonly GptConfig Nano = new(512, 64, 64, 2, 4, 256);
    public static readonly GptConfig Tiny = new(4096, 128, 128, 2, 4, 512);
    public static readonly GptConfig Small = new(8192, 128, 256, 4, 4, 1024);
    public static readonly GptConfig Base = new(8192, 128, 512, 6, 8, 2048);

    public static GptConfig Named(string name) => name switch
    {
        "nano" => Nano,
        "tiny" => Tiny,
        "small" => Small,
        "base" => Base,
        _ => throw new ArgumentException($"Unknown GPT config '{name}': expected nano, tiny, small or base.", nameof(name)),
    };

    /// <summary>Parameters by formula: embeddings V·C + P·C; per layer 4C² + 2C·F + F + 9C (attention, MLP, two LayerNorms); final LayerNorm 2C; the head is tied.</summary>
    public long ParameterCount()
    {
        long c = Dim, f = FfnDim;
        long perLayer = 4 * c * c + 4 * c + 2 * c * f + f + c + 4 * c;   // qkv+proj, their biases, fc1+fc2, biases, two LayerNorms
        return (long)VocabSize * c + (long)MaxPositions * c + Layers * perLayer + 2 * c;
    }
}
