using System.Runtime.CompilerServices;

namespace Curriculum.Tensors.Kernels;

/// <summary>
/// The single-threaded packed matrix product on one rectangle of C (the Goto/BLIS loop nest of
/// <see cref="GemmBlocking"/>): C(m,n) = alpha * op(A)(m,k) * op(B)(k,n) + beta * C, k &gt; 0.
/// Pointers are to op(A)'s row 0, op(B)'s column 0 and C's element (0,0) of the rectangle.
/// </summary>
static unsafe class PackedGemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // fully optimised from the first call, no tier-0
    public static void Run(GemmMicroKernel kernel, bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        var ws = GemmWorkspace.Current;
        int mr = GemmMicroKernels.Rows(kernel), nr = GemmMicroKernels.Columns(kernel);
        delegate*<int, float*, nint, nint, float*, float*, nint, float, float, void> run = kernel switch
        {
            GemmMicroKernel.Avx512 => &GemmKernelAvx512.Run,
            GemmMicroKernel.Avx2 => &GemmKernelAvx2.Run,
            GemmMicroKernel.AdvSimd => &GemmKernelAdvSimd.Run,
            _ => &GemmKernelScalar.Run,
        };
        float* tile = ws.Tile;
        for (int jc = 0; jc < n; jc += GemmBlocking.NC)
        {
            int nc = Math.Min(GemmBlocking.NC, n - jc);
            for (int pc = 0; pc < k; pc += GemmBlocking.KC)
            {
                int kc = Math.Min(GemmBlocking.KC, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;  // later K blocks add onto the partial sums in C
                GemmPacking.PackB(transB, b, ldb, pc, jc, kc, nc, nr, ws.B);
                for (int ic = 0; ic < m; ic += GemmBlocking.MC)
                {
                    int mc = Math.Min(GemmBlocking.MC, m - ic);
                    // A row-major: the kernel reads whole MR-row strips in place (no copy to amortise when N is
                    // small, e.g. dX = dY W with K = vocabulary); only a ragged last strip is packed.
                    // A transposed: packed, so the kernel broadcasts from one contiguous strip.
                    if (transA) GemmPacking.PackA(true, a, lda, ic, pc, mc, kc, mr, ws.A);
                    else if (mc % mr != 0) GemmPacking.PackA(false, a, lda, ic + mc - mc % mr, pc, mc % mr, kc, mr, ws.A);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* pb = ws.B + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* pa = ws.A;
                            nint rs = 1, ps = mr;
                            if (transA) pa = ws.A + (nint)ir * kc;
                            else if (rows == mr) { pa = a + (nint)(ic + ir) * lda + pc; rs = lda; ps = 1; }
                            float* cc = c + (nint)(ic + ir) * ldc + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                run(kc, pa, rs, ps, pb, cc, ldc, alpha, blockBeta);
                                continue;
                            }
                            // Ragged edge: the same kernel into a scratch tile (alpha 1, beta 0 keep the raw
                            // sums exactly), then the kernels' own final update on the valid part.
                            run(kc, pa, rs, ps, pb, tile, nr, 1f, 0f);
                            for (int i = 0; i < rows; i++)
                                for (int j = 0; j < cols; j++)
                                    cc[(nint)i * ldc + j] = GemmKernelScalar.Combine(tile[i * nr + j], alpha, blockBeta, cc[(nint)i * ldc + j]);
                        }
                    }
                }
            }
        }
    }
}
