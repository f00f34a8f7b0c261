namespace Curriculum.Tokenization;

/// <summary>
/// The loop at the heart of BPE training: given words as symbol ids with their frequencies, merge
/// the most frequent adjacent pair into a new symbol, again and again.
/// {"low": 5, "lower": 2} as [l,o,w]x5, [l,o,w,e,r]x2 -> pairs (l,o):7 (o,w):7 (w,e):2 (e,r):2 -> merge (l,o)
/// (ties go to the smaller pair of ids, so the result is deterministic).
/// Pair counts are updated incrementally from the words that hold the merged pair, and the next
/// pair comes from a priority queue whose stale entries are refreshed when they reach the top,
/// so a merge costs the size of the words it touches, not a recount of the corpus.
/// </summary>
public static class PairMergeLearner
{
    /// <summary>Learns merges until <paramref name="newSymbols"/> new symbols exist; symbols in <paramref name="words"/>
    /// are rewritten in place (<paramref name="lengths"/> shrink). <paramref name="mergedSymbol"/> names the symbol a
    /// pair becomes, which may be an existing one ("ab"+"c" and "a"+"bc" are both "abc"). Stops early when the best
    /// pair occurs fewer than <paramref name="minFrequency"/> times. Returns (left, right, merged) in merge order.</summary>
    public static List<(int Left, int Right, int Merged)> Learn(int[][] words, int[] lengths, long[] counts,
        Func<int, int, (int Id, bool IsNew)> mergedSymbol, int newSymbols, long minFrequency, IProgress<TrainingProgress>? progress = null)
    {
        var pairIndex = new Dictionary<long, int>();
        var pairCount = new List<long>();
        var pairWords = new List<List<int>>();
        var pairKeys = new List<long>();
        var queuedCount = new List<long>(); // the count of each pair's newest queue entry; older entries are dropped

        int IndexOf(long key)
        {
            if (pairIndex.TryGetValue(key, out int p)) return p;
            p = pairCount.Count;
            pairIndex[key] = p;
            pairCount.Add(0);
            pairWords.Add([]);
            pairKeys.Add(key);
            queuedCount.Add(0);
            return p;
        }

        for (int w = 0; w < words.Length; w++)
            for (int i = 0; i + 1 < lengths[w]; i++)
            {
                int p = IndexOf(Key(words[w][i], words[w][i + 1]));
                pairCount[p] += counts[w];
                var list = pairWords[p];
                if (list.Count == 0 || list[^1] != w) list.Add(w);
            }

        // most frequent first; ties to the smaller (left, right)
        var queue = new PriorityQueue<int, (long Count, long Key)>(Comparer<(long Count, long Key)>.Create(
            (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Key.CompareTo(y.Key)));
        for (int p = 0; p < pairCount.Count; p++) { queue.Enqueue(p, (pairCount[p], pairKeys[p])); queuedCount[p] = pairCount[p]; }

        var merges = new List<(int, int, int)>(newSymbols);
        int created = 0;
        var visited = new int[words.Length];
        Array.Fill(visited, -1);
        var touched = new List<int>();
        var isTouched = new List<bool>();

        while (created < newSymbols && queue.TryDequeue(out int best, out var prio))
        {
            long actual = pairCount[best];
            if (prio.Count != queuedCount[best]) continue; // superseded by a newer entry
            if (actual != prio.Count)
            {
                // the count fell since it was queued: queue it again at its true count
                if (actual > 0) queue.Enqueue(best, (actual, prio.Key));
                queuedCount[best] = actual;
                continue;
            }
            if (actual < minFrequency || actual <= 0) break;
            int a = (int)(prio.Key >> 32), b = (int)prio.Key;
            var (x, isNew) = mergedSymbol(a, b);
            if (isNew) created++;
            merges.Add((a, b, x));
            touched.Clear();

            void Change(int left, int right, long delta, int w)
            {
                int p = IndexOf(Key(left, right));
                pairCount[p] += delta;
                if (delta > 0)
                {
                    var list = pairWords[p];
                    if (list.Count == 0 || list[^1] != w) list.Add(w);
                }
                while (isTouched.Count <= p) isTouched.Add(false);
                if (!isTouched[p]) { isTouched[p] = true; touched.Add(p); }
            }

            foreach (int w in pairWords[best])
            {
                if (visited[w] == merges.Count) continue; // listed twice
                visited[w] = merges.Count;
                int[] s = words[w];
                int len = lengths[w], o = 0;
                long c = counts[w];
                for (int i = 0; i < len;)
                {
                    if (i + 1 < len && s[i] == a && s[i + 1] == b)
                    {
                        // the pairs around the merged one change: (prev, a) -> (prev, x), (b, next) -> (x, next)
                        if (o > 0) { Change(s[o - 1], a, -c, w); Change(s[o - 1], x, c, w); }
                        if (i + 2 < len) { Change(b, s[i + 2], -c, w); Change(x, s[i + 2], c, w); }
                        s[o++] = x;
                        i += 2;
                    }
                    else s[o++] = s[i++];
                }
                lengths[w] = o;
            }
            pairCount[best] = 0;
            pairWords[best] = [];
            foreach (int p in touched)
            {
                isTouched[p] = false;
                // a count that grew needs a new entry; one that fell is fixed when its old entry surfaces
                if (p != best && pairCount[p] > queuedCount[p]) { queue.Enqueue(p, (pairCount[p], pairKeys[p])); queuedCount[p] = pairCount[p]; }
            }
            if (progress != null && isNew && (created % 1000 == 0 || created == newSymbols))
                progress.Report(new TrainingProgress("merging", created, newSymbols));
        }
        return merges;
    }

    static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
