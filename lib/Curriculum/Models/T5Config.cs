namespace Curriculum.Models;

/// <summary>
/// Sizes of a <see cref="T5Model"/>: vocabulary, width, encoder and decoder layers, heads, MLP width, relative-position
/// buckets and their reach, dropout. Tiny / small / base use the benchmark's widths for both stacks; nano is the notebooks' CI size.
/// </summary>
public sealed record T5Config(int VocabSize, int Dim, int EncoderLayers, int DecoderLayers, int Heads, int FfnDim,
    int NumBuckets = 32, int MaxDistance = 128, float Dropout = 0f)
{
    public static readonly T5Config Nano = new(512, 64, 2, 2, 4, 256);
    public static readonly T5Config Tiny = new(4096, 128, 2, 2, 4, 512);
    public static readonly T5Config Small = new(8192, 256, 4, 4, 4, 1024);
    public static readonly T5Config Base = new(8192, 512, 6, 6, 8, 2048);

    public static T5Config Named(string name) => name switch
    {
        "nano" => Nano,
        "tiny" => Tiny,
        "small" => Small,
        "base" => Base,
        _ => throw new ArgumentException($"Unknown T5 config '{name}': expected nano, tiny, small or base.", nameof(name)),
    };

    /// <summary>
    /// Parameters by formula: shared embedding V·C; per stack a relative bias table buckets·H and a final LayerNorm 2C;
    /// per encoder layer 4C² + 2C·F + 4C; per decoder layer 8C² + 2C·F + 6C (no biases in the projections, as T5).
    /// </summary>
    public long ParameterCount()
    {
        long c = Dim, f = FfnDim, stack = (long)NumBuckets * Heads + 2 * c;
        return (long)VocabSize * c + 2 * stack + EncoderLayers * (4 * c * c + 2 * c * f + 4 * c) + DecoderLayers * (8 * c * c + 2 * c * f + 6 * c);
    }
}
