using System.Text;

namespace Curriculum.Data;

/// <summary>One example of what a filter did: the document, why, and excerpts before and after
/// (After is null when the document was removed).</summary>
public sealed record FilterSample(string Id, string Reason, string Detail, string Before, string? After);

/// <summary>What one filter did over a whole run: documents seen, changed, removed, characters
/// removed, counts per reason, and the first few samples.</summary>
public sealed class FilterStats(string name)
{
    public string Name { get; } = name;
    public long Seen { get; internal set; }
    public long Changed { get; internal set; }
    public long Removed { get; internal set; }
    public long CharsRemoved { get; internal set; }
    public SortedDictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);
    public List<FilterSample> Samples { get; } = [];
}

/// <summary>The per-filter record of a cleaning run, in pipeline order.</summary>
public sealed class CleaningReport
{
    public List<FilterStats> Filters { get; } = [];
    public long DocumentsIn { get; internal set; }
    public long DocumentsOut { get; internal set; }
    public long CharsIn { get; internal set; }
    public long CharsOut { get; internal set; }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{DocumentsIn} documents in, {DocumentsOut} out; {CharsIn} chars in, {CharsOut} out");
        foreach (var f in Filters)
        {
            sb.AppendLine($"  {f.Name}: changed {f.Changed}, removed {f.Removed} of {f.Seen}, {f.CharsRemoved} chars removed");
            foreach (var (reason, count) in f.Reasons) sb.AppendLine($"    {reason}: {count}");
            foreach (var s in f.Samples)
                sb.AppendLine($"    e.g. {s.Id} [{s.Detail}] {Quote(s.Before)}" + (s.After is null ? " -> removed" : $" -> {Quote(s.After)}"));
        }
        return sb.ToString();
    }

    static string Quote(string s) => "\"" + s.Replace("\n", "\\n").Replace("\x1B", "\\e").Replace("\b", "\\b") + "\"";
}
