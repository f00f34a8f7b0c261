using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// The formats an attention op rounds to under a policy: Q, K, V and P as product operands (<see cref="OpClass.MatMulInput"/>),
/// the scores and output as product results (<see cref="OpClass.MatMulOutput"/>), the probabilities (<see cref="OpClass.Softmax"/>).
/// </summary>
public readonly record struct AttentionFormats(FloatFormat MatMulInput, FloatFormat MatMulOutput, FloatFormat Softmax)
{
    /// <summary>The formats of <paramref name="policy"/>.</summary>
    public static AttentionFormats Of(PrecisionPolicy policy) => new(policy.FormatFor(OpClass.MatMulInput),
        policy.FormatFor(OpClass.MatMulOutput), policy.FormatFor(OpClass.Softmax));

    /// <summary>The format Q·Kᵀ and P·V may be computed in natively (see <see cref="IDeviceKernels.MatMul"/>).</summary>
    public FloatFormat Products => DeviceOps.ProductFormat(MatMulInput, MatMulOutput);
}
