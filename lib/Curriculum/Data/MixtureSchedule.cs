namespace Curriculum.Data;

/// <summary>Source weights that change with training progress p in [0, 1] (fraction of the token
/// budget consumed). The trainer calls <see cref="WeightsAt"/> as it goes. Piecewise constant:
/// phase k applies from its Start up to the next phase's Start.</summary>
public sealed class MixtureSchedule
{
    readonly MixturePhase[] _phases;

    public IReadOnlyList<MixturePhase> Phases => _phases;
    public int Sources { get; }

    public MixtureSchedule(IEnumerable<MixturePhase> phases)
    {
        // Copies: the weights are normalised below, and the caller's arrays must not change.
        _phases = phases.Select(p => p with { Weights = (double[])p.Weights.Clone() }).ToArray();
        if (_phases.Length == 0) throw new ArgumentException("a schedule needs at least one phase", nameof(phases));
        if (_phases[0].Start != 0) throw new ArgumentException($"the first phase must start at progress 0, not {_phases[0].Start}", nameof(phases));
        Sources = _phases[0].Weights.Length;
        for (int k = 0; k < _phases.Length; k++)
        {
            var ph = _phases[k];
            if (ph.Weights.Length != Sources) throw new ArgumentException($"phase {k}: {ph.Weights.Length} weights, expected {Sources}", nameof(phases));
            if (k > 0 && !(ph.Start > _phases[k - 1].Start)) throw new ArgumentException($"phase {k}: start {ph.Start} must be after {_phases[k - 1].Start}", nameof(phases));
            if (ph.Start is < 0 or >= 1) throw new ArgumentException($"phase {k}: start {ph.Start} must be in [0, 1)", nameof(phases));
            double sum = 0;
            foreach (var w in ph.Weights)
            {
                if (!double.IsFinite(w) || w < 0) throw new ArgumentException($"phase {k}: weight {w} must be >= 0", nameof(phases));
                sum += w;
            }
            if (sum <= 0) throw new ArgumentException($"phase {k}: all weights are zero", nameof(phases));
            for (int i = 0; i < Sources; i++) ph.Weights[i] /= sum;
        }
    }

    /// <summary>The normalised weights in force at <paramref name="progress"/> (0 = start, 1 = end).</summary>
    public double[] WeightsAt(double progress)
    {
        if (!(progress >= 0 && progress <= 1)) throw new ArgumentOutOfRangeException(nameof(progress), $"{progress}: progress must be in [0, 1]");
        int k = _phases.Length - 1;
        while (_phases[k].Start > progress) k--;
        return _phases[k].Weights;
    }

    /// <summary>The share of the whole budget each source receives: sum over phases of weight x phase length.</summary>
    public double[] TotalShare()
    {
        var share = new double[Sources];
        for (int k = 0; k < _phases.Length; k++)
        {
            double end = k + 1 < _phases.Length ? _phases[k + 1].Start : 1.0;
            for (int i = 0; i < Sources; i++) share[i] += _phases[k].Weights[i] * (end - _phases[k].Start);
        }
        return share;
    }

    public static MixtureSchedule Constant(params double[] weights) => new([new MixturePhase(0, weights)]);

    /// <summary>Late HQ (MiniCPM, Hu et al. 2024): <paramref name="normal"/> weights during the fast
    /// and stable phases, <paramref name="decay"/> weights (HQ mixed in) from <paramref name="decayStart"/>.</summary>
    public static MixtureSchedule LateHighQuality(double[] normal, double[] decay, double decayStart = 0.9) =>
        new([new MixturePhase(0, normal), new MixturePhase(decayStart, decay)]);

    /// <summary>Early HQ: <paramref name="early"/> weights (HQ-rich) until <paramref name="until"/>, then <paramref name="normal"/>.</summary>
    public static MixtureSchedule EarlyHighQuality(double[] early, double[] normal, double until = 0.1) =>
        new([new MixturePhase(0, early), new MixturePhase(until, normal)]);

    /// <summary>All HQ (phi, Gunasekar et al. 2023): only source <paramref name="highQualitySource"/> throughout.</summary>
    public static MixtureSchedule AllHighQuality(int sources, int highQualitySource)
    {
        if (highQualitySource < 0 || highQualitySource >= sources) throw new ArgumentOutOfRangeException(nameof(highQualitySource), $"{highQualitySource}: not in [0, {sources})");
        var w = new double[sources];
        w[highQualitySource] = 1;
        return new([new MixturePhase(0, w)]);
    }
}

/// <summary>A phase of a <see cref="MixtureSchedule"/>: from progress <see cref="Start"/>, these weights.</summary>
public sealed record MixturePhase(double Start, double[] Weights);
