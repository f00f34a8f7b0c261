using Curriculum.Tensors;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The memory figures of a libtorch device: the bytes its live buffers hold, each storage once, and the peak. Run alone
/// (other tests' buffers would move the count), after collecting what earlier tests left to the finaliser.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class DeviceMemoryFiguresTests
{
    [Fact]
    public void AllocatedAndPeakBytesFollowTheLiveBuffers()
    {
        var kernels = TestDevice.Torch.Kernels!;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        kernels.ResetPeakAllocatedBytes();
        long before = kernels.AllocatedBytes!.Value;
        Assert.Equal(before, kernels.PeakAllocatedBytes);

        var a = kernels.Full(1f, [250, 4]);                  // 1000 float32: 4000 bytes
        Assert.Equal(before + 4000, kernels.AllocatedBytes);
        var view = a.Reshape([1000]);                        // the same storage: not counted again
        Assert.Equal(before + 4000, kernels.AllocatedBytes);
        var b = kernels.Full(2f, [500]);                     // 2000 bytes more
        Assert.Equal(before + 6000, kernels.AllocatedBytes);
        b.Dispose();
        a.Dispose();
        Assert.Equal(before + 4000, kernels.AllocatedBytes); // the view still holds the storage
        view.Dispose();
        Assert.Equal(before, kernels.AllocatedBytes);
        Assert.Equal(before + 6000, kernels.PeakAllocatedBytes);
        kernels.ResetPeakAllocatedBytes();
        Assert.Equal(before, kernels.PeakAllocatedBytes);
    }

    [Fact]
    public void TheManagedDeviceHasNoDeviceKernelsToAsk() => Assert.Null(Device.Cpu.Kernels);
}
