using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded strips the micro-kernels stream:
/// A block (mc,kc) -> strips of MR rows, each (kc,MR) k-major; B block (kc,nc) -> strips of NR columns,
/// each (kc,NR). Padding rows/columns are zero, so ragged edges run the same kernel.
/// </summary>
static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc); op(A)[i,p] = transA ? a[p*lda+i] : a[i*lda+p].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void PackA(bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - s);
            if (transA)
            {
                float* src = a + (nint)p0 * lda + i0 + s;
                if (rows == mr)
                    for (int p = 0; p < kc; p++, src += lda) CopyRow(src, dst + p * mr, mr);
                else
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void PackB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int t = 0; t < nc; t += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - t);
            if (transB)
            {
                int j0Done = 0;
                if (Avx.IsSupported && nr % 8 == 0 && cols == nr)
                {
                    // 8 columns x 8 k at a time through an in-register transpose; the k tail below.
                    int kc8 = kc & ~7;
                    for (int j = 0; j < nr; j += 8)
                    {
                        float* src = b + (nint)(j0 + t + j) * ldb + p0;
                        for (int p = 0; p < kc8; p += 8) Transpose8x8(src + p, ldb, dst + p * nr + j, nr);
                        for (int jj = j; jj < j + 8; jj++)
                        {
                            float* s1 = b + (nint)(j0 + t + jj) * ldb + p0;
                            for (int p = kc8; p < kc; p++) dst[p * nr + jj] = s1[p];
                        }
                    }
                    j0Done = nr;
                }
                for (int j = j0Done; j < nr; j++)
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

    /// <summary>Copies one MR-wide row of a transposed A strip (MR is 4, 6 or 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyRow(float* src, float* dst, int mr)
    {
        if (mr == 8) Vector256.Store(Vector256.Load(src), dst);
        else if (mr == 4) Vector128.Store(Vector128.Load(src), dst);
        else
        {
            Vector128.Store(Vector128.Load(src), dst);
            for (int r = 4; r < mr; r++) dst[r] = src[r];
        }
    }

    /// <summary>dst[i*ldd + r] = src[r*lds + i] for r, i in [0,8): one 8x8 block of a transposed B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds); var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds); var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds); var r7 = Avx.LoadVector256(src + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }
}
