using Curriculum.Tensors;
using Curriculum.Torch;

namespace Curriculum.Tests.Torch;

/// <summary>
/// libtorch refusing an allocation reaches the user as <see cref="DeviceOutOfMemoryException"/> naming the device, the
/// bytes asked and what to lower; provoked for real on the device under test, and libtorch's CUDA message read as it is
/// worded (c10/cuda/CUDACachingAllocator.cpp), since no GPU runs here.
/// </summary>
public class DeviceOutOfMemoryTests
{
    [Fact]
    public void AnOpWhoseResultTheDeviceCannotHoldThrowsNamingTheDeviceTheBytesAndWhatToLower()
    {
        // (2^20,1) @ (1,2^20): a 2^40-float result, 4 TiB, which no allocator here grants.
        var device = TestDevice.Torch;
        var a = Tensor.Ones(1 << 20, 1).To(device);
        var b = Tensor.Ones(1, 1 << 20).To(device);
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => a.MatMul(b));
        Assert.Equal(device.Name, e.DeviceName);
        Assert.Equal(4L << 40, e.RequestedBytes);
        Assert.Contains($"device '{device.Name}' is out of memory", e.Message);
        Assert.Contains("an allocation of 4.00 TiB (4398046511104 bytes) was refused", e.Message);
        Assert.Contains("Lower the batch size or the sequence length", e.Message);
        Assert.NotNull(e.InnerException);   // libtorch's own message kept for whoever wants it
        // The device still works afterwards.
        Assert.Equal([2f, 2f], (Tensor.Ones(2).To(device) * 2f).ToArray());
    }

    [Fact]
    public void ACopyTheDeviceCannotHoldThrowsTheSame()
    {
        var device = TestDevice.Torch;
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => device.Kernels!.Full(0f, [1 << 20, 1 << 20, 4]));
        Assert.Equal(16L << 40, e.RequestedBytes);
    }

    [Theory]
    // libtorch 2.x's CUDA caching allocator, and the 1.x wording; the CPU allocator's exact count.
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.06 GiB is free.", 2L << 30)]
    [InlineData("CUDA out of memory. Tried to allocate 36.00 MiB (GPU 0; 7.93 GiB total capacity; 130.35 MiB already allocated)", 36L << 20)]
    [InlineData("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: you tried to allocate 4398046511104 bytes. Error code 12 (Cannot allocate memory)", 4L << 40)]
    public void TheRequestedSizeIsReadFromLibTorchsMessage(string message, long bytes)
    {
        var e = new System.Runtime.InteropServices.ExternalException(message);
        Assert.True(TorchOutOfMemory.IsRefusal(e));
        var translated = TorchOutOfMemory.Translate(e, "cuda");
        Assert.Equal(bytes, translated.RequestedBytes);
        Assert.Contains("device 'cuda' is out of memory", translated.Message);
    }

    [Fact]
    public void OtherLibTorchErrorsPassThrough()
    {
        Assert.False(TorchOutOfMemory.IsRefusal(new System.Runtime.InteropServices.ExternalException("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")));
        Assert.Null(TorchOutOfMemory.RequestedBytes("CUDA error: out of memory"));
    }
}
