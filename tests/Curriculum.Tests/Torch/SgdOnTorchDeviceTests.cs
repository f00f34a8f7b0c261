using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Torch;
using Xunit.Abstractions;

namespace Curriculum.Tests.Torch;

/// <summary>
/// SGD on a parameter on the device against the managed SGD on cpu: the same gradients, five steps, momentum with
/// dampening, Nesterov, weight decay and a bf16 momentum buffer; and the state dict moving between devices.
/// </summary>
public class SgdOnTorchDeviceTests(ITestOutputHelper output)
{
    static Tensor Param(ulong seed) => Tensor.Randn([4, 6], new Generator(seed)).RequiresGrad_();

    [Theory]
    [InlineData(0f, 0f, 0f, false, FloatFormat.Fp32)]
    [InlineData(0.9f, 0f, 0.01f, false, FloatFormat.Fp32)]
    [InlineData(0.9f, 0.1f, 0f, false, FloatFormat.Fp32)]
    [InlineData(0.8f, 0f, 0.05f, true, FloatFormat.Fp32)]
    [InlineData(0.9f, 0f, 0.01f, false, FloatFormat.Bf16)]
    public void FiveStepsGiveTheParametersOfTheManagedSgd(float momentum, float dampening, float weightDecay, bool nesterov, FloatFormat state)
    {
        var onCpu = Param(3);
        var onDevice = onCpu.Detach().To(TestDevice.Torch).RequiresGrad_();
        var cpuOpt = new SGD([onCpu], 0.1f, momentum, dampening, weightDecay, nesterov) { StateFormat = state };
        var deviceOpt = new SGD([onDevice], 0.1f, momentum, dampening, weightDecay, nesterov) { StateFormat = state };
        var g = new Generator(11);
        for (int step = 0; step < 5; step++)
        {
            var grad = Tensor.Randn([4, 6], g);
            onCpu.Grad = grad.Clone();
            onDevice.Grad = grad.To(TestDevice.Torch);
            cpuOpt.Step();
            deviceOpt.Step();
        }
        // Each step is a handful of float32 operations per element (libtorch's add with alpha may fuse one multiply-add
        // that the managed loop rounds twice): a few ε of the parameter, 1e-6 relative after five steps.
        OpParityAgainstLibTorchTests.Compare(output, onCpu.Detach(), new Tensor(onDevice.ToArray(), 4, 6),
            "parameters after 5 SGD steps", new(1e-6, 1e-6, "five steps of a few float32 operations each"));
        var cpuState = cpuOpt.StateDict();
        var deviceState = deviceOpt.StateDict();
        Assert.Equal(cpuState.Keys.Order(), deviceState.Keys.Order());
        foreach (var key in cpuState.Keys)
            OpParityAgainstLibTorchTests.Compare(output, cpuState[key], deviceState[key], key,
                new(1e-6, 1e-6, "the momentum buffer of the same steps"));
    }

    [Fact]
    public void AMomentumBufferLoadedFromAStateDictMovesToTheDeviceAndContinues()
    {
        var onCpu = Param(5);
        var cpuOpt = new SGD([onCpu], 0.05f, momentum: 0.9f);
        onCpu.Grad = Tensor.Randn([4, 6], new Generator(2));
        cpuOpt.Step();
        // The run continues on the device from the cpu's parameter and optimiser state.
        var onDevice = onCpu.Detach().To(TestDevice.Torch).RequiresGrad_();
        var deviceOpt = new SGD([onDevice], 0.05f, momentum: 0.9f);
        deviceOpt.LoadStateDict(cpuOpt.StateDict());
        var grad = Tensor.Randn([4, 6], new Generator(4));
        onCpu.Grad = grad.Clone();
        onDevice.Grad = grad.To(TestDevice.Torch);
        cpuOpt.Step();
        deviceOpt.Step();
        // Not a first step on the device (b = 0.9·b + g from the loaded b): the same parameters as the cpu run.
        OpParityAgainstLibTorchTests.Compare(output, onCpu.Detach(), new Tensor(onDevice.ToArray(), 4, 6),
            "parameters after a step from a loaded momentum buffer", new(1e-6, 1e-6, "the same few float32 operations"));
    }
}
