using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>
/// The output head and the loss in one op: CrossEntropy(Linear(x, W, b), targets). The logits (N,V) are the
/// largest activation of a language model; here they never exist whole. Rows go through in fixed blocks: a block's
/// logits, their log-sum-exp and loss, and (when a gradient will be needed) the block's share of the gradients,
/// computed at once because the loss is a scalar whose incoming gradient g only scales them:
///   A = softmax - (1-ε)·onehot - ε/V (ignored rows 0);  dX = g·s·A W,  dW = g·s·Aᵀ X,  db = g·s·Σrows A  (s = 1/count or 1).
/// The backward only scales the kept (N,C), (V,C) and (V) sums by g·s. Same numbers as the two ops composed.
/// Under <see cref="Autocast"/> with a 16-bit format the whole logits are formed instead: the head is a <see cref="Linear"/>
/// (16-bit operands, logits rounded to <see cref="OpClass.MatMulOutput"/>), the logits are then rounded to
/// <see cref="OpClass.Loss"/>, and dlogits to Loss and then <see cref="OpClass.MatMulInput"/> before the head's backward products.
/// </summary>
public static partial class F
{
    /// <summary>Logits per block of rows: about 2M floats (8 MB), whatever the thread count.</summary>
    const int HeadBlockFloats = 1 << 21;

    /// <summary>x (...,C), weight (V,C), bias (V) or null, targets (...) -> scalar; options as <see cref="CrossEntropy"/>.</summary>
    public static Tensor LinearCrossEntropy(Tensor x, Tensor weight, Tensor? bias, IntTensor targets, int ignoreIndex = -100,
        float labelSmoothing = 0f, Reduction reduction = Reduction.Mean)
    {
        int[] sx = x.ShapeArray, sw = weight.ShapeArray;
        if (sw.Length != 2 || sx.Length < 1 || sx[^1] != sw[1])
            throw new ArgumentException($"LinearCrossEntropy: input {Shapes.Text(sx)} and weight {Shapes.Text(sw)} do not fit (need (...,C) and (V,C)).");
        int v = sw[0], c = sw[1], rows = x.Numel / Math.Max(1, c);
        if (bias != null && (bias.Rank != 1 || bias.Numel != v))
            throw new ArgumentException($"LinearCrossEntropy: bias {Shapes.Text(bias.ShapeArray)} does not fit weight {Shapes.Text(sw)} (need ({v})).");
        if (targets.Numel != rows)
            throw new ArgumentException($"LinearCrossEntropy: input {Shapes.Text(sx)} and targets {Shapes.Text(targets.ShapeArray)} do not fit (need (...,C) and (...)).");
        if (labelSmoothing < 0f || labelSmoothing > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "LinearCrossEntropy: label smoothing must be in [0, 1].");
        if (x.OnDevice || weight.OnDevice || (bias?.OnDevice ?? false))
            return LinearCrossEntropyOnDevice(x, weight, bias, targets, ignoreIndex, labelSmoothing, reduction);
        var policy = Autocast.Policy;
        if (policy.FormatFor(OpClass.MatMulInput) != FloatFormat.Fp32 || policy.FormatFor(OpClass.MatMulOutput) != FloatFormat.Fp32
            || policy.FormatFor(OpClass.Loss) != FloatFormat.Fp32)
            return LinearCrossEntropyRounded(x, weight, bias, targets, ignoreIndex, labelSmoothing, reduction, policy);
        var t = targets.Data;
        int count = CountTargets(t, v, ignoreIndex);
        float eps = labelSmoothing, smooth = eps / v;
        bool needX = Autograd.Needs(x), needW = Autograd.Needs(weight), needB = bias != null && Autograd.Needs(bias);
        bool grad = needX || needW || needB;
        float[] xd = x.Data, wd = weight.Data;
        float[]? dx = needX ? BufferPool.RentZeroed(rows * c) : null;   // A W, (N,C)
        float[]? dw = needW ? BufferPool.RentZeroed(v * c) : null;      // Aᵀ X, (V,C)
        float[]? db = needB ? new float[v] : null;                      // Σrows A, (V)
        var rowLoss = new double[rows];
        int block = Math.Max(1, HeadBlockFloats / Math.Max(1, v));
        var z = BufferPool.Rent(Math.Min(rows, block) * v);
        for (int b0 = 0; b0 < rows; b0 += block)
        {
            int nb = Math.Min(block, rows - b0);
            var zb = z.AsSpan(0, nb * v);
            // Z (nb,V) = X W^T + b
            if (bias != null) for (int r = 0; r < nb; r++) bias.Data.CopyTo(zb.Slice(r * v, v));
            Gemm.Multiply(false, true, nb, v, c, 1f, xd.AsSpan(b0 * c), c, wd, c, bias != null ? 1f : 0f, zb, v);
            // loss_r = (1-ε)(lse_r - z_r,t) + (ε/V) Σ_j (lse_r - z_rj), as CrossEntropy; then Z becomes A.
            Chunks.For(nb, Chunks.RowsPer(v), (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    var zr = z.AsSpan(r * v, v);
                    int target = t[b0 + r];
                    if (target == ignoreIndex) { if (grad) zr.Clear(); continue; }
                    float m = Elementwise.Max(zr), zt = zr[target];
                    double zsum = eps > 0f ? Elementwise.Sum(zr) : 0;
                    // One exponential per logit: e = exp(z - m) is kept (when a gradient is needed) and softmax = e / Σe.
                    float sum = grad ? VectorMath.ExpShifted(zr, m, zr) : VectorMath.SumExpShifted(zr, m);
                    float l = m + MathF.Log(sum);
                    double loss = (1.0 - eps) * (l - zt);
                    if (eps > 0f) loss += eps / v * (v * (double)l - zsum);
                    rowLoss[b0 + r] = loss;
                    if (!grad) continue;
                    ScaleMinusSmoothRow(zr, 1f / sum, smooth);
                    zr[target] -= 1f - eps;
                }
            });
            if (!grad) continue;
            if (dx != null) Gemm.Multiply(false, false, nb, c, v, 1f, zb, v, wd, c, 0f, dx.AsSpan(b0 * c), c);
            if (dw != null) Gemm.Multiply(true, false, v, c, nb, 1f, zb, v, xd.AsSpan(b0 * c), c, 1f, dw, c);
            if (db != null) for (int r = 0; r < nb; r++) Elementwise.AddInPlace(db, zb.Slice(r * v, v));
        }
        BufferPool.Return(z);
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        float scale = reduction == Reduction.Mean ? 1f / count : 1f;   // count 0 gives NaN, as in PyTorch
        var lossTensor = new Tensor([(float)(total * (reduction == Reduction.Mean ? 1.0 / count : 1.0))]);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Autograd.Record(lossTensor, "LinearCrossEntropy", inputs, g =>
        {
            float gs = g[0] * scale;
            if (dx != null) { Elementwise.AddScaledInPlace(Autograd.GradBuffer(x)!, dx, gs); BufferPool.Return(dx); }
            if (dw != null) { Elementwise.AddScaledInPlace(Autograd.GradBuffer(weight)!, dw, gs); BufferPool.Return(dw); }
            if (db != null) Elementwise.AddScaledInPlace(Autograd.GradBuffer(bias!)!, db, gs);
        });
    }

    /// <summary>The number of targets not ignored; a target outside [0,V) throws naming its position.</summary>
    static int CountTargets(int[] t, int v, int ignoreIndex)
    {
        int count = 0;
        for (int r = 0; r < t.Length; r++)
        {
            if (t[r] == ignoreIndex) continue;
            if ((uint)t[r] >= (uint)v) throw new IndexOutOfRangeException($"LinearCrossEntropy: target {t[r]} at flat position {r} is outside [0,{v}).");
            count++;
        }
        return count;
    }

    // On a device the logits (N,V) are formed whole and kept for the backward (no blocking). Under a 16-bit policy the
    // rounding points of LinearCrossEntropyRounded: the Linear's operands and logits, the logits to the loss format, the
    // logits' gradient to the loss format then the operands' format, and the gradients of x, W, b.
    static Tensor LinearCrossEntropyOnDevice(Tensor x, Tensor weight, Tensor? bias, IntTensor targets, int ignoreIndex,
        float labelSmoothing, Reduction reduction)
    {
        var k = DeviceOps.KernelsOf("LinearCrossEntropy", x, weight, bias);
        var t = targets.Data;
        int count = CountTargets(t, weight.ShapeArray[0], ignoreIndex);
        float scale = reduction == Reduction.Mean ? 1f / count : 1f;   // count 0 gives NaN, as in PyTorch
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var mmOut = policy.FormatFor(OpClass.MatMulOutput);
        var lossFormat = policy.FormatFor(OpClass.Loss);
        if (mm == FloatFormat.Fp32 && mmOut == FloatFormat.Fp32 && lossFormat == FloatFormat.Fp32)
        {
            var (loss, logits) = k.LinearCrossEntropy(x.Buffer!, weight.Buffer!, bias?.Buffer, t, ignoreIndex, labelSmoothing, reduction);
            return Autograd.RecordOnDevice(new Tensor(loss), "LinearCrossEntropy", inputs, g =>
            {
                var (dx, dw, db) = k.LinearCrossEntropyBackward(g, logits, x.Buffer!, weight.Buffer!, t, ignoreIndex, labelSmoothing, scale,
                    x.RequiresGrad, weight.RequiresGrad, bias?.RequiresGrad ?? false);
                Autograd.AccumulateOnDevice(x, dx);
                Autograd.AccumulateOnDevice(weight, dw);
                if (bias != null) Autograd.AccumulateOnDevice(bias, db);
            });
        }
        IDeviceBuffer xr = DeviceOps.Rounded(k, x.Buffer!, mm), wr = DeviceOps.Rounded(k, weight.Buffer!, mm);
        var br = bias != null ? DeviceOps.Rounded(k, bias.Buffer!, mm) : null;
        var z = DeviceOps.RoundedResult(k, DeviceOps.RoundedResult(k, k.Linear(xr, wr, br, DeviceOps.ProductFormat(policy)), mmOut), lossFormat)!;   // (...,V)
        int v = weight.ShapeArray[0];
        var z2 = z.Reshape([t.Length, v]);                                                                         // (N,V)
        var lossTensor = new Tensor(k.CrossEntropy(z2, t, ignoreIndex, labelSmoothing, reduction));
        return Autograd.RecordOnDevice(lossTensor, "LinearCrossEntropy", inputs, g =>
        {
            var a = k.CrossEntropyBackward(g, z2, t, ignoreIndex, labelSmoothing, scale);
            DeviceOps.RoundedResult(k, a, lossFormat);
            DeviceOps.RoundedResult(k, a, mm);
            var (dx, dw, db) = k.LinearBackward(a.Reshape(z.Shape.ToArray()), xr, wr, x.RequiresGrad, weight.RequiresGrad, bias?.RequiresGrad ?? false,
                DeviceOps.ProductFormat(policy));
            a.Dispose();
            Autograd.AccumulateOnDevice(x, DeviceOps.RoundedResult(k, dx, mm));
            Autograd.AccumulateOnDevice(weight, DeviceOps.RoundedResult(k, dw, mm));
            if (bias != null) Autograd.AccumulateOnDevice(bias, DeviceOps.RoundedResult(k, db, mm));
        });
    }

    static Tensor LinearCrossEntropyRounded(Tensor x, Tensor weight, Tensor? bias, IntTensor targets, int ignoreIndex,
        float labelSmoothing, Reduction reduction, PrecisionPolicy policy)
    {
        Tensor logits;
        using (Autograd.NoGrad()) logits = Linear(x, weight, bias);     // (N,V), not recorded
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var lossFormat = policy.FormatFor(OpClass.Loss);
        FloatRounding.Round(logits.Data, lossFormat);
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
                    float sum = VectorMath.ExpShifted(zr, m, zr);       // exp(z - m), one exponential per logit
                    ScaleMinusSmoothRow(zr, 1f / sum, smooth);          // softmax - ε/V
                    Elementwise.Scale(zr, gs, zr);
                    zr[t[r]] -= gs * (1f - eps);
                }
            });
            // dX (N,C) = dlogits W;  dW (V,C) += dlogitsᵀ X;  db += column sums of dlogits.
            var gx = Autograd.GradBuffer(x);
            var gw = Autograd.GradBuffer(weight);
            var gb = bias != null ? Autograd.GradBuffer(bias) : null;
            if (mm == FloatFormat.Fp32 && lossFormat == FloatFormat.Fp32)
            {
                if (gx != null) Gemm.Multiply(false, false, rows, c, v, 1f, z, v, weight.Data, c, 1f, gx, c);
                if (gw != null) Gemm.Multiply(true, false, v, c, rows, 1f, z, v, x.Data, c, 1f, gw, c);
                if (gb != null) for (int r = 0; r < rows; r++) Elementwise.AddInPlace(gb, z.AsSpan(r * v, v));
                return;
            }
            // The 16-bit operands are rounded again from the unchanged fp32 tensors rather than kept from the forward.
            FloatRounding.Round(z, lossFormat);
            FloatRounding.Round(z, mm);
            if (gx != null)
            {
                var tx = BufferPool.Rent(gx.Length);
                Gemm.Multiply(false, false, rows, c, v, 1f, z, v, Rounding.Copy(weight.Data, mm), c, 0f, tx, c);
                Rounding.AddRounded(gx, tx, mm);
                BufferPool.Return(tx);
            }
            if (gw != null)
            {
                var tw = new float[gw.Length];
                Gemm.Multiply(true, false, v, c, rows, 1f, z, v, Rounding.Copy(x.Data, mm), c, 0f, tw, c);
                Rounding.AddRounded(gw, tw, mm);
            }
            if (gb != null)
            {
                var tb = new float[gb.Length];
                for (int r = 0; r < rows; r++) Elementwise.AddInPlace(tb, z.AsSpan(r * v, v));
                Rounding.AddRounded(gb, tb, mm);
            }
        });
    }

    // z[j] = z[j]·scale - smooth, in place: exp(z - m) / Σ exp(z - m) - ε/V.
    static void ScaleMinusSmoothRow(Span<float> z, float scale, float smooth)
    {
        var vz = MemoryMarshal.Cast<float, Vector<float>>(z);
        Vector<float> vs = new(scale), vsm = new(smooth);
        for (int i = 0; i < vz.Length; i++) vz[i] = vz[i] * vs - vsm;
        for (int i = vz.Length * Vector<float>.Count; i < z.Length; i++) z[i] = z[i] * scale - smooth;
    }
}
