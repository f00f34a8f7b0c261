using System.Diagnostics;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Cli;

/// <summary>
/// Times the engine's matrix product C = op(A) op(B) on fixed random operands: <c>bench gemm</c> reports it, and
/// <c>bench engine</c> times the step's largest product between its steps, for the peak it compares the step with.
/// </summary>
sealed class GemmThroughput
{
    readonly bool _transA, _transB;
    readonly int _m, _n, _k, _batch;
    readonly float[] _a, _b, _c;

    /// <param name="b">Operand B as stored, e.g. a model's own weight so that timing it adds no memory; random when null.</param>
    public GemmThroughput(bool transA, bool transB, int m, int n, int k, int batch = 1, float[]? b = null)
    {
        if (b != null && b.Length != (long)batch * k * n) throw new ArgumentException($"GemmThroughput: B has {b.Length} elements, not {(long)batch * k * n}.");
        (_transA, _transB, _m, _n, _k, _batch) = (transA, transB, m, n, k, batch);
        var rng = new Random(0);
        float[] Fill(long len)
        {
            var x = new float[len];
            for (long i = 0; i < len; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }
        _a = Fill((long)batch * m * k);
        _b = b ?? Fill((long)batch * k * n);
        _c = new float[(long)batch * m * n];
    }

    /// <summary>FLOPs of one call: 2·batch·m·n·k.</summary>
    public double Flops => 2.0 * _batch * _m * _n * _k;

    void Call()
    {
        int lda = _transA ? _m : _k, ldb = _transB ? _k : _n;
        if (_batch == 1) Gemm.Multiply(_transA, _transB, _m, _n, _k, 1f, _a, lda, _b, ldb, 0f, _c, _n);
        else Gemm.MultiplyBatched(_batch, _transA, _transB, _m, _n, _k, 1f, _a, lda, _m * _k, _b, ldb, _k * _n, 0f, _c, _n, _m * _n);
    }

    /// <summary>Milliseconds of one call.</summary>
    public double CallMilliseconds()
    {
        long t0 = Stopwatch.GetTimestamp();
        Call();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    /// <summary>Best milliseconds per call over <paramref name="repeats"/> timings, each lasting about 0.2 s.</summary>
    public double BestMilliseconds(int repeats)
    {
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
}
