using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>How <see cref="ObjectiveWeighting"/> weighs each loss.</summary>
public enum ObjectiveWeightingMode
{
    /// <summary>L = Σ_i L_i (BERT's MLM + NSP).</summary>
    Sum,
    /// <summary>L = Σ_i w_i L_i with fixed weights.</summary>
    Fixed,
    /// <summary>L = Σ_i w_i L_i / s_i, s_i a running mean of L_i's own value (bias-corrected EMA, held constant in the gradient), so each task contributes on the same scale.</summary>
    ScaleNormalised,
}

/// <summary>
/// Several objectives trained on one batch: combines their losses as tensors, so one Backward() reaches every task.
/// The data-side schedules (alternating batches, one task after another) are in Curriculum.Objectives.
/// Example, scale-normalised with losses 2 and 8 at the first step: s = (2, 8), L = 2/2 + 8/8 = 2, dL/dL_i = 1/s_i.
/// </summary>
public sealed class ObjectiveWeighting
{
    readonly double[] _weights;
    readonly double[] _ema;
    int _steps;

    public ObjectiveWeightingMode Mode { get; }
    /// <summary>EMA coefficient β of the running scale: s ← β s + (1-β) L, reported as s / (1 - β^t).</summary>
    public double Momentum { get; }
    public int Count => _weights.Length;

    ObjectiveWeighting(ObjectiveWeightingMode mode, double[] weights, double momentum)
    {
        if (weights.Length == 0) throw new ArgumentException("ObjectiveWeighting: need at least one objective.", nameof(weights));
        foreach (var w in weights)
            if (!(w >= 0) || double.IsInfinity(w)) throw new ArgumentOutOfRangeException(nameof(weights), w, "ObjectiveWeighting: weights must be finite and >= 0.");
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "ObjectiveWeighting: momentum must be in [0, 1).");
        (Mode, _weights, Momentum, _ema) = (mode, weights, momentum, new double[weights.Length]);
    }

    public static ObjectiveWeighting Sum(int count) => new(ObjectiveWeightingMode.Sum, Enumerable.Repeat(1.0, count).ToArray(), 0);
    public static ObjectiveWeighting Fixed(params double[] weights) => new(ObjectiveWeightingMode.Fixed, (double[])weights.Clone(), 0);
    /// <summary>Each loss divided by its running scale, then by the optional weights (default 1 each).</summary>
    public static ObjectiveWeighting ScaleNormalised(int count, double momentum = 0.99, double[]? weights = null) =>
        new(ObjectiveWeightingMode.ScaleNormalised, weights != null ? (double[])weights.Clone() : Enumerable.Repeat(1.0, count).ToArray(), momentum);

    /// <summary>The running scale of each loss (bias-corrected); 1 before the first step or outside scale-normalised mode.</summary>
    public double[] Scales()
    {
        var s = new double[Count];
        for (int i = 0; i < s.Length; i++)
            s[i] = Mode == ObjectiveWeightingMode.ScaleNormalised && _steps > 0 ? _ema[i] / (1 - Math.Pow(Momentum, _steps)) : 1.0;
        return s;
    }

    /// <summary>The factor each loss is multiplied by at the next <see cref="Combine"/> (after the scale update it makes).</summary>
    public double[] EffectiveWeights()
    {
        var s = Scales();
        for (int i = 0; i < s.Length; i++) s[i] = _weights[i] / s[i];
        return s;
    }

    /// <summary>Scalar losses, in the order the weights were given -> their weighted sum (a scalar tensor). Updates the running scales first.</summary>
    public Tensor Combine(params Tensor[] losses)
    {
        if (losses.Length != Count) throw new ArgumentException($"ObjectiveWeighting: {losses.Length} losses given, {Count} expected.", nameof(losses));
        for (int i = 0; i < losses.Length; i++)
            if (losses[i].Numel != 1) throw new ArgumentException($"ObjectiveWeighting: loss {i} has shape {Shapes.Text(losses[i].ShapeArray)}, not a scalar.", nameof(losses));
        if (Mode == ObjectiveWeightingMode.ScaleNormalised)
        {
            _steps++;
            for (int i = 0; i < losses.Length; i++)
            {
                double v = losses[i].Item();
                if (!double.IsFinite(v) || v <= 0) throw new ArgumentException($"ObjectiveWeighting: loss {i} is {v}; scale normalisation needs positive finite losses.", nameof(losses));
                _ema[i] = Momentum * _ema[i] + (1 - Momentum) * v;
            }
        }
        var w = EffectiveWeights();
        Tensor total = losses[0] * (float)w[0];
        for (int i = 1; i < losses.Length; i++) total = total + losses[i] * (float)w[i];
        return total;
    }
}
