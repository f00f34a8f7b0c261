namespace Curriculum.Precision;

/// <summary>
/// Bytes one training step holds, by kind (see <see cref="MemoryAccounting.Estimate"/> for what is counted).
/// </summary>
/// <param name="Parameters">Master weights.</param>
/// <param name="ParameterCopies">16-bit copies of the weights that enter matrix products, when their format differs from the master weights' (autocast's weight cache).</param>
/// <param name="Gradients">Parameter gradients.</param>
/// <param name="OptimizerState">AdamW's two moments (exp_avg, exp_avg_sq), in the master weights' format.</param>
/// <param name="Activations">Tensors saved for backward at the end of the forward pass.</param>
/// <param name="RecomputedActivations">With checkpointing, one block's saved tensors rebuilt during backward (held one block at a time); 0 without.</param>
/// <param name="ActivationItems">The saved tensors, item by item.</param>
public sealed record MemoryEstimate(
    long Parameters, long ParameterCopies, long Gradients, long OptimizerState,
    long Activations, long RecomputedActivations, IReadOnlyList<ActivationItem> ActivationItems)
{
    /// <summary>Weights, copies, gradients and optimiser state: held for the whole run.</summary>
    public long ModelState => Parameters + ParameterCopies + Gradients + OptimizerState;

    /// <summary>Model state plus saved and recomputed activations: the estimate to put beside a measured peak.</summary>
    public long Total => ModelState + Activations + RecomputedActivations;

    /// <summary>Saved activation bytes in one format.</summary>
    public long ActivationBytesIn(FloatFormat format)
    {
        long sum = 0;
        foreach (var item in ActivationItems) if (item.Format == format) sum += item.Bytes;
        return sum;
    }
}
