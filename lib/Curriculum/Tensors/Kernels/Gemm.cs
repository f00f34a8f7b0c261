namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix product, row-major (BLAS sgemm semantics):
/// C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T; op(A) is (M,K), op(B) is (K,N), C is (M,N).
/// lda/ldb/ldc are the row strides of A, B, C as stored. When beta is 0, C is only written (NaN there is
/// overwritten), as in BLAS.
/// Managed, packed and cache-blocked, with a register-blocked micro-kernel for the CPU (AVX-512, AVX2+FMA,
/// Arm64 NEON, or scalar) and rows or columns of C shared between <see cref="Parallelism.MaxThreads"/>
/// threads. K is never split between threads and its blocks are summed in a fixed order, so every element
/// of C is bit-identical whatever the thread count.
/// </summary>
public static unsafe class Gemm
{
    /// <summary>
    /// The least work (flops, 2*M*N*K) worth a piece of its own, about 40 us here: waking a worker costs
    /// microseconds on an idle machine and much more on a busy one, so smaller products stay on one thread.
    /// </summary>
    const long ParallelMinFlops = 4_000_000;

    /// <summary>Pieces of work per thread when a product is shared: more balance the load, fewer pack less twice.</summary>
    const int PiecesPerThread = 4;

    /// <summary>The micro-kernel this CPU runs, with its tile (MR x NR), e.g. "avx512-8x32".</summary>
    public static string KernelName => GemmMicroKernels.Best.ToString().ToLowerInvariant() + "-"
        + GemmMicroKernels.Rows(GemmMicroKernels.Best) + "x" + GemmMicroKernels.Columns(GemmMicroKernels.Best);

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Multiply(GemmMicroKernels.Best, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// <paramref name="batch"/> independent products C[i] = alpha * op(A[i]) * op(B[i]) + beta * C[i], where
    /// matrix i starts at offset i * strideX of each span (attention's per-head products, (B*H, T, T)).
    /// </summary>
    public static void MultiplyBatched(int batch, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC)
        => MultiplyBatched(GemmMicroKernels.Best, batch, transA, transB, m, n, k, alpha, a, lda, strideA,
            b, ldb, strideB, beta, c, ldc, strideC);

    /// <summary>
    /// One product on the calling thread only, for callers that already share independent products between
    /// threads (attention's (batch, head) pairs). Same bits as <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.
    /// </summary>
    internal static void MultiplyOnOneThread(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Validate(1, transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
            Product(GemmMicroKernels.Best, 1, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    internal static void Multiply(GemmMicroKernel kernel, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Validate(1, transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
            Product(kernel, Parallelism.MaxThreads, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    internal static void MultiplyBatched(GemmMicroKernel kernel, int batch, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC)
    {
        Validate(batch, transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        int threads = Parallelism.MaxThreads;
        fixed (float* pa = a, pb = b, pc = c)
        {
            long total = 2L * m * n * k * batch;
            int pieces = (int)Math.Min(Math.Min(PiecesPerThread * (long)threads, batch), total / ParallelMinFlops);
            if (threads == 1 || batch == 1 || pieces < 2 || batch < threads && 2L * m * n * k >= ParallelMinFlops)
            {
                // One thread, too little work to share, or few large products that each share their own
                // rows/columns between threads.
                for (int i = 0; i < batch; i++)
                    Product(kernel, threads, transA, transB, m, n, k, alpha, pa + (nint)i * strideA, lda,
                        pb + (nint)i * strideB, ldb, beta, pc + (nint)i * strideC, ldc);
                return;
            }
            BatchedShared(kernel, pieces, batch, transA, transB, m, n, k, alpha,
                (nint)pa, lda, strideA, (nint)pb, ldb, strideB, beta, (nint)pc, ldc, strideC);
        }
    }

    /// <summary>
    /// Many products: contiguous runs of whole products per piece, each piece on one thread. (Its own method,
    /// so that only the shared path allocates the closure.)
    /// </summary>
    static void BatchedShared(GemmMicroKernel kernel, int pieces, int batch, bool transA, bool transB, int m, int n, int k,
        float alpha, nint a, int lda, int strideA, nint b, int ldb, int strideB, float beta, nint c, int ldc, int strideC)
    {
        Parallelism.For(pieces, piece =>
        {
            int first = (int)((long)batch * piece / pieces), end = (int)((long)batch * (piece + 1) / pieces);
            for (int i = first; i < end; i++)
                Product(kernel, 1, transA, transB, m, n, k, alpha, (float*)a + (nint)i * strideA, lda,
                    (float*)b + (nint)i * strideB, ldb, beta, (float*)c + (nint)i * strideC, ldc);
        });
    }

    /// <summary>One product on up to <paramref name="threads"/> threads; m, n &gt; 0.</summary>
    static void Product(GemmMicroKernel kernel, int threads, bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (k == 0 || alpha == 0f)
        {
            ScaleRows(m, n, beta, c, ldc);
            return;
        }
        int mr = GemmMicroKernels.Rows(kernel), nr = GemmMicroKernels.Columns(kernel);
        int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
        bool splitRows = rowTiles >= colTiles;
        // A few pieces per thread, each worth at least ParallelMinFlops, so a thread slowed by other work on its
        // core hands its share to the others (Parallel.For deals pieces out as threads free up).
        long flops = 2L * m * n * k;
        int pieces = (int)Math.Min(Math.Min(splitRows ? rowTiles : colTiles, PiecesPerThread * (long)threads),
            Math.Max(1, flops / ParallelMinFlops));
        if (threads == 1) pieces = 1;
        if (pieces == 1)
        {
            PackedGemm.Run(kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        ProductShared(kernel, pieces, splitRows, splitRows ? rowTiles : colTiles, splitRows ? mr : nr, transA, transB,
            m, n, k, alpha, (nint)a, lda, (nint)b, ldb, beta, (nint)c, ldc);
    }

    /// <summary>
    /// One product in pieces of whole micro-tiles of rows (or columns), each piece packing what it reads.
    /// (Its own method, so that only the shared path allocates the closure.)
    /// </summary>
    static void ProductShared(GemmMicroKernel kernel, int pieces, bool splitRows, int tiles, int unit, bool transA, bool transB,
        int m, int n, int k, float alpha, nint a, nint lda, nint b, nint ldb, float beta, nint c, nint ldc)
    {
        Parallelism.For(pieces, piece =>
        {
            int extent = splitRows ? m : n;
            int start = (int)((long)tiles * piece / pieces) * unit;
            int end = Math.Min(extent, (int)((long)tiles * (piece + 1) / pieces) * unit);
            float* pa = (float*)a, pb = (float*)b, pc = (float*)c;
            if (splitRows)
                PackedGemm.Run(kernel, transA, transB, end - start, n, k, alpha,
                    transA ? pa + start : pa + start * lda, lda, pb, ldb, beta, pc + start * ldc, ldc);
            else
                PackedGemm.Run(kernel, transA, transB, m, end - start, k, alpha, pa, lda,
                    transB ? pb + start * ldb : pb + start, ldb, beta, pc + start, ldc);
        });
    }

    /// <summary>C = beta * C (k = 0 or alpha = 0); beta = 0 writes zeros without reading C.</summary>
    static void ScaleRows(int m, int n, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f)
                for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    static void Validate(int batch, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        ReadOnlySpan<float> c, int ldc, int strideC)
    {
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m),
                $"Gemm: sizes must be non-negative, got batch={batch}, M={m}, N={n}, K={k}.");
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new ArgumentOutOfRangeException(nameof(strideA),
                $"Gemm: batch strides must be non-negative, got strideA={strideA}, strideB={strideB}, strideC={strideC}.");
        if (batch == 0 || m == 0 || n == 0) return;
        CheckOperand("A", a.Length, transA ? k : m, transA ? m : k, lda, strideA, batch, m, n, k);
        CheckOperand("B", b.Length, transB ? n : k, transB ? k : n, ldb, strideB, batch, m, n, k);
        CheckOperand("C", c.Length, m, n, ldc, strideC, batch, m, n, k);
    }

    /// <summary>Stored matrix of (rows, cols) with row stride ld, batch copies strideX apart, must fit in length.</summary>
    static void CheckOperand(string name, int length, int rows, int cols, int ld, int stride, int batch, int m, int n, int k)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException(
                $"Gemm: ld{name.ToLowerInvariant()}={ld} is less than the row length {cols} of stored {name} ({rows},{cols}) (M={m}, N={n}, K={k}).");
        if (rows == 0 || cols == 0) return;
        long needed = (long)(batch - 1) * stride + (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"Gemm: {name} has {length} elements but stored {name} ({rows},{cols}) with ld{name.ToLowerInvariant()}={ld}"
                + (batch > 1 ? $", batch {batch} and stride {stride}" : "") + $" needs {needed} (M={m}, N={n}, K={k}).");
    }
}
