using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>
/// The output head and the loss in one op: CrossEntropy(Linear(x, W, b), targets). The logits (N,V) are the
/// largest activation of a language model; here they stay private, so the backward turns them into dlogits in
/// place instead of allocating a second (N,V) array. Same numbers as the two ops composed.
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
        Tensor loss;
        using (Autograd.NoGrad()) loss = CrossEntropy(logits, targets, ignoreIndex, labelSmoothing, reduction);
        var t = targets.Data;
        int count = 0;
        foreach (int ti in t) if (ti != ignoreIndex) count++;
        float scale = reduction == Reduction.Mean ? 1f / count : 1f, eps = labelSmoothing, smooth = eps / v;
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Autograd.Record(loss, "LinearCrossEntropy", inputs, g =>
        {
            // dlogits (N,V) = g·scale·(softmax - (1-ε)·onehot - ε/V), written over the logits; ignored rows are 0.
            var z = logits.Data;
            float gs = g[0] * scale;
            Chunks.For(rows, Chunks.RowsPer(v), (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    var zr = z.AsSpan(r * v, v);
                    if (t[r] == ignoreIndex) { zr.Clear(); continue; }
                    float m = Elementwise.Max(zr);
                    float lse = m + MathF.Log(VectorMath.SumExpShifted(zr, m));
                    VectorMath.ExpShifted(zr, lse, zr);                 // softmax
                    for (int j = 0; j < v; j++) zr[j] = gs * (zr[j] - smooth);
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
}
