using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>
/// The output head and the loss in one op: CrossEntropy(Linear(x, W, b), targets). The logits (N,V) are the
/// largest activation of a language model; here they stay private, so the backward turns them into dlogits in
/// place instead of allocating a second (N,V) array, and each row's log-sum-exp from the forward is kept so the
/// backward needs one exp per logit. Same numbers as the two ops composed.
/// </summary>
public static partial class F
{
    /// <summary>x (...,C), weight (V,C), bias (V) or null, targets (...) -> scalar; options as <see cref="CrossEntropy"/>.</summary>
    public static Tensor LinearCrossEntropy(Tensor x, Tensor weight, Tensor? bias, IntTensor targets, int ignoreIndex = -100,
        float labelSmoothing = 0f, Reduction reduction = Reduction.Mean)
    {
        Tensor logits;
        using (Autograd.NoGrad()) logits = Linear(x, weight, bias);     // (N,V), not recorded
        int v = weight.ShapeArray[0], c = weight.ShapeArray[1], rows = logits.Numel / v;
        if (targets.Numel != rows)
            throw new ArgumentException($"LinearCrossEntropy: logits {Shapes.Text(logits.ShapeArray)} and targets {Shapes.Text(targets.ShapeArray)} do not fit (need (...,V) and (...)).");
        if (labelSmoothing < 0f || labelSmoothing > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "LinearCrossEntropy: label smoothing must be in [0, 1].");
        var t = targets.Data;
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (t[r] == ignoreIndex) continue;
            if ((uint)t[r] >= (uint)v) throw new IndexOutOfRangeException($"LinearCrossEntropy: target {t[r]} at flat position {r} is outside [0,{v}).");
            count++;
        }
        float scale = reduction == Reduction.Mean ? 1f / count : 1f, eps = labelSmoothing, smooth = eps / v;
        // loss_r = (1-ε)(lse_r - z_r,t) + (ε/V) Σ_j (lse_r - z_rj), as CrossEntropy; lse kept for the backward.
        var z = logits.Data;
        var lse = new float[rows];
        var rowLoss = new double[rows];
        Chunks.For(rows, Chunks.RowsPer(v), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var zr = z.AsSpan(r * v, v);
                float m = Elementwise.Max(zr);
                float l = m + MathF.Log(VectorMath.SumExpShifted(zr, m));
                lse[r] = l;
                if (t[r] == ignoreIndex) continue;
                double loss = (1.0 - eps) * (l - zr[t[r]]);
                if (eps > 0f) loss += eps / v * (v * (double)l - Elementwise.Sum(zr));
                rowLoss[r] = loss;
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        var lossTensor = new Tensor([(float)(total * (reduction == Reduction.Mean ? 1.0 / count : 1.0))]);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Autograd.Record(lossTensor, "LinearCrossEntropy", inputs, g =>
        {
            // dlogits (N,V) = g·scale·(softmax - (1-ε)·onehot - ε/V), written over the logits; ignored rows are 0.
            float gs = g[0] * scale;
            Chunks.For(rows, Chunks.RowsPer(v), (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    var zr = z.AsSpan(r * v, v);
                    if (t[r] == ignoreIndex) { zr.Clear(); continue; }
                    SoftmaxGradRow(zr, lse[r], gs, smooth);
                    zr[t[r]] -= gs * (1f - eps);
                }
            });
            // dX (N,C) = dlogits W;  dW (V,C) += dlogitsᵀ X;  db += column sums of dlogits.
            var gx = Autograd.GradBuffer(x);
            var gw = Autograd.GradBuffer(weight);
            if (gx != null) Gemm.Multiply(false, false, rows, c, v, 1f, z, v, weight.Data, c, 1f, gx, c);
            if (gw != null) Gemm.Multiply(true, false, v, c, rows, 1f, z, v, x.Data, c, 1f, gw, c);
            var gb = bias != null ? Autograd.GradBuffer(bias) : null;
            if (gb != null) for (int r = 0; r < rows; r++) Elementwise.AddInPlace(gb, z.AsSpan(r * v, v));
        });
    }

    // z[j] = gs · (exp(z[j] - lse) - smooth), in place.
    static void SoftmaxGradRow(Span<float> z, float lse, float gs, float smooth)
    {
        var vz = MemoryMarshal.Cast<float, Vector<float>>(z);
        Vector<float> vl = new(lse), vs = new(gs), vsm = new(smooth);
        for (int i = 0; i < vz.Length; i++) vz[i] = vs * (VectorMath.Exp(vz[i] - vl) - vsm);
        for (int i = vz.Length * Vector<float>.Count; i < z.Length; i++) z[i] = gs * (MathF.Exp(z[i] - lse) - smooth);
    }
}
