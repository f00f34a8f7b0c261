using Curriculum.Tensors;
using Curriculum.Torch;
using TorchSharp;

namespace Curriculum.Tests.Torch;

/// <summary>libtorch's intra-op pool follows the engine's thread bound, so `--threads N` means N threads on every device.</summary>
[Collection(ProcessStateCollection.Name)]
public class TorchThreadsTests
{
    [Fact]
    public void SettingMaxThreadsSetsLibtorchsThreads()
    {
        TorchDevices.Register();
        int before = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            Assert.Equal(1, torch.get_num_threads());
            Parallelism.MaxThreads = 2;
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
        Assert.Equal(before, torch.get_num_threads());
    }
}
