using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Matrix products (<c>torch.matmul</c>) through the GEMM kernel.</summary>
public static partial class F
{
    /// <summary>
    /// a (...,M,K) @ b (K,N) -> (...,M,N), or batched a (...,M,K) @ b (...,K,N) with equal batch dimensions.
    /// Under <see cref="Autocast"/> the operands are rounded to <see cref="OpClass.MatMulInput"/> and the result to
    /// <see cref="OpClass.MatMulOutput"/>, as in <see cref="Linear"/>.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        int[] sa = a.ShapeArray, sb = b.ShapeArray;
        if (sa.Length < 2 || sb.Length < 2 || sa[^1] != sb[^2] || (sb.Length > 2 && (sa.Length != sb.Length || !sa.AsSpan(0, sa.Length - 2).SequenceEqual(sb.AsSpan(0, sb.Length - 2)))))
            throw new ArgumentException($"MatMul: shapes {Shapes.Text(sa)} and {Shapes.Text(sb)} do not fit (need (...,M,K) @ (K,N) or equal batch dimensions).");
        int m = sa[^2], k = sa[^1], n = sb[^1];
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var shape = (int[])sa.Clone();
        shape[^1] = n;
        var y = Tensor.Empty(shape);
        float[] ad = Rounding.Copy(a.Data, mm), bd = Rounding.Copy(b.Data, mm);
        // Both cases as one batched product: a 2-D b is shared by every row block (stride 0), the batch folded into the rows.
        bool shared = sb.Length == 2;
        int batch = shared ? 1 : a.Numel / (m * k), rows = shared ? a.Numel / k : m;
        int strideA = rows * k, strideB = shared ? 0 : k * n, strideY = rows * n;
        Gemm.MultiplyBatched(batch, false, false, rows, n, k, 1f, ad, k, strideA, bd, n, strideB, 0f, y.Data, n, strideY);
        policy.Round(y.Data, OpClass.MatMulOutput);
        return Autograd.Record(y, "MatMul", [a, b], g =>
        {
            var ga = Autograd.GradBuffer(a);
            var gb = Autograd.GradBuffer(b);
            bool fp32 = mm == FloatFormat.Fp32;
            if (!fp32) FloatRounding.Round(g, mm);
            if (ga != null)   // dA = dY B^T
            {
                var t = fp32 ? ga : BufferPool.RentZeroed(ga.Length);
                Gemm.MultiplyBatched(batch, false, true, rows, k, n, 1f, g, n, strideY, bd, n, strideB, 1f, t, k, strideA);
                if (!fp32) { Rounding.AddRounded(ga, t, mm); BufferPool.Return(t); }
            }
            if (gb != null)   // dB = A^T dY (summed over the batch when b is shared)
            {
                var t = fp32 ? gb : new float[gb.Length];
                if (shared) Gemm.Multiply(true, false, k, n, rows, 1f, ad, k, g, n, 1f, t, n);
                else Gemm.MultiplyBatched(batch, true, false, k, n, m, 1f, ad, k, strideA, g, n, strideY, 1f, t, n, strideB);
                if (!fp32) Rounding.AddRounded(gb, t, mm);
            }
        });
    }
}
