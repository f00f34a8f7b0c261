using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>
/// Rounding to a binary format straight from the IEEE 754 definition, in double arithmetic, with no bit tricks:
/// list every finite non-negative value of the format from (-1)^s · 2^(e-bias) · (1 + m/2^p) (normal) and
/// 2^(1-bias) · m/2^p (subnormal), take the nearest, ties to the one with an even mantissa, and round to infinity at
/// or beyond max + half an ulp (IEEE 754-2019, 4.3.1 and 7.4).
/// </summary>
sealed class IeeeReference
{
    readonly double[] values; // index = the format's bit pattern without sign
    readonly double overflow;
    readonly int exponentBits, mantissaBits;

    public IeeeReference(int exponentBits, int mantissaBits)
    {
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        int bias = (1 << (exponentBits - 1)) - 1, count = ((1 << exponentBits) - 1) << mantissaBits;
        values = new double[count];
        for (int bits = 0; bits < count; bits++) values[bits] = Decode(bits, exponentBits, mantissaBits);
        double max = values[count - 1];
        overflow = max + Math.ScaleB(1.0, bias - mantissaBits - 1);
    }

    /// <summary>The value of a bit pattern by the IEEE formula.</summary>
    public static double Decode(int bits, int exponentBits, int mantissaBits)
    {
        int bias = (1 << (exponentBits - 1)) - 1;
        int sign = (bits >> (exponentBits + mantissaBits)) & 1, e = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
        int m = bits & ((1 << mantissaBits) - 1);
        double s = sign == 1 ? -1 : 1;
        if (e == (1 << exponentBits) - 1) return m == 0 ? s * double.PositiveInfinity : double.NaN;
        if (e == 0) return s * Math.ScaleB(m, 1 - bias - mantissaBits);
        return s * Math.ScaleB(1.0 + Math.ScaleB(m, -mantissaBits), e - bias);
    }

    /// <summary>The bit pattern x rounds to (NaN: any NaN pattern, here the canonical quiet one).</summary>
    public int RoundBits(double x)
    {
        int signBit = 1 << (exponentBits + mantissaBits);
        int infinity = ((1 << exponentBits) - 1) << mantissaBits;
        if (double.IsNaN(x)) return infinity | (1 << (mantissaBits - 1));
        int sign = double.IsNegative(x) ? signBit : 0;
        double a = Math.Abs(x);
        if (a >= overflow) return sign | infinity;
        int lo = 0, hi = values.Length - 1; // largest index with values[i] <= a
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (values[mid] <= a) lo = mid; else hi = mid - 1;
        }
        if (lo == values.Length - 1) return sign | lo;
        double below = a - values[lo], above = values[lo + 1] - a;
        int pick = below < above ? lo : above < below ? lo + 1 : (lo % 2 == 0 ? lo : lo + 1);
        return sign | pick;
    }
}
