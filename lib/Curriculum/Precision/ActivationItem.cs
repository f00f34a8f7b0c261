namespace Curriculum.Precision;

/// <summary>
/// One tensor autograd keeps from the forward pass for backward: what it is, how many elements one copy has,
/// its format, and how many copies a step holds (the number of layers for per-block tensors, 1 for the head).
/// </summary>
public sealed record ActivationItem(string Name, long Elements, FloatFormat Format, int Copies)
{
    public long Bytes => Elements * FloatFormatInfo.Of(Format).Bytes * Copies;
}
