using System.Numerics;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix product, row-major (BLAS sgemm semantics):
/// C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T; op(A) is (M,K), op(B) is (K,N), C is (M,N).
/// lda/ldb/ldc are the row strides of A, B, C as stored. Each element of C is accumulated in the
/// same order whatever the thread count, so results are deterministic.
/// </summary>
public static class Gemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        // Straightforward reference kernel: row of C += a[i,p] * row p of op(B).
        var bt = transB ? Transpose(b, ldb, n, k) : null;
        ReadOnlySpan<float> bb = bt ?? b;
        int ldbb = transB ? n : ldb;
        var acc = new float[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(acc);
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                var brow = bb.Slice(p * ldbb, n);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var va = new Vector<float>(av);
                    for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
                        (new Vector<float>(acc, j) + va * new Vector<float>(brow.Slice(j))).CopyTo(acc, j);
                }
                for (; j < n; j++) acc[j] += av * brow[j];
            }
            var crow = c.Slice(i * ldc, n);
            for (int j = 0; j < n; j++) crow[j] = alpha * acc[j] + (beta == 0f ? 0f : beta * crow[j]);
        }
    }

    /// <summary>
    /// <paramref name="batch"/> independent products C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i], where
    /// matrix i starts at offset i * strideX of each span (attention's per-head products, (B*H, T, T)).
    /// </summary>
    public static void MultiplyBatched(int batch, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC)
    {
        for (int i = 0; i < batch; i++)
            Multiply(transA, transB, m, n, k, alpha, a.Slice(i * strideA), lda, b.Slice(i * strideB), ldb,
                beta, c.Slice(i * strideC), ldc);
    }

    static float[] Transpose(ReadOnlySpan<float> b, int ldb, int n, int k)
    {
        // b stores op(B)^T, i.e. (N,K) with row stride ldb; return (K,N) contiguous.
        var t = new float[k * n];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) t[p * n + j] = b[j * ldb + p];
        return t;
    }
}
