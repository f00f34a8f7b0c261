using System.Diagnostics;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Cli;

/// <summary>
/// Times the engine's matrix product C = op(A) op(B) on random operands: <c>bench gemm</c> reports it, and
/// <c>bench engine</c> measures with it the peak its training step is compared against.
/// </summary>
static class GemmThroughput
{
    /// <summary>Best milliseconds per call over <paramref name="repeats"/> timings, each lasting about 0.2 s.</summary>
    public static double BestMilliseconds(bool transA, bool transB, int m, int n, int k, int batch, int repeats)
    {
        var rng = new Random(0);
        float[] Fill(long len)
        {
            var x = new float[len];
            for (long i = 0; i < len; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }
        int lda = transA ? m : k, ldb = transB ? k : n;
        var a = Fill((long)batch * m * k);
        var b = Fill((long)batch * k * n);
        var c = new float[(long)batch * m * n];
        void Call()
        {
            if (batch == 1) Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            else Gemm.MultiplyBatched(batch, transA, transB, m, n, k, 1f, a, lda, m * k, b, ldb, k * n, 0f, c, n, m * n);
        }
        Call();
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < 0.05 || calls < 2) { Call(); calls++; }
        calls = Math.Max(1, (int)(calls * 0.2 / sw.Elapsed.TotalSeconds));
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            sw.Restart();
            for (int i = 0; i < calls; i++) Call();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds / calls);
        }
        return best;
    }

    /// <summary>GFLOP/s of the best timing: 2·batch·m·n·k FLOPs per call.</summary>
    public static double GFlops(bool transA, bool transB, int m, int n, int k, int batch, int repeats) =>
        2.0 * batch * m * n * k / (BestMilliseconds(transA, transB, m, n, k, batch, repeats) * 1e6);
}
