using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// 6x16 micro-kernel with Vector256 and FMA3: acc(6,16) = sum over p of a[p,0..6) outer b[p,0..16), k ascending;
/// then C = alpha*acc (beta = 0) or C = fma(acc, alpha, beta*C). Element (r,p) of the A strip is a[r*rs + p*ps] (packed: rs 1, ps 6; rows of a row-major A: rs lda, ps 1); packed b is (kc,16).
/// </summary>
static unsafe class GemmKernelAvx2
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void Run(int kc, float* a, nint rs, nint ps, float* b, float* c, nint ldc, float alpha, float beta)
    {
        nint r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[r1]);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[r2]);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[r3]);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[r4]);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[r5]);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += ps;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        Store(c, c00, c01, va, vb, beta); c += ldc;
        Store(c, c10, c11, va, vb, beta); c += ldc;
        Store(c, c20, c21, va, vb, beta); c += ldc;
        Store(c, c30, c31, va, vb, beta); c += ldc;
        Store(c, c40, c41, va, vb, beta); c += ldc;
        Store(c, c50, c51, va, vb, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb, float beta)
    {
        if (beta == 0f)
        {
            Vector256.Store(x0 * va, c);
            Vector256.Store(x1 * va, c + 8);
        }
        else
        {
            Vector256.Store(Fma.MultiplyAdd(x0, va, Vector256.Load(c) * vb), c);
            Vector256.Store(Fma.MultiplyAdd(x1, va, Vector256.Load(c + 8) * vb), c + 8);
        }
    }
}
