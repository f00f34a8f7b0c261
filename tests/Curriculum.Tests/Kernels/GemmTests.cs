using Curriculum.Tensors;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tests.Kernels;

/// <summary>
/// The matrix product against an independent float64 triple loop, for every micro-kernel this CPU runs.
/// Tolerance: a float32 dot product of length K summed in any order with fused multiply-adds errs by at
/// most gamma_K * sum_p |a_ip b_pj| with gamma_K ~ K * 2^-24 (Higham, Accuracy and Stability of Numerical
/// Algorithms, 2002, eq. 3.5); alpha, beta*C and the K-block partial sums add a few more roundings, so the
/// bound used is (K + 4) * 2^-24 * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|). Any indexing or packing
/// bug errs by O(|a||b|), far above it.
/// </summary>
public class GemmTests
{
    public static TheoryData<int> Kernels()
    {
        var data = new TheoryData<int>();
        foreach (var kernel in Enum.GetValues<GemmMicroKernel>())
            if (GemmMicroKernels.IsSupported(kernel)) data.Add((int)kernel);
        return data;
    }

    // Odd sizes, non-multiples of every tile (MR 4/6/8, NR 4/8/16/32), and sizes crossing the cache blocks
    // (MC = 120, KC = 256, NC = 1024).
    static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 7, 17), (7, 1, 33), (17, 33, 1), (33, 17, 7), (127, 257, 33), (257, 127, 17),
        (130, 40, 300), (7, 33, 513), (5, 1100, 9), (96, 64, 256),
    ];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void MatchesFloat64ReferenceForAllTransposes(int kernel)
    {
        var rng = new Random(1);
        foreach (var (m, n, k) in Shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    Check(rng, (GemmMicroKernel)kernel, ta, tb, m, n, k, 1f, 0f, padding: 0);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SubMatricesWithAlphaAndBetaLeavePaddingUntouched(int kernel)
    {
        var rng = new Random(2);
        foreach (var (alpha, beta) in new[] { (0.5f, -1.5f), (2f, 1f), (-1f, 0f), (0f, 0.25f), (1.5f, 0f) })
            foreach (var (m, n, k) in new[] { (17, 33, 7), (127, 45, 257), (9, 70, 3) })
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        Check(rng, (GemmMicroKernel)kernel, ta, tb, m, n, k, alpha, beta, padding: 5);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void BetaZeroOverwritesNaN(int kernel)
    {
        int m = 37, n = 41, k = 300;
        var rng = new Random(3);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Gemm.Multiply((GemmMicroKernel)kernel, false, true, m, n, k, 1f, a, k, Transpose(b, k, n), k, 0f, c, n);
        var expected = Reference(false, false, m, n, k, 1f, a, k, b, n, 0f, new float[m * n], n);
        for (int i = 0; i < m * n; i++)
            Assert.True(Math.Abs(c[i] - expected.Value[i]) <= expected.Bound[i], $"element {i}: {c[i]} vs {expected.Value[i]}");
    }

    [Fact]
    public void ZeroDepthScalesByBeta()
    {
        var c = new[] { 1f, 2f, float.NaN, 4f };
        Gemm.Multiply(false, false, 1, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 3);
        Assert.Equal(new[] { 0.5f, 1f, float.NaN, 4f }, c);  // (1,2) with ldc 3: c[2] is outside C
        var d = new[] { float.NaN, float.NaN };
        Gemm.Multiply(false, false, 1, 2, 0, 1f, [], 1, [], 2, 0f, d, 2);
        Assert.Equal(new[] { 0f, 0f }, d);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void BatchedWithStridesMatchesEachProduct(int kernel)
    {
        // Attention-like: (B*H) products of (T, dh) x (dh, T), matrices spaced wider than they are.
        int batch = 5, m = 19, n = 23, k = 11;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var rng = new Random(4);
                int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                int strideA = (ta ? k : m) * lda + 7, strideB = (tb ? n : k) * ldb + 5, strideC = m * ldc + 4;
                var a = Random(rng, batch * strideA);
                var b = Random(rng, batch * strideB);
                var c = Random(rng, batch * strideC);
                var before = (float[])c.Clone();
                Gemm.MultiplyBatched((GemmMicroKernel)kernel, batch, ta, tb, m, n, k, 0.75f, a, lda, strideA,
                    b, ldb, strideB, -0.5f, c, ldc, strideC);
                for (int i = 0; i < batch; i++)
                {
                    var expected = Reference(ta, tb, m, n, k, 0.75f, a.AsSpan(i * strideA).ToArray(), lda,
                        b.AsSpan(i * strideB).ToArray(), ldb, -0.5f, before.AsSpan(i * strideC).ToArray(), ldc);
                    AssertClose(expected, c.AsSpan(i * strideC).ToArray(), m, n, ldc, $"batch item {i}, {(ta ? 't' : 'n')}{(tb ? 't' : 'n')}");
                }
                for (int i = 0; i < c.Length; i++)
                {
                    int item = i / strideC, within = i % strideC;
                    bool inside = item < batch && within < m * ldc && within % ldc < n;
                    if (!inside) Assert.Equal(before[i], c[i]);
                }
            }
    }

    [Fact]
    public void RejectsOperandsThatDoNotFit()
    {
        var a = new float[6];
        var c = new float[4];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, new float[5], 2, 0f, c, 2));
        Assert.Contains("B has 5 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 2, new float[6], 2, 0f, c, 2));
        Assert.Contains("lda=2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyBatched(2, false, false, 2, 2, 3, 1f, new float[12], 3, 6,
            new float[12], 2, 6, 0f, new float[7], 2, 4));
        Assert.Contains("C has 7 elements", e.Message);
    }

    static void Check(Random rng, GemmMicroKernel kernel, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int padding)
    {
        int lda = (ta ? m : k) + padding, ldb = (tb ? k : n) + padding, ldc = n + padding;
        var a = Random(rng, (ta ? k : m) * lda);
        var b = Random(rng, (tb ? n : k) * ldb);
        var c = Random(rng, m * ldc);
        var before = (float[])c.Clone();
        Gemm.Multiply(kernel, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        var expected = Reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, before, ldc);
        string what = $"{kernel} {(ta ? 't' : 'n')}{(tb ? 't' : 'n')} M={m} N={n} K={k} alpha={alpha} beta={beta}";
        AssertClose(expected, c, m, n, ldc, what);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                Assert.True(before[i * ldc + j] == c[i * ldc + j], $"{what}: padding ({i},{j}) changed");
    }

    static void AssertClose((double[] Value, double[] Bound) expected, float[] c, int m, int n, int ldc, string what)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double e = expected.Value[i * n + j], got = c[i * ldc + j];
                Assert.True(Math.Abs(got - e) <= expected.Bound[i * n + j],
                    $"{what}: C({i},{j}) = {got}, float64 reference {e}, bound {expected.Bound[i * n + j]}");
            }
    }

    /// <summary>alpha * op(A) op(B) + beta * C in float64, (M,N) dense, with the error bound of each element.</summary>
    static (double[] Value, double[] Bound) Reference(bool ta, bool tb, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var value = new double[m * n];
        var bound = new double[m * n];
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? a[p * lda + i] : a[i * lda + p];
                    double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                    sum += x * y;
                    abs += Math.Abs(x * y);
                }
                double old = beta == 0f ? 0 : beta * (double)c[i * ldc + j];
                value[i * n + j] = alpha * sum + old;
                bound[i * n + j] = (k + 4) * u * (Math.Abs(alpha) * abs + Math.Abs(old)) + 1e-30;
            }
        return (value, bound);
    }

    internal static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }
}
