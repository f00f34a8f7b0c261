namespace Curriculum.Data;

/// <summary>One row of a plan: the source, its weight after normalisation, the tokens drawn from
/// it, and epochs = weight x budget / source tokens (how many times it is seen).</summary>
public sealed record MixturePlanEntry(string Name, long SourceTokens, double GivenWeight, double Weight, double SampledTokens, double Epochs);

/// <summary>A token budget spread over sources by weight. GPT-3 (Brown et al. 2020, table 2.2):
/// 300B tokens, Common Crawl 410B tokens at 60% -> 0.6 x 300 / 410 = 0.44 epochs; Wikipedia 3B at
/// 3% -> 3.0 epochs from these rounded figures (the paper reports 3.4). Weights that do not sum to 1
/// are normalised and the plan says so in <see cref="Notes"/> (GPT-3's table sums to 101%).</summary>
public sealed class MixturePlan
{
    public long Budget { get; }
    public IReadOnlyList<MixturePlanEntry> Entries { get; }
    public IReadOnlyList<string> Notes { get; }

    MixturePlan(long budget, List<MixturePlanEntry> entries, List<string> notes)
    {
        Budget = budget; Entries = entries; Notes = notes;
    }

    /// <summary>Plans <paramref name="budget"/> tokens over <paramref name="sources"/>. Errors: no
    /// sources, a negative or non-finite weight, all weights zero, a source with no tokens but a
    /// positive weight, or a budget smaller than one batch of <paramref name="batchTokens"/>.</summary>
    public static MixturePlan Create(IReadOnlyList<MixtureSource> sources, long budget, long batchTokens = 1)
    {
        if (sources.Count == 0) throw new ArgumentException("a mixture needs at least one source", nameof(sources));
        if (batchTokens < 1) throw new ArgumentOutOfRangeException(nameof(batchTokens), $"{batchTokens}: a batch holds at least one token");
        if (budget < batchTokens)
            throw new ArgumentOutOfRangeException(nameof(budget), $"budget of {budget} tokens is smaller than one batch ({batchTokens} tokens)");
        double sum = 0;
        foreach (var s in sources)
        {
            if (!double.IsFinite(s.Weight) || s.Weight < 0)
                throw new ArgumentOutOfRangeException(nameof(sources), $"source '{s.Name}': weight {s.Weight} must be a finite number >= 0");
            if (s.Tokens < 0) throw new ArgumentOutOfRangeException(nameof(sources), $"source '{s.Name}': {s.Tokens} tokens must be >= 0");
            if (s.Tokens == 0 && s.Weight > 0) throw new ArgumentException($"source '{s.Name}' has weight {s.Weight} but no tokens", nameof(sources));
            sum += s.Weight;
        }
        if (sum <= 0) throw new ArgumentException("all weights are zero", nameof(sources));
        var notes = new List<string>();
        if (Math.Abs(sum - 1) > 1e-9) notes.Add($"weights sum to {sum:G6}, not 1: normalised by dividing each by {sum:G6}");
        var entries = new List<MixturePlanEntry>(sources.Count);
        foreach (var s in sources)
        {
            double w = s.Weight / sum;
            double sampled = w * budget;
            entries.Add(new MixturePlanEntry(s.Name, s.Tokens, s.Weight, w, sampled, s.Tokens == 0 ? 0 : sampled / s.Tokens));
        }
        return new MixturePlan(budget, entries, notes);
    }

    public double[] Weights => Entries.Select(e => e.Weight).ToArray();

    public override string ToString()
    {
        var lines = new List<string> { $"{"source",-16} {"tokens",16} {"weight",8} {"sampled",16} {"epochs",8}" };
        foreach (var e in Entries)
            lines.Add($"{e.Name,-16} {e.SourceTokens,16:N0} {e.Weight,8:P1} {e.SampledTokens,16:N0} {e.Epochs,8:F2}");
        lines.Add($"budget {Budget:N0} tokens");
        lines.AddRange(Notes);
        return string.Join(Environment.NewLine, lines);
    }
}
