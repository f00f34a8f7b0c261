namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded strips the micro-kernels stream:
/// A block (mc,kc) -> strips of MR rows, each (kc,MR) k-major; B block (kc,nc) -> strips of NR columns,
/// each (kc,NR). Padding rows/columns are zero, so ragged edges run the same kernel.
/// </summary>
static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc); op(A)[i,p] = transA ? a[p*lda+i] : a[i*lda+p].</summary>
    public static void PackA(bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - s);
            if (transA)
            {
                float* src = a + (nint)p0 * lda + i0 + s;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    float* d = dst + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    float* d = dst + r;
                    if (r < rows)
                    {
                        float* src = a + (nint)(i0 + s + r) * lda + p0;
                        for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * mr] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+nc); op(B)[p,j] = transB ? b[j*ldb+p] : b[p*ldb+j].</summary>
    public static void PackB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int t = 0; t < nc; t += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - t);
            if (transB)
            {
                for (int j = 0; j < nr; j++)
                {
                    float* d = dst + j;
                    if (j < cols)
                    {
                        float* src = b + (nint)(j0 + t + j) * ldb + p0;
                        for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * nr] = 0f;
                    }
                }
            }
            else
            {
                float* src = b + (nint)p0 * ldb + j0 + t;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    var d = new Span<float>(dst + p * nr, nr);
                    new ReadOnlySpan<float>(src, cols).CopyTo(d);
                    d[cols..].Clear();
                }
            }
        }
    }
}
