using System.Numerics;
using System.Runtime.InteropServices;

namespace Curriculum.Precision;

/// <summary>
/// Rounds fp32 values to a 16-bit format and back, in place: what a value looks like after being stored in
/// bf16 or fp16 (PyTorch: <c>x.bfloat16().float()</c>, <c>x.half().float()</c>). Round to nearest, ties to even;
/// beyond the format's max (plus half an ulp) to infinity; NaN stays NaN (quiet). Vectorised with Vector&lt;T&gt;,
/// scalar tail; the scalar path is the definition the vector path is tested against.
/// </summary>
public static class FloatRounding
{
    const uint AbsMask = 0x7FFFFFFF, SignMask = 0x80000000, Infinity = 0x7F800000, QuietBit = 0x00400000;
    const uint Fp16Overflow = 0x477FF000;  // 65520 = 65504 + half an ulp: from here on fp16 rounds to infinity
    const uint Fp16MinNormal = 0x38800000; // 2^-14

    /// <summary>One value stored in <paramref name="format"/> and read back as fp32.</summary>
    public static float Round(float x, FloatFormat format) => format switch
    {
        FloatFormat.Fp32 => x,
        FloatFormat.Bf16 => (float)(BFloat16)x,
        FloatFormat.Fp16 => (float)(Half)x,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "expected Fp32, Bf16 or Fp16"),
    };

    /// <summary>Every value stored in <paramref name="format"/> and read back as fp32, in place. Fp32 leaves it unchanged.</summary>
    public static void Round(Span<float> values, FloatFormat format)
    {
        switch (format)
        {
            case FloatFormat.Fp32: return;
            case FloatFormat.Bf16: RoundToBf16(values); return;
            case FloatFormat.Fp16: RoundToFp16(values); return;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, "expected Fp32, Bf16 or Fp16");
        }
    }

    /// <summary>x -> bf16 -> fp32 in place: add 0x7FFF + lsb to the bits and clear the low 16 (NaN: set the quiet bit).</summary>
    public static void RoundToBf16(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var abs = new Vector<uint>(AbsMask);
            var inf = new Vector<uint>(Infinity);
            var quiet = new Vector<uint>(QuietBit);
            var bias = new Vector<uint>(0x7FFF);
            var one = Vector<uint>.One;
            var keep = new Vector<uint>(0xFFFF0000);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var u = new Vector<uint>(bits.Slice(i));
                var isNaN = Vector.GreaterThan(u & abs, inf);
                var rounded = u + bias + (Vector.ShiftRightLogical(u, 16) & one);
                (Vector.ConditionalSelect(isNaN, u | quiet, rounded) & keep).CopyTo(bits.Slice(i));
            }
        }
        for (; i < bits.Length; i++) bits[i] = (uint)BFloat16.RoundBits(bits[i]) << 16;
    }

    /// <summary>
    /// x -> fp16 -> fp32 in place. Normal fp16 range: round away the low 13 mantissa bits (add 0xFFF + lsb, clear);
    /// below 2^-14 (fp16 subnormals, spaced 2^-24): (|x| + 0.5) - 0.5, since fp32 values in [0.5, 1) are spaced 2^-24
    /// and the addition rounds to nearest even; from 65520 on: infinity.
    /// </summary>
    public static void RoundToFp16(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var abs = new Vector<uint>(AbsMask);
            var sign = new Vector<uint>(SignMask);
            var inf = new Vector<uint>(Infinity);
            var quiet = new Vector<uint>(QuietBit);
            var overflow = new Vector<uint>(Fp16Overflow);
            var minNormal = new Vector<uint>(Fp16MinNormal);
            var bias = new Vector<uint>(0x0FFF);
            var one = Vector<uint>.One;
            var keep = new Vector<uint>(0xFFFFE000);
            var half = new Vector<float>(0.5f);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var u = new Vector<uint>(bits.Slice(i));
                var a = u & abs;
                var normal = (a + bias + (Vector.ShiftRightLogical(a, 13) & one)) & keep;
                var subnormal = Vector.AsVectorUInt32(Vector.AsVectorSingle(a) + half - half);
                var r = Vector.ConditionalSelect(Vector.LessThan(a, minNormal), subnormal, normal);
                r = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, overflow), inf, r);
                r = Vector.ConditionalSelect(Vector.GreaterThan(a, inf), (a | quiet) & keep, r);
                (r | (u & sign)).CopyTo(bits.Slice(i));
            }
        }
        for (; i < values.Length; i++) values[i] = (float)(Half)values[i];
    }
}
