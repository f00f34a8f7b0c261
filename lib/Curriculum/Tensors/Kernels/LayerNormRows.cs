using System.Numerics;
using System.Runtime.InteropServices;

namespace Curriculum.Tensors.Kernels;

/// <summary>One row of layer normalisation, forward and backward, vectorised (System.Numerics.Vector, scalar tail).</summary>
internal static class LayerNormRows
{
    static int W => Vector<float>.Count;

    /// <summary>The mean (from the float64 sum) and rstd = 1/sqrt(var + eps) (biased variance in float32 lanes) of one row.</summary>
    public static (float Mean, float Rstd) Stats(ReadOnlySpan<float> x, float eps)
    {
        int c = x.Length;
        float m = (float)(Elementwise.Sum(x) / c);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vm = new Vector<float>(m);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < vx.Length; i++) { var d = vx[i] - vm; acc = Vector.FusedMultiplyAdd(d, d, acc); }
        float v = Vector.Sum(acc);
        for (int j = vx.Length * W; j < c; j++) { float d = x[j] - m; v += d * d; }
        return (m, 1f / MathF.Sqrt(v / c + eps));
    }

    /// <summary>y = (x - m)·s·w + b over one row (w, b empty when absent).</summary>
    public static void Normalize(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> w, ReadOnlySpan<float> b, float m, float s)
    {
        int c = x.Length;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vm = new Vector<float>(m);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vs = new Vector<float>(s);
        if (!w.IsEmpty && !b.IsEmpty)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int i = 0; i < vx.Length; i++) vy[i] = Vector.FusedMultiplyAdd((vx[i] - vm) * vs, vw[i], vb[i]);
        }
        else
            for (int i = 0; i < vx.Length; i++)
            {
                var n = (vx[i] - vm) * vs;
                if (!w.IsEmpty) n *= MemoryMarshal.Cast<float, Vector<float>>(w)[i];
                if (!b.IsEmpty) n += MemoryMarshal.Cast<float, Vector<float>>(b)[i];
                vy[i] = n;
            }
        for (int j = vx.Length * W; j < c; j++)
        {
            float n = (x[j] - m) * s;
            if (!w.IsEmpty) n *= w[j];
            if (!b.IsEmpty) n += b[j];
            y[j] = n;
        }
    }

    /// <summary>
    /// Backward of one row, xhat = (x-mean)·rstd, dxhat = g·w:  gx += rstd·(dxhat - mean(dxhat) - xhat·mean(dxhat·xhat))
    /// (gx empty: skipped); gwPart += g·xhat and gbPart += g (empty: skipped). <paramref name="scratch"/> holds dxhat.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, ReadOnlySpan<float> w, float mean, float rstd,
        Span<float> gx, Span<float> gwPart, Span<float> gbPart, Span<float> scratch)
    {
        int c = x.Length, nv = c / W;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(scratch);
        Vector<float> vm = new(mean), vs = new(rstd), acc1 = Vector<float>.Zero, acc2 = Vector<float>.Zero;
        for (int i = 0; i < nv; i++)
        {
            var xh = (vx[i] - vm) * vs;
            var dh = w.IsEmpty ? vg[i] : vg[i] * MemoryMarshal.Cast<float, Vector<float>>(w)[i];
            vd[i] = dh;
            acc1 += dh;
            acc2 = Vector.FusedMultiplyAdd(dh, xh, acc2);
            if (!gwPart.IsEmpty) { var pw = MemoryMarshal.Cast<float, Vector<float>>(gwPart); pw[i] = Vector.FusedMultiplyAdd(vg[i], xh, pw[i]); }
            if (!gbPart.IsEmpty) MemoryMarshal.Cast<float, Vector<float>>(gbPart)[i] += vg[i];
        }
        float sum1 = Vector.Sum(acc1), sum2 = Vector.Sum(acc2);
        for (int j = nv * W; j < c; j++)
        {
            float xh = (x[j] - mean) * rstd;
            float dh = w.IsEmpty ? g[j] : g[j] * w[j];
            scratch[j] = dh;
            sum1 += dh; sum2 += dh * xh;
            if (!gwPart.IsEmpty) gwPart[j] += g[j] * xh;
            if (!gbPart.IsEmpty) gbPart[j] += g[j];
        }
        if (gx.IsEmpty) return;
        sum1 /= c; sum2 /= c;
        var vgx = MemoryMarshal.Cast<float, Vector<float>>(gx);
        Vector<float> v1 = new(sum1), v2 = new(sum2);
        for (int i = 0; i < nv; i++)
        {
            var xh = (vx[i] - vm) * vs;
            vgx[i] += vs * (vd[i] - v1 - xh * v2);
        }
        for (int j = nv * W; j < c; j++)
        {
            float xh = (x[j] - mean) * rstd;
            gx[j] += rstd * (scratch[j] - sum1 - xh * sum2);
        }
    }
}
