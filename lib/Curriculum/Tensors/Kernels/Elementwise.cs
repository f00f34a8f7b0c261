using System.Numerics;
using System.Runtime.InteropServices;

namespace Curriculum.Tensors.Kernels;

/// <summary>Vectorised loops over spans (System.Numerics.Vector with a scalar tail). No allocation.</summary>
internal static class Elementwise
{
    static int W => Vector<float>.Count;

    /// <summary>dst[i] += src[i]</summary>
    public static void AddInPlace(Span<float> dst, ReadOnlySpan<float> src)
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
        for (int i = 0; i < vd.Length; i++) vd[i] += vs[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] += src[i];
    }

    /// <summary>dst[i] += alpha * src[i]</summary>
    public static void AddScaledInPlace(Span<float> dst, ReadOnlySpan<float> src, float alpha)
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
        var va = new Vector<float>(alpha);
        for (int i = 0; i < vd.Length; i++) vd[i] += va * vs[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] += alpha * src[i];
    }

    /// <summary>dst[i] = a[i] + b[i]</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        for (int i = 0; i < vd.Length; i++) vd[i] = va[i] + vb[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] = a[i] + b[i];
    }

    /// <summary>dst[i] = a[i] * b[i]</summary>
    public static void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        for (int i = 0; i < vd.Length; i++) vd[i] = va[i] * vb[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] = a[i] * b[i];
    }

    /// <summary>dst[i] += a[i] * b[i]</summary>
    public static void MulAddInPlace(Span<float> dst, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        for (int i = 0; i < vd.Length; i++) vd[i] += va[i] * vb[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] += a[i] * b[i];
    }

    /// <summary>dst[i] = alpha * src[i]</summary>
    public static void Scale(ReadOnlySpan<float> src, float alpha, Span<float> dst)
    {
        var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
        var va = new Vector<float>(alpha);
        for (int i = 0; i < vd.Length; i++) vd[i] = va * vs[i];
        for (int i = vd.Length * W; i < dst.Length; i++) dst[i] = alpha * src[i];
    }

    /// <summary>Sum in a fixed order (vector lanes, then lanes combined), accumulated in float64 per lane.</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        double s = 0;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var acc = Vector<float>.Zero;
        // Blocks of 256 vectors keep float32 lane sums short before they go into the float64 total.
        for (int i = 0; i < vx.Length; i += 256)
        {
            acc = Vector<float>.Zero;
            int end = Math.Min(vx.Length, i + 256);
            for (int j = i; j < end; j++) acc += vx[j];
            for (int l = 0; l < W; l++) s += acc[l];
        }
        for (int i = vx.Length * W; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Σ a[i]·b[i] in float32 lanes (a row-length dot product).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        float s = Vector.Sum(acc);
        for (int i = va.Length * W; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    public static float Max(ReadOnlySpan<float> x)
    {
        float m = float.NegativeInfinity;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        if (vx.Length > 0)
        {
            var vm = vx[0];
            for (int i = 1; i < vx.Length; i++) vm = Vector.Max(vm, vx[i]);
            for (int l = 0; l < W; l++) m = MathF.Max(m, vm[l]);
        }
        for (int i = vx.Length * W; i < x.Length; i++) m = MathF.Max(m, x[i]);
        return m;
    }
}
