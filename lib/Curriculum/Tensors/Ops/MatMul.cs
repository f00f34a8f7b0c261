using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Matrix products (<c>torch.matmul</c>) through the GEMM kernel.</summary>
public static partial class F
{
    /// <summary>
    /// a (...,M,K) @ b (K,N) -> (...,M,N), or batched a (...,M,K) @ b (...,K,N) with equal batch dimensions.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        int[] sa = a.ShapeArray, sb = b.ShapeArray;
        if (sa.Length < 2 || sb.Length < 2 || sa[^1] != sb[^2] || (sb.Length > 2 && (sa.Length != sb.Length || !sa.AsSpan(0, sa.Length - 2).SequenceEqual(sb.AsSpan(0, sb.Length - 2)))))
            throw new ArgumentException($"MatMul: shapes {Shapes.Text(sa)} and {Shapes.Text(sb)} do not fit (need (...,M,K) @ (K,N) or equal batch dimensions).");
        int m = sa[^2], k = sa[^1], n = sb[^1];
        var shape = (int[])sa.Clone();
        shape[^1] = n;
        var y = Tensor.Empty(shape);
        float[] ad = a.Data, bd = b.Data;
        if (sb.Length == 2)
        {
            // One product with the batch folded into the rows: (R,K) @ (K,N), R = prod(...)*M.
            int rows = a.Numel / k;
            Gemm.Multiply(false, false, rows, n, k, 1f, ad, k, bd, n, 0f, y.Data, n);
            return Autograd.Record(y, "MatMul", [a, b], g =>
            {
                var ga = Autograd.GradBuffer(a);
                var gb = Autograd.GradBuffer(b);
                if (ga != null) Gemm.Multiply(false, true, rows, k, n, 1f, g, n, bd, n, 1f, ga, k);   // dA = dY B^T
                if (gb != null) Gemm.Multiply(true, false, k, n, rows, 1f, ad, k, g, n, 1f, gb, n);   // dB = A^T dY
            });
        }
        int batch = a.Numel / (m * k);
        Gemm.MultiplyBatched(batch, false, false, m, n, k, 1f, ad, k, m * k, bd, n, k * n, 0f, y.Data, n, m * n);
        return Autograd.Record(y, "MatMul", [a, b], g =>
        {
            var ga = Autograd.GradBuffer(a);
            var gb = Autograd.GradBuffer(b);
            if (ga != null) Gemm.MultiplyBatched(batch, false, true, m, k, n, 1f, g, n, m * n, bd, n, k * n, 1f, ga, k, m * k);
            if (gb != null) Gemm.MultiplyBatched(batch, true, false, k, n, m, 1f, ad, k, m * k, g, n, m * n, 1f, gb, n, k * n);
        });
    }
}
