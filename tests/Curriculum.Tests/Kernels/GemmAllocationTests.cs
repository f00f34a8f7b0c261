using Curriculum.Tensors;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tests.Kernels;

/// <summary>
/// On one thread the product allocates nothing once warm: packing buffers are per thread and reused
/// (a training step calls it hundreds of times). MaxThreads is process-wide, hence the serial collection.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class GemmAllocationTests
{
    [Fact]
    public void SingleThreadedProductsAllocateNothingOnceWarm()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var rng = new Random(7);
            var a = GemmTests.Random(rng, 64 * 300);
            var b = GemmTests.Random(rng, 300 * 70);
            var c = new float[64 * 70 * 4];
            void Run()
            {
                Gemm.Multiply(false, true, 64, 70, 300, 1f, a, 300, b, 300, 0f, c, 70);
                Gemm.Multiply(true, false, 64, 70, 300, 1f, a, 64, b, 70, 1f, c, 70);
                Gemm.MultiplyBatched(4, false, false, 16, 70, 75, 1f, a, 75, 16 * 75, b, 70, 0, 0f, c, 70, 16 * 70);
            }
            Run();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally { Parallelism.MaxThreads = saved; }
    }
}
