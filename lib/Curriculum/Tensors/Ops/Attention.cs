using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>
/// Scaled dot-product attention, fused: softmax(scale·Q Kᵀ + mask) V per batch and head, with its backward.
/// Three entry points share one kernel that reads Q, K, V through strides, so heads are never copied out:
/// PyTorch's (B,H,T,D) layout, heads as channel groups of (B,T,C), and a fused (B,T,3C) QKV projection.
/// A mask that needs a gradient (a learned position bias) gets dS, summed over the dimensions it broadcast over.
/// Under <see cref="Autocast"/>: Q, K, V and P enter the two products rounded to <see cref="OpClass.MatMulInput"/>, the
/// scores are rounded to <see cref="OpClass.MatMulOutput"/> and then <see cref="OpClass.Softmax"/>, the probabilities to
/// Softmax, the output to MatMulOutput; in backward dO, dP, dS and the gradients of Q, K, V are rounded likewise.
/// </summary>
public static partial class F
{
    /// <summary>
    /// <c>F.scaled_dot_product_attention</c>: q (B,H,Tq,D), k (B,H,Tk,D), v (B,H,Tk,Dv) -> (B,H,Tq,Dv).
    /// <paramref name="attnMask"/> is added to the scores (0 to keep, -inf to block; see <see cref="AttentionMask"/>)
    /// and broadcasts to (B,H,Tq,Tk); <paramref name="isCausal"/> blocks key j &gt; query i. Scale defaults to 1/√D.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? attnMask = null, bool isCausal = false,
        float dropoutP = 0f, Generator? generator = null, float? scale = null)
    {
        int[] sq = q.ShapeArray, sk = k.ShapeArray, sv = v.ShapeArray;
        if (sq.Length != 4 || sk.Length != 4 || sv.Length != 4 || sq[0] != sk[0] || sq[1] != sk[1] || sq[3] != sk[3]
            || sv[0] != sk[0] || sv[1] != sk[1] || sv[2] != sk[2])
            throw new ArgumentException($"ScaledDotProductAttention: q {Shapes.Text(sq)}, k {Shapes.Text(sk)}, v {Shapes.Text(sv)} do not fit (need (B,H,Tq,D), (B,H,Tk,D), (B,H,Tk,Dv)).");
        int b = sq[0], h = sq[1], tq = sq[2], d = sq[3], tk = sk[2], dv = sv[3];
        bool onDevice = q.OnDevice || k.OnDevice || v.OnDevice || (attnMask?.OnDevice ?? false);
        if (onDevice && attnMask is { RequiresGrad: true })
            return AttentionWithLearnedMask("ScaledDotProductAttention", q, k, v, attnMask, isCausal, dropoutP, generator, scale ?? 1f / MathF.Sqrt(d));
        if (onDevice)
            return ScaledDotProductAttentionOnDevice(q, k, v, attnMask, isCausal, dropoutP, generator, [b, h, tq, tk], scale ?? 1f / MathF.Sqrt(d));
        var dims = new AttentionDims(b, h, tq, tk, d, dv);
        return AttentionCore("ScaledDotProductAttention", dims, [q, k, v],
            new(q, 0, h * tq * d, tq * d, d), new(k, 0, h * tk * d, tk * d, d), new(v, 0, h * tk * dv, tk * dv, dv),
            [b, h, tq, dv], h * tq * dv, tq * dv, dv, attnMask, isCausal, dropoutP, generator, scale ?? 1f / MathF.Sqrt(d));
    }

    /// <summary>
    /// Attention over already projected q (B,Tq,C), k (B,Tk,C), v (B,Tk,Cv) with <paramref name="numHeads"/> heads, each a
    /// group of C/H channels -> (B,Tq,Cv). Equals SDPA on <c>x.view(B,T,H,C/H).transpose(1,2)</c>, transposed back.
    /// Self-attention passes the same tensor thrice; cross-attention passes decoder q and encoder k, v.
    /// </summary>
    public static Tensor MultiHeadAttention(Tensor q, Tensor k, Tensor v, int numHeads, Tensor? attnMask = null, bool isCausal = false,
        float dropoutP = 0f, Generator? generator = null)
    {
        int[] sq = q.ShapeArray, sk = k.ShapeArray, sv = v.ShapeArray;
        if (sq.Length != 3 || sk.Length != 3 || sv.Length != 3 || sq[0] != sk[0] || sq[2] != sk[2] || sv[0] != sk[0] || sv[1] != sk[1]
            || numHeads <= 0 || sq[2] % numHeads != 0 || sv[2] % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: q {Shapes.Text(sq)}, k {Shapes.Text(sk)}, v {Shapes.Text(sv)} with {numHeads} heads do not fit (need (B,Tq,C), (B,Tk,C), (B,Tk,Cv), C and Cv divisible by the heads).");
        int b = sq[0], tq = sq[1], c = sq[2], tk = sk[1], cv = sv[2], d = c / numHeads, dv = cv / numHeads;
        bool onDevice = q.OnDevice || k.OnDevice || v.OnDevice || (attnMask?.OnDevice ?? false);
        if (onDevice && attnMask is { RequiresGrad: true })
            return AttentionWithLearnedMask("MultiHeadAttention", SplitHeads(q, numHeads), SplitHeads(k, numHeads), SplitHeads(v, numHeads), attnMask, isCausal,
                dropoutP, generator, 1f / MathF.Sqrt(d)).Permute(0, 2, 1, 3).Reshape(b, tq, cv);
        if (onDevice)
            return MultiHeadAttentionOnDevice(q, k, v, numHeads, attnMask, isCausal, dropoutP, generator, [b, numHeads, tq, tk], 1f / MathF.Sqrt(d));
        var dims = new AttentionDims(b, numHeads, tq, tk, d, dv);
        return AttentionCore("MultiHeadAttention", dims, [q, k, v],
            new(q, 0, tq * c, d, c), new(k, 0, tk * c, d, c), new(v, 0, tk * cv, dv, cv),
            [b, tq, cv], tq * cv, dv, cv, attnMask, isCausal, dropoutP, generator, 1f / MathF.Sqrt(d));
    }

    /// <summary>
    /// Self-attention straight from a fused projection qkv (B,T,3C) laid out [q | k | v] along the last dimension
    /// (the anchor's <c>qkv(x).split(C, dim=2)</c>) -> (B,T,C), without copying q, k, v apart.
    /// </summary>
    public static Tensor SelfAttention(Tensor qkv, int numHeads, Tensor? attnMask = null, bool isCausal = false,
        float dropoutP = 0f, Generator? generator = null)
    {
        int[] s = qkv.ShapeArray;
        if (s.Length != 3 || s[2] % 3 != 0 || numHeads <= 0 || (s[2] / 3) % numHeads != 0)
            throw new ArgumentException($"SelfAttention: qkv {Shapes.Text(s)} with {numHeads} heads does not fit (need (B,T,3C), C divisible by the heads).");
        int b = s[0], t = s[1], c = s[2] / 3, d = c / numHeads;
        bool onDevice = qkv.OnDevice || (attnMask?.OnDevice ?? false);
        if (onDevice && attnMask is { RequiresGrad: true })
        {
            var parts = Split(qkv, c, 2);                                          // q, k, v (B,T,C)
            return MultiHeadAttention(parts[0], parts[1], parts[2], numHeads, attnMask, isCausal, dropoutP, generator);
        }
        if (onDevice) return SelfAttentionOnDevice(qkv, numHeads, attnMask, isCausal, dropoutP, generator, 1f / MathF.Sqrt(d));
        var dims = new AttentionDims(b, numHeads, t, t, d, d);
        return AttentionCore("SelfAttention", dims, [qkv],
            new(qkv, 0, t * 3 * c, d, 3 * c), new(qkv, c, t * 3 * c, d, 3 * c), new(qkv, 2 * c, t * 3 * c, d, 3 * c),
            [b, t, c], t * c, d, c, attnMask, isCausal, dropoutP, generator, 1f / MathF.Sqrt(d));
    }

    // On a device the dropout mask on the probabilities comes from the device's random stream, seeded from the generator.
    static Tensor SelfAttentionOnDevice(Tensor qkv, int numHeads, Tensor? attnMask, bool isCausal, float dropoutP, Generator? generator, float scale)
    {
        var k = DeviceOps.KernelsOf("SelfAttention", qkv, attnMask);
        var formats = AttentionFormats.Of(Autocast.Policy);
        int[] sq = qkv.ShapeArray;
        CheckDropoutAndMask("SelfAttention", dropoutP, attnMask, [sq[0], numHeads, sq[1], sq[1]]);
        var dropMask = dropoutP > 0f
            ? k.DropoutMask([sq[0], numHeads, sq[1], sq[1]], dropoutP, (generator ?? Generator.Default).NextUInt64()) : null;
        var (y, p, used) = k.SelfAttention(qkv.Buffer!, numHeads, attnMask?.Buffer, isCausal, dropMask, scale, formats);
        return Autograd.RecordOnDevice(new Tensor(y), "SelfAttention", [qkv], g =>
            Autograd.AccumulateOnDevice(qkv, k.SelfAttentionBackward(g, qkv.Buffer!, numHeads, p, used, dropMask, scale, formats)));
    }

    static Tensor MultiHeadAttentionOnDevice(Tensor q, Tensor k, Tensor v, int numHeads, Tensor? attnMask, bool isCausal,
        float dropoutP, Generator? generator, int[] scores, float scale)
    {
        var kernels = DeviceOps.KernelsOf("MultiHeadAttention", q, k, v);
        if (attnMask != null) DeviceOps.KernelsOf("MultiHeadAttention", q, attnMask);
        var formats = AttentionFormats.Of(Autocast.Policy);
        CheckDropoutAndMask("MultiHeadAttention", dropoutP, attnMask, scores);
        var dropMask = dropoutP > 0f ? kernels.DropoutMask(scores, dropoutP, (generator ?? Generator.Default).NextUInt64()) : null;
        var (y, p, used) = kernels.Attention(q.Buffer!, k.Buffer!, v.Buffer!, numHeads, attnMask?.Buffer, isCausal, dropMask, scale, formats);
        return Autograd.RecordOnDevice(new Tensor(y), "MultiHeadAttention", [q, k, v], g =>
        {
            var (dq, dk, dv) = kernels.AttentionBackward(g, q.Buffer!, k.Buffer!, v.Buffer!, numHeads, p, used, dropMask, scale, formats,
                q.RequiresGrad, k.RequiresGrad, v.RequiresGrad);
            Autograd.AccumulateOnDevice(q, dq);
            Autograd.AccumulateOnDevice(k, dk);
            Autograd.AccumulateOnDevice(v, dv);
        });
    }

    static Tensor ScaledDotProductAttentionOnDevice(Tensor q, Tensor k, Tensor v, Tensor? attnMask, bool isCausal,
        float dropoutP, Generator? generator, int[] scores, float scale)
    {
        var kernels = DeviceOps.KernelsOf("ScaledDotProductAttention", q, k, v);
        if (attnMask != null) DeviceOps.KernelsOf("ScaledDotProductAttention", q, attnMask);
        var formats = AttentionFormats.Of(Autocast.Policy);
        CheckDropoutAndMask("ScaledDotProductAttention", dropoutP, attnMask, scores);
        var dropMask = dropoutP > 0f ? kernels.DropoutMask(scores, dropoutP, (generator ?? Generator.Default).NextUInt64()) : null;
        var (y, p, used) = kernels.ScaledDotProductAttention(q.Buffer!, k.Buffer!, v.Buffer!, attnMask?.Buffer, isCausal, dropMask, scale, formats);
        return Autograd.RecordOnDevice(new Tensor(y), "ScaledDotProductAttention", [q, k, v], g =>
        {
            var (dq, dk, dv) = kernels.ScaledDotProductAttentionBackward(g, q.Buffer!, k.Buffer!, v.Buffer!, p, used, dropMask, scale, formats,
                q.RequiresGrad, k.RequiresGrad, v.RequiresGrad);
            Autograd.AccumulateOnDevice(q, dq);
            Autograd.AccumulateOnDevice(k, dk);
            Autograd.AccumulateOnDevice(v, dv);
        });
    }

    /// <summary>
    /// Attention on a device whose additive mask needs a gradient (a learned position bias, as T5's): the device kernels'
    /// backward gives q, k and v only, so the scores are built from engine ops, softmax(scale·Q Kᵀ + mask [+ causal]) V,
    /// and the mask gets dS summed over what it broadcast. q (B,H,Tq,D), k (B,H,Tk,D), v (B,H,Tk,Dv) -> (B,H,Tq,Dv).
    /// Dropout draws its mask with <see cref="Dropout"/>, not in the fused kernel's order.
    /// </summary>
    static Tensor AttentionWithLearnedMask(string op, Tensor q, Tensor k, Tensor v, Tensor mask, bool isCausal, float dropoutP, Generator? generator,
        float scale)
    {
        int tq = q.Size(2), tk = k.Size(2);
        CheckDropoutAndMask(op, dropoutP, mask, [q.Size(0), q.Size(1), tq, tk]);
        var scores = MatMul(q, k.Transpose(2, 3)) * scale + mask;                  // (B,H,Tq,Tk)
        if (isCausal) scores = scores + AttentionMask.Causal(tq, tk).To(scores.Device);
        var probs = Softmax(scores, -1);
        if (dropoutP > 0f) probs = Dropout(probs, dropoutP, true, generator);
        return MatMul(probs, v);
    }

    /// <summary>Heads as channel groups: x (B,T,C) -> (B,H,T,C/H).</summary>
    static Tensor SplitHeads(Tensor x, int numHeads)
    {
        int b = x.Size(0), t = x.Size(1), c = x.Size(2);
        return x.Reshape(b, t, numHeads, c / numHeads).Permute(0, 2, 1, 3);
    }

    /// <summary>Dropout in [0, 1) and a mask that broadcasts to the scores' shape <paramref name="full"/> (B,H,Tq,Tk).</summary>
    static void CheckDropoutAndMask(string op, float dropoutP, Tensor? mask, int[] full)
    {
        if (dropoutP < 0f || dropoutP >= 1f) throw new ArgumentOutOfRangeException(nameof(dropoutP), dropoutP, $"{op}: dropout must be in [0, 1).");
        if (mask != null && (mask.Rank > 4 || !Shapes.Equal(Shapes.Broadcast(mask.ShapeArray, full, op), full)))
            throw new ArgumentException($"{op}: mask {Shapes.Text(mask.ShapeArray)} does not broadcast to the scores' shape {Shapes.Text(full)}.");
    }

    readonly record struct AttentionDims(int B, int H, int Tq, int Tk, int D, int Dv);

    /// <summary>Head h of batch b starts at Offset + b·BatchStride + h·HeadStride; its rows are RowStride apart.</summary>
    readonly record struct Operand(Tensor T, int Offset, int BatchStride, int HeadStride, int RowStride)
    {
        public int At(int b) => Offset + b * BatchStride;
    }

    static Tensor AttentionCore(string op, AttentionDims n, Tensor[] inputs, Operand q, Operand k, Operand v,
        int[] outShape, int oBatch, int oHead, int oRow, Tensor? mask, bool causal, float dropoutP, Generator? generator, float scale)
    {
        int[] full = [n.B, n.H, n.Tq, n.Tk];
        CheckDropoutAndMask(op, dropoutP, mask, full);
        int[] ms = mask != null ? Shapes.BroadcastStrides(mask.ShapeArray, full) : [0, 0, 0, 0];
        int tt = n.Tq * n.Tk;
        var probs = new float[n.B * n.H * tt];           // P (B,H,Tq,Tk), kept for backward
        var y = Tensor.Empty(outShape);
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var sm = policy.FormatFor(OpClass.Softmax);
        var mmOut = policy.FormatFor(OpClass.MatMulOutput);
        float[] qd = Rounding.Copy(q.T.Data, mm);        // one rounded copy per distinct tensor (SelfAttention: one)
        float[] kd = ReferenceEquals(k.T, q.T) ? qd : Rounding.Copy(k.T.Data, mm);
        float[] vd = ReferenceEquals(v.T, q.T) ? qd : ReferenceEquals(v.T, k.T) ? kd : Rounding.Copy(v.T.Data, mm);
        float[] yd = y.Data;
        float[]? md = mask?.Data;
        // Dropout on the probabilities: O = (P ∘ M) V, M drawn from the generator in order before any work is shared.
        float[]? dropMask = dropoutP > 0f ? DropoutMask(probs.Length, dropoutP, generator ?? Generator.Default) : null;
        // P as the P·V operand: P ∘ M when there is dropout, a second, cast copy when MatMulInput differs from Softmax.
        float[] used = dropMask != null || mm != sm ? GC.AllocateUninitializedArray<float>(probs.Length) : probs;
        // Each (batch, head) pair is independent and small (a few MFLOP): pairs are shared between threads, each
        // pair's products run on one thread, so the bits do not depend on the thread count.
        Parallelism.For(n.B * n.H, bh =>
        {
            int b = bh / n.H, h = bh % n.H, qo = q.At(b) + h * q.HeadStride, ko = k.At(b) + h * k.HeadStride,
                vo = v.At(b) + h * v.HeadStride;
            var p = probs.AsSpan(bh * tt, tt);
            // S = scale · Q Kᵀ (Tq,Tk)
            Gemm.MultiplyOnOneThread(false, true, n.Tq, n.Tk, n.D, scale, qd.AsSpan(qo), q.RowStride, kd.AsSpan(ko), k.RowStride, 0f, p, n.Tk);
            FloatRounding.Round(p, mmOut);
            FloatRounding.Round(p, sm);
            for (int i = 0; i < n.Tq; i++)
            {
                var row = p.Slice(i * n.Tk, n.Tk);
                if (md != null)
                {
                    int mo = b * ms[0] + h * ms[1] + i * ms[2];
                    if (ms[3] == 1) Elementwise.AddInPlace(row, md.AsSpan(mo, n.Tk));
                    else for (int j = 0; j < n.Tk; j++) row[j] += md[mo];
                }
                if (causal) row[(i + 1)..].Fill(float.NegativeInfinity);
                SoftmaxRow(row);
            }
            FloatRounding.Round(p, sm);
            var u = used.AsSpan(bh * tt, tt);
            if (dropMask != null)
            {
                Elementwise.Mul(p, dropMask.AsSpan(bh * tt, tt), u);
                FloatRounding.Round(u, sm);
            }
            else if (mm != sm) p.CopyTo(u);
            if (mm != sm) FloatRounding.Round(u, mm);
            // O = P V (Tq,Dv)
            Gemm.MultiplyOnOneThread(false, false, n.Tq, n.Dv, n.Tk, 1f, used.AsSpan(bh * tt, tt), n.Tk, vd.AsSpan(vo), v.RowStride,
                0f, yd.AsSpan(b * oBatch + h * oHead), oRow);
        });
        FloatRounding.Round(yd, mmOut);
        bool maskLearns = mask is { RequiresGrad: true };                        // a learned bias: dS is its gradient
        return Autograd.Record(y, op, maskLearns ? [.. inputs, mask!] : inputs, g =>
        {
            var bq = Autograd.GradBuffer(q.T);
            var bk = Autograd.GradBuffer(k.T);
            var bv = Autograd.GradBuffer(v.T);
            // With 16-bit operands, dQ, dK, dV are summed into zeroed buffers (one per distinct tensor), rounded, then added.
            bool fp32 = mm == FloatFormat.Fp32;
            float[]? gq = fp32 || bq == null ? bq : new float[bq.Length];
            float[]? gk = fp32 || bk == null ? bk : ReferenceEquals(bk, bq) ? gq : new float[bk.Length];
            float[]? gv = fp32 || bv == null ? bv : ReferenceEquals(bv, bq) ? gq : ReferenceEquals(bv, bk) ? gk : new float[bv.Length];
            FloatRounding.Round(g, mm);
            var dp = BufferPool.Rent(probs.Length);
            Parallelism.For(n.B * n.H, bh =>
            {
                int b = bh / n.H, h = bh % n.H, qo = q.At(b) + h * q.HeadStride, ko = k.At(b) + h * k.HeadStride,
                    vo = v.At(b) + h * v.HeadStride, go = b * oBatch + h * oHead;
                var d = dp.AsSpan(bh * tt, tt);
                var p = probs.AsSpan(bh * tt, tt);
                // dP = dO Vᵀ (Tq,Tk);  dV += Pᵀ dO (Tk,Dv)
                Gemm.MultiplyOnOneThread(false, true, n.Tq, n.Tk, n.Dv, 1f, g.AsSpan(go), oRow, vd.AsSpan(vo), v.RowStride, 0f, d, n.Tk);
                if (gv != null)
                    Gemm.MultiplyOnOneThread(true, false, n.Tk, n.Dv, n.Tq, 1f, used.AsSpan(bh * tt, tt), n.Tk, g.AsSpan(go), oRow,
                        1f, gv.AsSpan(vo), v.RowStride);
                FloatRounding.Round(d, mmOut);
                // dS = P ∘ (dP - Σ_j dP·P) per row (after undoing dropout's mask on dP).
                if (dropMask != null) Elementwise.Mul(d, dropMask.AsSpan(bh * tt, tt), d);
                for (int i = 0; i < n.Tq; i++)
                {
                    var dr = d.Slice(i * n.Tk, n.Tk);
                    var pr = p.Slice(i * n.Tk, n.Tk);
                    float dot = Elementwise.Dot(dr, pr);
                    SoftmaxBackwardRow(pr, dr, dot);
                }
                FloatRounding.Round(d, sm);
                FloatRounding.Round(d, mm);
                // dQ += scale · dS K (Tq,D);  dK += scale · dSᵀ Q (Tk,D)
                if (gq != null)
                    Gemm.MultiplyOnOneThread(false, false, n.Tq, n.D, n.Tk, scale, d, n.Tk, kd.AsSpan(ko), k.RowStride,
                        1f, gq.AsSpan(qo), q.RowStride);
                if (gk != null)
                    Gemm.MultiplyOnOneThread(true, false, n.Tk, n.D, n.Tq, scale, d, n.Tk, qd.AsSpan(qo), q.RowStride,
                        1f, gk.AsSpan(ko), k.RowStride);
            });
            if (maskLearns) AccumulateMaskGradient(dp, Autograd.GradBuffer(mask!)!, ms, n);
            BufferPool.Return(dp);
            if (fp32) return;
            if (gq != null) Rounding.AddRounded(bq!, gq, mm);
            if (gk != null && gk != gq) Rounding.AddRounded(bk!, gk, mm);
            if (gv != null && gv != gq && gv != gk) Rounding.AddRounded(bv!, gv, mm);
        });
    }

    /// <summary>A mask's gradient: dS (B,H,Tq,Tk) summed over the dimensions the mask broadcast over (its strides are 0 there).</summary>
    static void AccumulateMaskGradient(float[] dS, float[] maskGrad, int[] ms, AttentionDims n)
    {
        int tt = n.Tq * n.Tk;
        for (int bh = 0; bh < n.B * n.H; bh++)
        {
            int b = bh / n.H, h = bh % n.H;
            for (int i = 0; i < n.Tq; i++)
            {
                int from = bh * tt + i * n.Tk, to = b * ms[0] + h * ms[1] + i * ms[2];
                for (int j = 0; j < n.Tk; j++) maskGrad[to + j * ms[3]] += dS[from + j];
            }
        }
    }

    // d[j] = p[j] · (d[j] - dot), in place.
    static void SoftmaxBackwardRow(ReadOnlySpan<float> p, Span<float> d, float dot)
    {
        var vp = MemoryMarshal.Cast<float, Vector<float>>(p);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(d);
        var vdot = new Vector<float>(dot);
        for (int i = 0; i < vd.Length; i++) vd[i] = vp[i] * (vd[i] - vdot);
        for (int j = vd.Length * Vector<float>.Count; j < d.Length; j++) d[j] = p[j] * (d[j] - dot);
    }

    /// <summary>In-place softmax of one row; a row with every entry -inf (fully masked) becomes zeros.</summary>
    static void SoftmaxRow(Span<float> row)
    {
        float m = Elementwise.Max(row);
        if (float.IsNegativeInfinity(m)) { row.Clear(); return; }
        float inv = 1f / VectorMath.ExpShifted(row, m, row);
        Elementwise.Scale(row, inv, row);
    }
}
