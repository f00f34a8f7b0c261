using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// How the ops apply an <see cref="Autocast"/> policy: an operand is read through a rounded copy (the 16-bit cast
/// torch.autocast makes; master weights are never rounded in place), a result is rounded in place, and a gradient
/// computed in a 16-bit format is rounded before it is added to a float32 gradient buffer.
/// </summary>
internal static class Rounding
{
    /// <summary><paramref name="data"/> itself when <paramref name="format"/> is fp32, else a copy rounded to it.</summary>
    public static float[] Copy(float[] data, FloatFormat format)
    {
        if (format == FloatFormat.Fp32) return data;
        var copy = GC.AllocateUninitializedArray<float>(data.Length);
        data.CopyTo(copy, 0);
        FloatRounding.Round(copy, format);
        return copy;
    }

    /// <summary>dst += round(src) (src is rounded in place: a gradient produced in <paramref name="format"/>, cast back to fp32).</summary>
    public static void AddRounded(Span<float> dst, Span<float> src, FloatFormat format)
    {
        FloatRounding.Round(src, format);
        Kernels.Elementwise.AddInPlace(dst, src);
    }
}
