namespace Curriculum.Data;

/// <summary>A next-sentence-prediction example: segment A, segment B, and whether B really follows A.</summary>
public sealed record SentencePair<T>(T A, T B, bool IsNext, int DocumentA, int DocumentB);

/// <summary>BERT's NSP examples (Devlin et al. 2019, section 3.1): for consecutive segments A, B of
/// a document, 50% of the time B is the true next segment (IsNext), otherwise a segment drawn from
/// another, random document (NotNext).</summary>
public static class NextSentencePairs
{
    public static List<SentencePair<T>> Create<T>(IReadOnlyList<IReadOnlyList<T>> documents, ulong seed, double isNextProbability = 0.5)
    {
        int usable = 0;
        foreach (var d in documents) if (d.Count > 0) usable++;
        if (usable < 2) throw new ArgumentException("NSP needs at least two non-empty documents to draw random segments from", nameof(documents));
        var rng = new SplitMix64(seed);
        var pairs = new List<SentencePair<T>>();
        for (int di = 0; di < documents.Count; di++)
        {
            var doc = documents[di];
            for (int s = 0; s + 1 < doc.Count; s++)
            {
                if (rng.NextDouble() < isNextProbability)
                {
                    pairs.Add(new SentencePair<T>(doc[s], doc[s + 1], true, di, di));
                    continue;
                }
                int other;
                do other = rng.NextInt(documents.Count); while (other == di || documents[other].Count == 0);
                var segs = documents[other];
                pairs.Add(new SentencePair<T>(doc[s], segs[rng.NextInt(segs.Count)], false, di, other));
            }
        }
        return pairs;
    }
}
