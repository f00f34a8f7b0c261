using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// The two places a policy reaches the parameters themselves, outside the ops: gradients as stored for the optimiser
/// (<see cref="OpClass.Gradients"/>) and the weights the optimiser updates (<see cref="OpClass.MasterWeights"/>).
/// In a step: backward, <see cref="RoundGradients"/> (before a <see cref="GradScaler"/> unscales, as fp16 gradients
/// would be stored scaled), unscale, clip, the optimiser step, then <see cref="RoundWeights"/> (16-bit weights: an update
/// smaller than half the spacing of a weight is lost).
/// </summary>
public static class ParameterRounding
{
    /// <summary>Rounds every parameter's <see cref="Tensor.Grad"/> in place to the policy's gradient format.</summary>
    public static void RoundGradients(IEnumerable<Tensor> parameters, PrecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.FormatFor(OpClass.Gradients) == FloatFormat.Fp32) return;
        foreach (var p in parameters)
        {
            if (p.Grad == null) continue;
            Round(p.Grad, policy.FormatFor(OpClass.Gradients));
        }
    }

    /// <summary>Rounds every parameter's values in place to the policy's master-weight format (fp32: unchanged).</summary>
    public static void RoundWeights(IEnumerable<Tensor> parameters, PrecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.FormatFor(OpClass.MasterWeights) == FloatFormat.Fp32) return;
        var format = policy.FormatFor(OpClass.MasterWeights);
        foreach (var p in parameters) Round(p, format);
    }

    // In place where the tensor lives: the host array, or the device buffer by the device's kernel (the same bits).
    static void Round(Tensor t, FloatFormat format)
    {
        if (t.Buffer is { } buffer) buffer.Device.Kernels!.RoundInPlace(buffer, format);
        else FloatRounding.Round(t.Data, format);
    }
}
