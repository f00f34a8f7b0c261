using System.Numerics;
using System.Runtime.InteropServices;

namespace Curriculum.Tensors.Kernels;

/// <summary>Vectorised exp and the normal CDF, for the exp-heavy kernels (softmax, cross-entropy, GELU).</summary>
internal static class VectorMath
{
    /// <summary>
    /// e^x lane-wise, relative error about 1e-7 (Cephes expf: x = n·ln2 + r, a degree-6 polynomial in r, times 2^n).
    /// Inputs below -87.3 (including -inf) give 0; above 88.7 are clamped.
    /// </summary>
    public static Vector<float> Exp(Vector<float> x)
    {
        var under = Vector.LessThan(x, new Vector<float>(-87.3f));
        x = Vector.Min(x, new Vector<float>(88.7f));
        x = Vector.Max(x, new Vector<float>(-87.3f));
        var n = Vector.Floor(x * new Vector<float>(1.44269504088896341f) + new Vector<float>(0.5f));
        x = x - n * new Vector<float>(0.693359375f) - n * new Vector<float>(-2.12194440e-4f);
        var z = x * x;
        var y = new Vector<float>(1.9875691500E-4f);
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(1.3981999507E-3f));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(8.3334519073E-3f));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(4.1665795894E-2f));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(1.6666665459E-1f));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(5.0000001201E-1f));
        y = Vector.FusedMultiplyAdd(y, z, x + Vector<float>.One);
        var pow2 = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        return Vector.ConditionalSelect(under, Vector<float>.Zero, y * pow2);
    }

    /// <summary>dst[i] = exp(src[i] - shift); returns Σ dst in float32 lanes.</summary>
    public static float ExpShifted(ReadOnlySpan<float> src, float shift, Span<float> dst)
    {
        int w = Vector<float>.Count;
        var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        var sh = new Vector<float>(shift);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < vs.Length; i++) { var e = Exp(vs[i] - sh); vd[i] = e; acc += e; }
        float s = Vector.Sum(acc);
        for (int i = vs.Length * w; i < src.Length; i++) { float e = MathF.Exp(src[i] - shift); dst[i] = e; s += e; }
        return s;
    }

    /// <summary>Σ exp(src[i] - shift) without storing.</summary>
    public static float SumExpShifted(ReadOnlySpan<float> src, float shift)
    {
        int w = Vector<float>.Count;
        var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
        var sh = new Vector<float>(shift);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < vs.Length; i++) acc += Exp(vs[i] - sh);
        float s = Vector.Sum(acc);
        for (int i = vs.Length * w; i < src.Length; i++) s += MathF.Exp(src[i] - shift);
        return s;
    }

    /// <summary>Φ(x) lane-wise through erfc (Numerical Recipes' erfcc, fractional error &lt; 1.2e-7), with one exponential.</summary>
    public static Vector<float> NormalCdf(Vector<float> x)
    {
        var z = Vector.Abs(x) * new Vector<float>(0.70710678118654752f);
        var t = Vector<float>.One / (Vector<float>.One + new Vector<float>(0.5f) * z);
        var p = ErfcPolynomial(t);
        var r = t * Exp(p * t - new Vector<float>(1.26551223f) - z * z);   // erfc(|x|/√2)
        var half = new Vector<float>(0.5f) * r;        // Φ(-|x|)
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), half, Vector<float>.One - half);
    }

    // The Chebyshev part of erfcc: erfc(z) = t·exp(-z² - 1.26551223 + t·P(t)), P of degree 8.
    static Vector<float> ErfcPolynomial(Vector<float> t)
    {
        var p = new Vector<float>(0.17087277f);
        p = p * t + new Vector<float>(-0.82215223f);
        p = p * t + new Vector<float>(1.48851587f);
        p = p * t + new Vector<float>(-1.13520398f);
        p = p * t + new Vector<float>(0.27886807f);
        p = p * t + new Vector<float>(-0.18628806f);
        p = p * t + new Vector<float>(0.09678418f);
        p = p * t + new Vector<float>(0.37409196f);
        p = p * t + new Vector<float>(1.00002368f);
        return p;
    }
}
