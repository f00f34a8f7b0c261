using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Tensors;

namespace Curriculum.Precision;

/// <summary>
/// Dynamic loss scaling (PyTorch: <c>torch.cuda.amp.GradScaler</c>). fp16 gradients below 2^-24 become zero, so the
/// loss is multiplied by a large scale before backward and the gradients divided by it before the optimiser step.
/// If any scaled gradient overflowed (inf/NaN), the step is skipped and the scale multiplied by the backoff factor;
/// after <see cref="GrowthInterval"/> clean steps in a row it is multiplied by the growth factor
/// (the rule of PyTorch's <c>_amp_update_scale_</c> kernel). One step:
/// <code>
/// backward(scaler.Scale(loss));
/// if (!scaler.UnscaleAndCheck(grads)) optimizer.Step();   // found inf/NaN -> skip
/// scaler.Update();
/// </code>
/// </summary>
public sealed class GradScaler
{
    public float GrowthFactor { get; }
    public float BackoffFactor { get; }
    public int GrowthInterval { get; }

    /// <summary>The current scale (PyTorch: <c>get_scale()</c>), kept as fp32 like PyTorch's scale tensor.</summary>
    public float CurrentScale { get; private set; }
    /// <summary>Clean steps since the scale last changed or backed off (PyTorch: <c>_growth_tracker</c>).</summary>
    public int GrowthTracker { get; private set; }
    /// <summary>Whether the last <see cref="UnscaleAndCheck"/> found an inf or NaN, i.e. the step must be skipped; null before it.</summary>
    public bool? FoundInf { get; private set; }

    /// <summary>PyTorch's defaults: init_scale 2^16, growth_factor 2, backoff_factor 0.5, growth_interval 2000.</summary>
    public GradScaler(float initScale = 65536f, float growthFactor = 2f, float backoffFactor = 0.5f, int growthInterval = 2000)
    {
        if (!(initScale > 0) || !float.IsFinite(initScale)) throw new ArgumentOutOfRangeException(nameof(initScale), initScale, "expected a finite scale > 0");
        if (!(growthFactor > 1)) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "the growth factor must be > 1");
        if (!(backoffFactor < 1 && backoffFactor > 0)) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "the backoff factor must be in (0, 1)");
        if (growthInterval < 1) throw new ArgumentOutOfRangeException(nameof(growthInterval), growthInterval, "expected at least 1 step");
        CurrentScale = initScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    /// <summary>The loss to backpropagate: loss × scale (the seed gradient of backward becomes the scale).</summary>
    public float Scale(float loss) => loss * CurrentScale;

    /// <summary>
    /// Divides every gradient by the scale in place (multiplies by the fp32 reciprocal, as PyTorch does) and reports
    /// whether any scaled gradient was inf or NaN, in which case the optimiser step must be skipped.
    /// Once per step, before <see cref="Update"/> (PyTorch: <c>unscale_</c>, then <c>step</c>'s check).
    /// </summary>
    public bool UnscaleAndCheck(IEnumerable<Memory<float>> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (FoundInf != null) throw new InvalidOperationException("UnscaleAndCheck was already called since the last Update()");
        float inverse = (float)(1.0 / CurrentScale);
        bool found = false;
        foreach (var g in gradients) found |= UnscaleAndCheck(g.Span, inverse);
        FoundInf = found;
        return found;
    }

    /// <summary>
    /// <see cref="UnscaleAndCheck(IEnumerable{Memory{float}})"/> on gradient tensors wherever they live: a host array here,
    /// a device buffer by its device's kernel (no copy to the host; one flag read back per tensor).
    /// </summary>
    public bool UnscaleAndCheck(IEnumerable<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (FoundInf != null) throw new InvalidOperationException("UnscaleAndCheck was already called since the last Update()");
        float inverse = (float)(1.0 / CurrentScale);
        bool found = false;
        foreach (var g in gradients)
            found |= g.Buffer is { } buffer ? buffer.Device.Kernels!.UnscaleAndCheck(buffer, inverse) : UnscaleAndCheck(g.Data, inverse);
        FoundInf = found;
        return found;
    }

    /// <summary>Multiplies by <paramref name="inverse"/> in place; true if any input value was not finite.</summary>
    static bool UnscaleAndCheck(Span<float> g, float inverse)
    {
        var bits = MemoryMarshal.Cast<float, uint>(g);
        int i = 0;
        var nonFinite = Vector<uint>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            var exponent = new Vector<uint>(0x7F800000);
            var inv = new Vector<float>(inverse);
            for (; i <= g.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(g.Slice(i));
                nonFinite |= Vector.Equals(Vector.AsVectorUInt32(v) & exponent, exponent);
                (v * inv).CopyTo(g.Slice(i));
            }
        }
        bool found = nonFinite != Vector<uint>.Zero;
        for (; i < g.Length; i++)
        {
            found |= (bits[i] & 0x7F800000) == 0x7F800000;
            g[i] *= inverse;
        }
        return found;
    }

    /// <summary>
    /// After the step: on inf/NaN, scale × backoff and the tracker reset; otherwise the tracker counts the clean step and,
    /// on reaching the growth interval, scale × growth (unless that overflows fp32) and the tracker reset.
    /// </summary>
    public void Update()
    {
        if (FoundInf is not bool found) throw new InvalidOperationException("Update() needs UnscaleAndCheck() first: no inf/NaN check was recorded for this step");
        if (found)
        {
            CurrentScale *= BackoffFactor;
            GrowthTracker = 0;
        }
        else if (GrowthTracker + 1 == GrowthInterval)
        {
            float grown = CurrentScale * GrowthFactor;
            if (float.IsFinite(grown)) CurrentScale = grown;
            GrowthTracker = 0;
        }
        else GrowthTracker++;
        FoundInf = null;
    }

    /// <summary>Scale and tracker, for a checkpoint (PyTorch: <c>state_dict()</c>).</summary>
    public GradScalerState State => new(CurrentScale, GrowthTracker);

    /// <summary>Restores <see cref="State"/> from a checkpoint (PyTorch: <c>load_state_dict</c>).</summary>
    public void Load(GradScalerState state)
    {
        if (!(state.Scale > 0) || !float.IsFinite(state.Scale)) throw new ArgumentOutOfRangeException(nameof(state), state.Scale, "Scale: expected a finite value > 0");
        if (state.GrowthTracker < 0 || state.GrowthTracker >= GrowthInterval)
            throw new ArgumentOutOfRangeException(nameof(state), state.GrowthTracker, $"GrowthTracker: expected 0 to {GrowthInterval - 1}");
        CurrentScale = state.Scale;
        GrowthTracker = state.GrowthTracker;
        FoundInf = null;
    }
}
