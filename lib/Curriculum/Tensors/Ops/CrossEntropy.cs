using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>How per-example losses are combined (<c>reduction=</c> in PyTorch).</summary>
public enum Reduction { Mean, Sum }

/// <summary>Cross-entropy on logits, fused with log-softmax (<c>F.cross_entropy</c>).</summary>
public static partial class F
{
    /// <summary>
    /// logits (...,C), targets (...) -> scalar. Rows whose target is <paramref name="ignoreIndex"/> add nothing and
    /// are not counted in the mean. With label smoothing ε the target distribution is (1-ε)·onehot + ε/C, as in PyTorch:
    /// loss_r = (1-ε)(lse - x_t) + (ε/C) Σ_c (lse - x_c). Under <see cref="Autocast"/> the logits and dlogits are
    /// rounded to <see cref="OpClass.Loss"/>'s format.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, IntTensor targets, int ignoreIndex = -100, float labelSmoothing = 0f,
        Reduction reduction = Reduction.Mean)
    {
        var sl = logits.ShapeArray;
        int c = sl[^1];
        bool fits = c > 0 && (sl.AsSpan(0, sl.Length - 1).SequenceEqual(targets.ShapeArray)
            || (targets.Rank == 1 && targets.Numel == logits.Numel / c));
        if (!fits)
            throw new ArgumentException($"CrossEntropy: logits {Shapes.Text(sl)} and targets {Shapes.Text(targets.ShapeArray)} do not fit (need (...,C) and (...)).");
        if (labelSmoothing < 0f || labelSmoothing > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropy: label smoothing must be in [0, 1].");
        int rows = targets.Numel;
        var t = targets.Data;
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (t[r] == ignoreIndex) continue;
            if ((uint)t[r] >= (uint)c) throw new IndexOutOfRangeException($"CrossEntropy: target {t[r]} at flat position {r} is outside [0,{c}).");
            count++;
        }
        if (logits.OnDevice) return CrossEntropyOnDevice(logits, t, count, ignoreIndex, labelSmoothing, reduction);
        float eps = labelSmoothing;
        var lossFormat = Autocast.Policy.FormatFor(OpClass.Loss);
        var xd = Rounding.Copy(logits.Data, lossFormat);
        var lse = new float[rows];
        var rowLoss = new double[rows];
        Chunks.For(rows, Chunks.RowsPer(c), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = xd.AsSpan(r * c, c);
                float m = Elementwise.Max(xr);
                float l = m + MathF.Log(VectorMath.SumExpShifted(xr, m));
                lse[r] = l;
                if (t[r] == ignoreIndex) continue;
                double loss = (1.0 - eps) * (l - xr[t[r]]);
                if (eps > 0f) loss += eps / c * (c * (double)l - Elementwise.Sum(xr));
                rowLoss[r] = loss;
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        float scale = reduction == Reduction.Mean ? 1f / count : 1f;   // count 0 gives NaN, as in PyTorch
        var y = new Tensor([(float)(total * (reduction == Reduction.Mean ? 1.0 / count : 1.0))]);
        return Autograd.Record(y, "CrossEntropy", [logits], g =>
        {
            // dlogits[r,c] = g·scale·(softmax_c - (1-ε)[c==t] - ε/C); ignored rows get 0.
            var gx = Autograd.GradBuffer(logits);
            if (gx == null) return;
            var dst = lossFormat == FloatFormat.Fp32 ? gx : new float[gx.Length];
            float gs = g[0] * scale, smooth = eps / c;
            Chunks.For(rows, Chunks.RowsPer(c), (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    if (t[r] == ignoreIndex) continue;
                    int b = r * c;
                    float l = lse[r];
                    CrossEntropyRowGrad(xd.AsSpan(b, c), l, gs, smooth, dst.AsSpan(b, c));
                    dst[b + t[r]] -= gs * (1f - eps);
                }
            });
            if (dst != gx) Rounding.AddRounded(gx, dst, lossFormat);
        });
    }

    static Tensor CrossEntropyOnDevice(Tensor logits, int[] targets, int count, int ignoreIndex, float labelSmoothing, Reduction reduction)
    {
        var k = DeviceOps.KernelsOf("CrossEntropy", logits);
        var format = Autocast.Policy.FormatFor(OpClass.Loss);
        float scale = reduction == Reduction.Mean ? 1f / count : 1f;   // count 0 gives NaN, as in PyTorch
        var z = DeviceOps.Rounded(k, logits.Buffer!, format);
        var loss = new Tensor(k.CrossEntropy(z, targets, ignoreIndex, labelSmoothing, reduction));
        return Autograd.RecordOnDevice(loss, "CrossEntropy", [logits], g => Autograd.AccumulateOnDevice(logits,
            DeviceOps.RoundedResult(k, k.CrossEntropyBackward(g, z, targets, ignoreIndex, labelSmoothing, scale), format)));
    }

    // gx[j] += gs · (exp(x[j] - lse) - smooth)
    static void CrossEntropyRowGrad(ReadOnlySpan<float> x, float lse, float gs, float smooth, Span<float> gx)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vg = MemoryMarshal.Cast<float, Vector<float>>(gx);
        Vector<float> vl = new(lse), vs = new(gs), vsm = new(smooth);
        for (int i = 0; i < vx.Length; i++) vg[i] += vs * (VectorMath.Exp(vx[i] - vl) - vsm);
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) gx[i] += gs * (MathF.Exp(x[i] - lse) - smooth);
    }
}
