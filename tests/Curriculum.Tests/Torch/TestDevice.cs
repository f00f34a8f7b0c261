using Curriculum.Tensors;
using Curriculum.Torch;

namespace Curriculum.Tests.Torch;

/// <summary>
/// The libtorch device the device tests run on: <c>torch-cpu</c>, as in CI, or the device named by the environment
/// variable CURRICULUM_TEST_DEVICE (tools/gpu-check.sh sets <c>cuda</c> to run the same tests on a GPU).
/// </summary>
static class TestDevice
{
    static readonly Lazy<Device> Resolved = new(() =>
    {
        TorchDevices.Register();
        string? name = Environment.GetEnvironmentVariable("CURRICULUM_TEST_DEVICE");
        return Device.Get(string.IsNullOrEmpty(name) ? "torch-cpu" : name);
    });

    /// <summary>The device under test, its libtorch devices registered.</summary>
    public static Device Torch => Resolved.Value;
}
