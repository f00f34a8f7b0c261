using Curriculum.Tensors;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tests.Kernels;

/// <summary>
/// Every element of C is summed in the same order whatever Parallelism.MaxThreads is, so products are
/// bit-identical for 1, 2 and 3 threads. MaxThreads is process-wide, hence the serial collection.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class GemmDeterminismTests
{
    static float[] Random(Random rng, int length) => GemmTests.Random(rng, length);

    [Theory]
    [InlineData(false, false, 300, 200, 300)]  // rows shared between threads
    [InlineData(true, true, 20, 700, 600)]     // columns shared between threads
    [InlineData(true, false, 129, 4100, 33)]   // crosses NC
    public void BitIdenticalWhateverTheThreadCount(bool ta, bool tb, int m, int n, int k)
    {
        var rng = new Random(5);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        float[] Run(int threads)
        {
            int saved = Parallelism.MaxThreads;
            try
            {
                Parallelism.MaxThreads = threads;
                var c = new float[m * n];
                Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
                return c;
            }
            finally { Parallelism.MaxThreads = saved; }
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }

    [Fact]
    public void BatchedBitIdenticalWhateverTheThreadCount()
    {
        int batch = 64, m = 128, n = 128, k = 32;  // (B*H) score products q k^T of the tiny config
        var rng = new Random(6);
        var a = Random(rng, batch * m * k);
        var b = Random(rng, batch * n * k);
        float[] Run(int threads)
        {
            int saved = Parallelism.MaxThreads;
            try
            {
                Parallelism.MaxThreads = threads;
                var c = new float[batch * m * n];
                Gemm.MultiplyBatched(batch, false, true, m, n, k, 0.125f, a, k, m * k, b, k, n * k, 0f, c, n, m * n);
                return c;
            }
            finally { Parallelism.MaxThreads = saved; }
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }
}
