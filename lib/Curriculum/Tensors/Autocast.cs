using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// The precision policy the ops apply, as a scope (<c>with torch.autocast(dtype=...):</c>):
/// <code>
/// using (Autocast.Enter(PrecisionPolicy.Bf16Autocast)) loss = model.Loss(x, y);
/// loss.Backward();   // each op's backward uses the policy its forward ran under
/// </code>
/// Emulated: tensors stay float32, and each op rounds its values to the format the policy gives their
/// <see cref="OpClass"/> (matrix-product operands and results, layer norm, softmax, loss, residual stream).
/// Outside any scope the policy is <see cref="PrecisionPolicy.Fp32"/> and no op rounds anything.
/// Per thread, like grad mode.
/// </summary>
public static class Autocast
{
    [ThreadStatic] static PrecisionPolicy? _current;

    /// <summary>The policy ops apply now: the innermost entered one, or fp32.</summary>
    public static PrecisionPolicy Policy => _current ?? PrecisionPolicy.Fp32;

    /// <summary>
    /// Applies <paramref name="policy"/> until the returned scope is disposed (scopes nest). The engine's matrix products
    /// accumulate in fp32, so a policy whose <see cref="OpClass.MatMulAccumulator"/> is 16-bit is refused;
    /// <see cref="Accumulation"/> shows what a 16-bit accumulator does.
    /// </summary>
    public static IDisposable Enter(PrecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.FormatFor(OpClass.MatMulAccumulator) != FloatFormat.Fp32)
            throw new NotSupportedException($"Autocast: policy '{policy.Name}' accumulates matrix products in " +
                $"{FloatFormatInfo.Of(policy.FormatFor(OpClass.MatMulAccumulator)).Name}; the engine accumulates in float32 " +
                "(use policy.With(OpClass.MatMulAccumulator, FloatFormat.Fp32), and Accumulation.Dot to show a 16-bit accumulator).");
        return new Scope(policy);
    }

    sealed class Scope : IDisposable
    {
        readonly PrecisionPolicy? _saved;
        bool _done;
        public Scope(PrecisionPolicy policy)
        {
            _saved = _current;
            _current = policy;
        }
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _current = _saved;
        }
    }
}
