using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// 8x8 micro-kernel with Vector128 and NEON fused multiply-add (Arm64 has 32 vector registers):
/// acc(8,8) = sum over p of a[p,0..8) outer b[p,0..8), k ascending; then C = alpha*acc (beta = 0) or
/// C = fma(acc, alpha, beta*C). Element (r,p) of the A strip is a[r*rs + p*ps] (packed: rs 1, ps 8; rows of a row-major A: rs lda, ps 1); packed b is (kc,8).
/// </summary>
static unsafe class GemmKernelAdvSimd
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void Run(int kc, float* a, nint rs, nint ps, float* b, float* c, nint ldc, float alpha, float beta)
    {
        nint r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector128<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector128<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var av = Vector128.Create(a[0]);
            c00 = AdvSimd.FusedMultiplyAdd(c00, av, b0); c01 = AdvSimd.FusedMultiplyAdd(c01, av, b1);
            av = Vector128.Create(a[r1]);
            c10 = AdvSimd.FusedMultiplyAdd(c10, av, b0); c11 = AdvSimd.FusedMultiplyAdd(c11, av, b1);
            av = Vector128.Create(a[r2]);
            c20 = AdvSimd.FusedMultiplyAdd(c20, av, b0); c21 = AdvSimd.FusedMultiplyAdd(c21, av, b1);
            av = Vector128.Create(a[r3]);
            c30 = AdvSimd.FusedMultiplyAdd(c30, av, b0); c31 = AdvSimd.FusedMultiplyAdd(c31, av, b1);
            av = Vector128.Create(a[r4]);
            c40 = AdvSimd.FusedMultiplyAdd(c40, av, b0); c41 = AdvSimd.FusedMultiplyAdd(c41, av, b1);
            av = Vector128.Create(a[r5]);
            c50 = AdvSimd.FusedMultiplyAdd(c50, av, b0); c51 = AdvSimd.FusedMultiplyAdd(c51, av, b1);
            av = Vector128.Create(a[r6]);
            c60 = AdvSimd.FusedMultiplyAdd(c60, av, b0); c61 = AdvSimd.FusedMultiplyAdd(c61, av, b1);
            av = Vector128.Create(a[r7]);
            c70 = AdvSimd.FusedMultiplyAdd(c70, av, b0); c71 = AdvSimd.FusedMultiplyAdd(c71, av, b1);
            a += ps;
            b += 8;
        }
        var va = Vector128.Create(alpha);
        var vb = Vector128.Create(beta);
        Store(c, c00, c01, va, vb, beta); c += ldc;
        Store(c, c10, c11, va, vb, beta); c += ldc;
        Store(c, c20, c21, va, vb, beta); c += ldc;
        Store(c, c30, c31, va, vb, beta); c += ldc;
        Store(c, c40, c41, va, vb, beta); c += ldc;
        Store(c, c50, c51, va, vb, beta); c += ldc;
        Store(c, c60, c61, va, vb, beta); c += ldc;
        Store(c, c70, c71, va, vb, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> va, Vector128<float> vb, float beta)
    {
        if (beta == 0f)
        {
            Vector128.Store(x0 * va, c);
            Vector128.Store(x1 * va, c + 4);
        }
        else
        {
            // fma(acc, alpha, beta*C): NEON's FusedMultiplyAdd(addend, left, right) = addend + left*right.
            Vector128.Store(AdvSimd.FusedMultiplyAdd(Vector128.Load(c) * vb, x0, va), c);
            Vector128.Store(AdvSimd.FusedMultiplyAdd(Vector128.Load(c + 4) * vb, x1, va), c + 4);
        }
    }
}
