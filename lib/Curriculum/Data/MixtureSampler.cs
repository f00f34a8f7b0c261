namespace Curriculum.Data;

/// <summary>A seeded stream of source choices following a <see cref="MixtureSchedule"/>: each draw
/// picks source i with probability w_i(progress), so after N draws source i's count is
/// Binomial(N, w_i) (standard deviation sqrt(N w_i (1 - w_i))). Draw once per document, per
/// packed row or per batch; drawing per fixed-size row makes token shares follow the weights.</summary>
public sealed class MixtureSampler
{
    readonly SplitMix64 _rng;
    readonly MixtureSchedule _schedule;

    public long[] Counts { get; }
    public long Draws { get; private set; }

    public MixtureSampler(MixtureSchedule schedule, ulong seed)
    {
        _schedule = schedule;
        _rng = new SplitMix64(seed);
        Counts = new long[schedule.Sources];
    }

    public MixtureSampler(double[] weights, ulong seed) : this(MixtureSchedule.Constant(weights), seed) { }

    /// <summary>The next source index at training progress <paramref name="progress"/> in [0, 1].</summary>
    public int Next(double progress = 0)
    {
        int pick = Pick(_schedule.WeightsAt(progress), _rng.NextDouble());
        Counts[pick]++;
        Draws++;
        return pick;
    }

    /// <summary>The source whose slice of [0, 1) holds <paramref name="u"/>, the slices laid out by
    /// <paramref name="weights"/> (which sum to 1) in order: inverse-CDF sampling for a uniform u.</summary>
    public static int Pick(ReadOnlySpan<double> weights, double u)
    {
        double acc = 0;
        int pick = weights.Length - 1;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (u < acc) { pick = i; break; }
        }
        while (weights[pick] == 0) pick--;   // u landed in rounding slack past the last positive weight
        return pick;
    }

    /// <summary>Streams <paramref name="count"/> items drawn from <paramref name="sources"/>, each source
    /// restarted when it runs out (a new epoch). Progress of draw t is t / count.</summary>
    public IEnumerable<(int Source, T Item)> Sample<T>(IReadOnlyList<IEnumerable<T>> sources, long count)
    {
        if (sources.Count != Counts.Length) throw new ArgumentException($"{sources.Count} sources, schedule has {Counts.Length}", nameof(sources));
        var enumerators = new IEnumerator<T>?[sources.Count];
        try
        {
            for (long t = 0; t < count; t++)
            {
                int s = Next((double)t / count);
                var e = enumerators[s] ??= sources[s].GetEnumerator();
                if (!e.MoveNext())
                {
                    e.Dispose();
                    e = enumerators[s] = sources[s].GetEnumerator();
                    if (!e.MoveNext()) throw new InvalidOperationException($"source {s} is empty");
                }
                yield return (s, e.Current);
            }
        }
        finally
        {
            foreach (var e in enumerators) e?.Dispose();
        }
    }
}
