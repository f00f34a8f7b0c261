using System.Runtime.InteropServices;

namespace Curriculum.Data;

/// <summary>What to do with a training document that shares n-grams with the evaluation set.</summary>
public enum ContaminationAction { Remove, Flag }

/// <summary>One contaminated training document: how many distinct indexed n-grams it shares and
/// with which evaluation document (the first matched).</summary>
public sealed record Contamination(string TrainingId, int MatchedNgrams, string EvalId);

/// <summary>Counts from a decontamination pass.</summary>
public sealed class DecontaminationReport
{
    public long Checked { get; internal set; }
    public long Contaminated { get; internal set; }
    public long Removed { get; internal set; }
    public long Flagged { get; internal set; }
    public long MatchedNgrams { get; internal set; }
    /// <summary>Every contaminated training document, in input order.</summary>
    public List<Contamination> Hits { get; } = [];
    /// <summary>Evaluation documents that some training document overlaps (leaked test examples).</summary>
    public SortedSet<string> EvalDocumentsHit { get; } = new(StringComparer.Ordinal);

    public override string ToString() =>
        $"{Checked} checked, {Contaminated} contaminated ({Removed} removed, {Flagged} flagged), "
        + $"{MatchedNgrams} matching n-grams, {EvalDocumentsHit.Count} evaluation documents overlapped";
}

/// <summary>Streams training documents past an <see cref="NgramIndex"/> of evaluation texts; a
/// document sharing at least <c>minMatches</c> distinct n-grams (or containing a short evaluation text whole) is removed or flagged (kept, and
/// listed in the report). GPT-3 went further and cut out the colliding 13-gram with 200 characters
/// either side, dropping documents cut into more than 10 pieces (Brown et al. 2020, appendix C).</summary>
public sealed class Decontaminator(NgramIndex index, ContaminationAction action = ContaminationAction.Remove, int minMatches = 1)
{
    readonly List<ulong> _words = [];
    readonly List<ulong> _grams = [];
    readonly HashSet<ulong> _matched = [];

    public DecontaminationReport Report { get; } = new();

    public IEnumerable<Document> Filter(IEnumerable<Document> docs)
    {
        foreach (var d in docs)
        {
            var hit = Check(d);
            if (hit is null || action == ContaminationAction.Flag) yield return d;
        }
    }

    /// <summary>Checks one document and records it; returns the contamination, or null when clean.</summary>
    public Contamination? Check(Document doc)
    {
        Report.Checked++;
        _words.Clear(); _grams.Clear(); _matched.Clear();
        WordNgrams.UnitHashes(doc.Text, index.Unit, _words);
        if (_words.Count >= index.N) WordNgrams.Ngrams(_words, index.N, _grams);
        foreach (int length in index.ContainedLengths)                  // short evaluation texts contained whole
            if (_words.Count >= length) WordNgrams.Ngrams(_words, length, _grams);
        int firstEval = -1;
        foreach (var g in CollectionsMarshal.AsSpan(_grams))
        {
            int e = index.Lookup(g);
            if (e < 0) continue;
            if (_matched.Add(g) && firstEval < 0) firstEval = e;
        }
        if (_matched.Count < minMatches || _matched.Count == 0) return null;
        var hit = new Contamination(doc.Id, _matched.Count, index.DocumentIds[firstEval]);
        Report.Contaminated++;
        Report.MatchedNgrams += _matched.Count;
        Report.Hits.Add(hit);
        foreach (var g in _matched) Report.EvalDocumentsHit.Add(index.DocumentIds[index.Lookup(g)]);
        if (action == ContaminationAction.Remove) Report.Removed++; else Report.Flagged++;
        return hit;
    }
}
