using System.Runtime.CompilerServices;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// 4x4 scalar micro-kernel for CPUs without the vector kernels: acc(4,4) = sum over p of a[p,0..4) outer
/// b[p,0..4), k ascending; then C = <see cref="Combine"/>(acc, alpha, beta, C). Element (r,p) of the A strip is a[r*rs + p*ps] (packed: rs 1, ps 4; rows of a row-major A: rs lda, ps 1); packed b is (kc,4).
/// </summary>
static unsafe class GemmKernelScalar
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void Run(int kc, float* a, nint rs, nint ps, float* b, float* c, nint ldc, float alpha, float beta)
    {
        nint r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0], a1 = a[r1], a2 = a[r2], a3 = a[r3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a += ps;
            b += 4;
        }
        Row(c, c00, c01, c02, c03, alpha, beta); c += ldc;
        Row(c, c10, c11, c12, c13, alpha, beta); c += ldc;
        Row(c, c20, c21, c22, c23, alpha, beta); c += ldc;
        Row(c, c30, c31, c32, c33, alpha, beta);
    }

    static void Row(float* c, float x0, float x1, float x2, float x3, float alpha, float beta)
    {
        c[0] = Combine(x0, alpha, beta, c[0]);
        c[1] = Combine(x1, alpha, beta, c[1]);
        c[2] = Combine(x2, alpha, beta, c[2]);
        c[3] = Combine(x3, alpha, beta, c[3]);
    }

    /// <summary>
    /// The final update of one element, exactly as the vector kernels do it lane by lane: alpha*acc when
    /// beta is 0 (C is never read, so NaN there is overwritten), else fma(acc, alpha, beta*C).
    /// </summary>
    public static float Combine(float acc, float alpha, float beta, float c)
        => beta == 0f ? alpha * acc : MathF.FusedMultiplyAdd(acc, alpha, beta * c);
}
