using System.Runtime.InteropServices;

namespace Curriculum.Data;

/// <summary>Near-duplicate detection with MinHash and LSH. Add documents (only their signatures are
/// kept: NumPermutations x 4 bytes each), then <see cref="Find"/>: for each band, sort the
/// documents by the band's hash and look at runs of equal hashes (candidates); a candidate pair is
/// merged (union-find) when its estimated Jaccard reaches the threshold. Each cluster keeps its
/// earliest document. Roughly datasketch's MinHashLSH, and what GPT-3 did with Spark's MinHashLSH
/// (Brown et al. 2020, appendix A).</summary>
public sealed class NearDuplicateFinder
{
    readonly MinHasher _hasher;
    readonly List<uint> _signatures = [];
    readonly List<bool> _hasShingles = [];
    readonly List<ulong> _words = [];
    readonly List<ulong> _grams = [];
    readonly uint[] _sig;

    public NearDuplicateOptions Options { get; }
    public LshParameters Lsh { get; }
    public int Count => _hasShingles.Count;

    public NearDuplicateFinder(NearDuplicateOptions? options = null)
    {
        Options = options ?? new NearDuplicateOptions();
        Lsh = Options.Lsh;
        _hasher = new MinHasher(Options.NumPermutations, Options.ShingleSize, Options.Seed);
        _sig = new uint[Options.NumPermutations];
    }

    /// <summary>Adds one document; returns its index. Documents without a single word never match.</summary>
    public int Add(string text)
    {
        _words.Clear(); _grams.Clear();
        WordNgrams.WordHashes(text, _words);
        WordNgrams.Ngrams(_words, Options.ShingleSize, _grams);
        _hasher.Signature(CollectionsMarshal.AsSpan(_grams), _sig);
        _signatures.AddRange(_sig);
        _hasShingles.Add(_grams.Count > 0);
        return _hasShingles.Count - 1;
    }

    public ReadOnlySpan<uint> SignatureOf(int index) =>
        CollectionsMarshal.AsSpan(_signatures).Slice(index * Options.NumPermutations, Options.NumPermutations);

    public NearDuplicateResult Find()
    {
        int n = Count, k = Options.NumPermutations, rows = Lsh.Rows;
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        var keys = new ulong[n];
        var order = new int[n];
        var sigs = CollectionsMarshal.AsSpan(_signatures);
        long candidates = 0, verified = 0;
        for (int band = 0; band < Lsh.Bands; band++)
        {
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (!_hasShingles[i]) continue;
                var slice = sigs.Slice(i * k + band * rows, rows);
                ulong h = (ulong)band;
                foreach (uint v in slice) h = StableHash.Combine(h, v);
                keys[m] = h; order[m] = i; m++;
            }
            Array.Sort(keys, order, 0, m);
            for (int start = 0; start < m;)
            {
                int end = start + 1;
                while (end < m && keys[end] == keys[start]) end++;
                for (int j = start + 1; j < end; j++)
                {
                    candidates += j - start;
                    // Compare with earlier members of the run (at most 8) until one is similar enough.
                    for (int q = start; q < j && q < start + 8; q++)
                    {
                        int a = order[q], b = order[j];
                        if (Root(parent, a) == Root(parent, b)) break;
                        if (MinHasher.EstimatedJaccard(sigs.Slice(a * k, k), sigs.Slice(b * k, k)) >= Options.Threshold)
                        {
                            Union(parent, a, b);
                            verified++;
                            break;
                        }
                    }
                }
                start = end;
            }
        }
        return Collect(parent, candidates, verified);
    }

    NearDuplicateResult Collect(int[] parent, long candidates, long verified)
    {
        int n = parent.Length, k = Options.NumPermutations;
        var keep = new bool[n];
        var members = new Dictionary<int, List<int>>();
        for (int i = 0; i < n; i++)
        {
            int r = Root(parent, i);
            keep[i] = r == i;
            if (r != i)
            {
                if (!members.TryGetValue(r, out var list)) members[r] = list = [];
                list.Add(i);
            }
        }
        var sigs = CollectionsMarshal.AsSpan(_signatures);
        var clusters = new List<DuplicateCluster>(members.Count);
        foreach (var root in members.Keys.Order())
        {
            var removed = members[root].ToArray();
            var sims = new double[removed.Length];
            for (int t = 0; t < removed.Length; t++)
                sims[t] = MinHasher.EstimatedJaccard(sigs.Slice(root * k, k), sigs.Slice(removed[t] * k, k));
            clusters.Add(new DuplicateCluster(root, removed, sims));
        }
        return new NearDuplicateResult
        {
            Lsh = Lsh, Documents = n, CandidatePairs = candidates, VerifiedPairs = verified, Clusters = clusters, Keep = keep,
        };
    }

    static int Root(int[] parent, int i)
    {
        while (parent[i] != i) { parent[i] = parent[parent[i]]; i = parent[i]; }
        return i;
    }

    // The smaller index becomes the root, so a cluster's root is its earliest document.
    static void Union(int[] parent, int a, int b)
    {
        int ra = Root(parent, a), rb = Root(parent, b);
        if (ra == rb) return;
        if (ra < rb) parent[rb] = ra; else parent[ra] = rb;
    }
}
