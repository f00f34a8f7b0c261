using System.Runtime.InteropServices;

namespace Curriculum.Tokenization;

/// <summary>Settings of <see cref="UnigramTrainer"/>; the defaults are SentencePiece's.</summary>
/// <param name="VocabularySize">Target size including &lt;unk&gt; &lt;s&gt; &lt;/s&gt; and, with byte fallback, the 256 byte pieces.</param>
/// <param name="CharacterCoverage">Keep the most frequent characters covering this share of the text; the rest are
/// unknown (byte pieces with byte fallback). SentencePiece's default 0.9995; 1.0 keeps every character.</param>
/// <param name="ByteFallback">Add the 256 byte pieces, so no text is ever &lt;unk&gt;.</param>
/// <param name="MaxPieceLength">Longest piece, in characters.</param>
/// <param name="ShrinkingFactor">Each pruning round keeps this share of the pieces (the ~25% that raise the loss least go).</param>
/// <param name="SubIterations">EM iterations between pruning rounds.</param>
/// <param name="SeedSize">Frequent substrings the training starts from.</param>
public sealed record UnigramTrainerOptions(
    int VocabularySize,
    double CharacterCoverage = 0.9995,
    bool ByteFallback = true,
    int MaxPieceLength = 16,
    double ShrinkingFactor = 0.75,
    int SubIterations = 2,
    int SeedSize = 1_000_000);

/// <summary>
/// Learns a Unigram vocabulary as SentencePiece's trainer does (Kudo 2018, section 3.2):
/// 1. seed: every character, and the most frequent substrings of the words (score: frequency x length);
/// 2. EM: the E-step sums each piece's expected count over all segmentations of each word (forward-backward);
///    the M-step drops pieces expected less than 0.5 times and sets score = ψ(count) - ψ(total)
///    (the digamma of the Bayesian, Dirichlet-smoothed update SentencePiece uses, not plain log(count/total));
/// 3. prune: for each piece, the loss of likelihood if its count moved to its next-best segmentation;
///    keep the <see cref="UnigramTrainerOptions.ShrinkingFactor"/> share with the largest loss; repeat 2-3 until
///    the pieces are at most 1.1 x the target; then keep every single character and the highest-scored rest.
/// Words: a line's text with "▁" for each space and in front, cut before each "▁" ("▁a▁b" -> "▁a", "▁b").
/// </summary>
public sealed class UnigramTrainer(UnigramTrainerOptions options, IProgress<TrainingProgress>? progress = null)
{
    const char UnknownChar = '\u2047'; // stands for a character outside the coverage while training (SentencePiece's kUNKChar)
    const double ExpectedCountThreshold = 0.5;

    readonly Dictionary<string, long> _wordCounts = [];
    readonly Dictionary<string, long> _lastWordCounts = []; // how often each word ends its line

    public UnigramTrainerOptions Options => options;

    /// <summary>Invalid UTF-8 sequences replaced by U+FFFD in the files read so far.</summary>
    public int InvalidUtf8Sequences { get; private set; }

    /// <summary>Counts the words of each line of <paramref name="text"/> (lines are SentencePiece's sentences; blank ones are skipped).</summary>
    public void AddText(string text)
    {
        var lookup = _wordCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        var lastLookup = _lastWordCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var line in text.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            string normalized = UnigramTokenizer.Normalize(line);
            for (int start = 0; start < normalized.Length;)
            {
                int end = normalized.IndexOf(UnigramTokenizer.WordBoundary, start + 1);
                if (end < 0) end = normalized.Length;
                var word = normalized.AsSpan(start, end - start);
                lookup[word] = lookup.TryGetValue(word, out long c) ? c + 1 : 1;
                if (end == normalized.Length) lastLookup[word] = lastLookup.TryGetValue(word, out long l) ? l + 1 : 1;
                start = end;
            }
        }
    }

    /// <summary>Counts the words of each file (UTF-8; invalid sequences become U+FFFD and are counted).</summary>
    public void AddFiles(IEnumerable<string> paths) => InvalidUtf8Sequences += Utf8TextFile.CountFiles(paths, AddText, progress);

    /// <summary>Runs seed, EM and pruning; returns the tokenizer (ids: &lt;unk&gt; &lt;s&gt; &lt;/s&gt;, the byte pieces, then by score).</summary>
    public UnigramTokenizer Train()
    {
        int special = 3 + (options.ByteFallback ? 256 : 0);
        int target = options.VocabularySize - special;
        var (words, counts, lastCounts, required) = Words();
        if (target < required.Count)
            throw new ArgumentException($"vocabulary size {options.VocabularySize} is below the {required.Count} characters the coverage keeps + {special} special and byte pieces; "
                + "ask for a larger vocabulary or a lower character coverage");
        var pieces = Seed(words, counts, lastCounts, required);
        int desired = (int)(options.VocabularySize * 1.1);
        for (int round = 0; ; round++)
        {
            for (int i = 0; i < options.SubIterations; i++) pieces = EmStep(pieces, words, counts);
            progress?.Report(new TrainingProgress("pruning", round + 1, 0));
            if (pieces.Count <= desired) break;
            pieces = Prune(pieces, words, counts, desired);
        }
        return Finalize(pieces, required, target);
    }

    // words with characters outside the coverage written as UnknownChar, how often each ends its line, and the covered characters by frequency
    (string[] Words, double[] Counts, long[] LastCounts, List<string> Required) Words()
    {
        var charCounts = new Dictionary<string, long>();
        long all = 0;
        foreach (var (word, count) in _wordCounts)
            foreach (var r in word.EnumerateRunes())
            {
                string c = r.ToString();
                charCounts[c] = charCounts.GetValueOrDefault(c) + count;
                all += count;
            }
        var required = new List<string>();
        long covered = 0;
        foreach (var (c, n) in charCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if ((double)covered / all >= options.CharacterCoverage) break;
            covered += n;
            required.Add(c);
        }
        var keep = required.ToHashSet();
        var rewritten = new Dictionary<string, (long Count, long Last)>();
        foreach (var (word, count) in _wordCounts)
        {
            string w = word;
            if (word.EnumerateRunes().Any(r => !keep.Contains(r.ToString())))
                w = string.Concat(word.EnumerateRunes().Select(r => keep.Contains(r.ToString()) ? r.ToString() : UnknownChar.ToString()));
            var (c, l) = rewritten.GetValueOrDefault(w);
            rewritten[w] = (c + count, l + _lastWordCounts.GetValueOrDefault(word));
        }
        var ordered = rewritten.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return ([.. ordered.Select(kv => kv.Key)], [.. ordered.Select(kv => (double)kv.Value.Count)], [.. ordered.Select(kv => kv.Value.Last)], required);
    }

    // How often a substring occurs, and whether what follows it differs between occurrences.
    struct Occurrences
    {
        public long Count;
        public int Next;         // the character after its first occurrence: a code point, '▁' (next word) or 0 (line end)
        public bool Branching;

        public void Add(int next, long count)
        {
            if (count == 0) return;
            if (Count == 0) Next = next;
            else if (Next != next) Branching = true;
            Count += count;
        }
    }

    // every covered character (scored by its count) and the substrings that are nodes of the text's suffix tree, i.e.
    // followed by at least two different characters, as SentencePiece's enhanced suffix array finds them (scored by
    // count x length); scores become log-probabilities
    List<(string Piece, double Score)> Seed(string[] words, double[] counts, long[] lastCounts, List<string> required)
    {
        var substrings = new Dictionary<string, Occurrences>();
        var lookup = substrings.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int w = 0; w < words.Length; w++)
        {
            string word = words[w];
            long count = (long)counts[w], last = lastCounts[w];
            for (int start = 0; start < word.Length; start += char.IsSurrogatePair(word, start) ? 2 : 1)
            {
                int length = 0;
                for (int end = start; end < word.Length && length < options.MaxPieceLength;)
                {
                    if (word[end] == UnknownChar || (end > start && word[end] == UnigramTokenizer.WordBoundary)) break;
                    end += char.IsSurrogatePair(word, end) ? 2 : 1;
                    length++;
                    if (length == 1) continue;
                    ref var o = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, word.AsSpan(start, end - start), out _);
                    if (end < word.Length) o.Add(char.ConvertToUtf32(word, end), count);
                    else { o.Add(UnigramTokenizer.WordBoundary, count - last); o.Add(0, last); }
                }
            }
        }
        var charCounts = new Dictionary<string, double>();
        for (int w = 0; w < words.Length; w++)
            foreach (var r in words[w].EnumerateRunes()) charCounts[r.ToString()] = charCounts.GetValueOrDefault(r.ToString()) + counts[w];
        var seed = required.Select(c => (c, charCounts[c])).ToList();
        foreach (var (s, score) in substrings
            .Where(kv => kv.Value.Branching)
            .Select(kv => (kv.Key, Score: (double)kv.Value.Count * kv.Key.EnumerateRunes().Count()))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, options.SeedSize - seed.Count)))
            seed.Add((s, score));
        double logSum = Math.Log(seed.Sum(x => x.Item2));
        return seed.Select(x => (x.Item1, Math.Log(x.Item2) - logSum)).ToList();
    }

    // one EM iteration: expected counts over all segmentations, then the digamma M-step
    List<(string Piece, double Score)> EmStep(List<(string Piece, double Score)> pieces, string[] words, double[] counts)
    {
        var lattice = new UnigramLattice(pieces.Select(p => p.Piece).ToList(), pieces.Select(p => p.Score).ToList());
        var expected = new double[pieces.Count];
        for (int w = 0; w < words.Length; w++) lattice.AddMarginals(words[w], counts[w], expected);
        var kept = new List<(string, double)>();
        double sum = 0;
        for (int i = 0; i < pieces.Count; i++)
        {
            if (expected[i] < ExpectedCountThreshold) continue;
            kept.Add((pieces[i].Piece, expected[i]));
            sum += expected[i];
        }
        double logSum = Digamma(sum);
        return kept.Select(p => (p.Item1, Digamma(p.Item2) - logSum)).ToList();
    }

    // SentencePiece's PruneSentencePieces: drop the pieces whose removal costs the corpus least likelihood
    List<(string Piece, double Score)> Prune(List<(string Piece, double Score)> pieces, string[] words, double[] counts, int desired)
    {
        var lattice = new UnigramLattice(pieces.Select(p => p.Piece).ToList(), pieces.Select(p => p.Score).ToList());
        var path = new List<LatticeEdge>();
        var alwaysKeep = new bool[pieces.Count];
        var alternatives = new int[pieces.Count][];
        for (int i = 0; i < pieces.Count; i++)
        {
            string p = pieces[i].Piece;
            alternatives[i] = [];
            bool singleChar = p.Length == 1 || (p.Length == 2 && char.IsSurrogatePair(p, 0));
            lattice.Viterbi(p, path);
            if (singleChar) { alwaysKeep[i] = true; continue; }    // no other segmentation
            if (path.Count >= 2) continue;                          // its own best segmentation is split: removable
            alwaysKeep[i] = true;
            lattice.Viterbi(p, path, excluded: i);                  // the second-best segmentation
            if (path.All(e => e.Piece >= 0)) alternatives[i] = [.. path.Select(e => e.Piece)];
        }
        // the Viterbi counts of the corpus, and the words each piece is used in
        var freq = new double[pieces.Count];
        var wordsUsing = new List<int>[pieces.Count];
        for (int i = 0; i < pieces.Count; i++) wordsUsing[i] = [];
        double wordTotal = 0;
        for (int w = 0; w < words.Length; w++)
        {
            wordTotal += counts[w];
            lattice.Viterbi(words[w], path);
            foreach (var e in path)
                if (e.Piece >= 0) { freq[e.Piece] += counts[w]; wordsUsing[e.Piece].Add(w); }
        }
        double sum = freq.Sum(), logSum = Math.Log(sum);
        var kept = new List<(string, double)>();
        var candidates = new List<(int Piece, double Loss)>();
        for (int i = 0; i < pieces.Count; i++)
        {
            if (freq[i] == 0 || !alwaysKeep[i]) continue;
            if (alternatives[i].Length == 0) { kept.Add(pieces[i]); continue; }
            double f = wordsUsing[i].Sum(w => counts[w]) / wordTotal;
            double logProbPiece = Math.Log(freq[i]) - logSum;
            // without piece i its count goes to each of its alternatives: sum grows by freq[i] (alternatives - 1)
            double logSumAlt = Math.Log(sum + freq[i] * (alternatives[i].Length - 1));
            double logProbAlt = 0;
            foreach (int a in alternatives[i]) logProbAlt += Math.Log(freq[a] + freq[i]) - logSumAlt;
            candidates.Add((i, f * (logProbPiece - logProbAlt)));
        }
        int size = Math.Max(desired, (int)(options.ShrinkingFactor * pieces.Count));
        foreach (var (i, _) in candidates.OrderByDescending(c => c.Loss).ThenBy(c => c.Piece))
        {
            if (kept.Count >= size) break;
            kept.Add(pieces[i]);
        }
        return kept;
    }

    // every covered character (a dropped one at the lowest score, a little lower for each rarer one), then the best-scored pieces
    UnigramTokenizer Finalize(List<(string Piece, double Score)> pieces, List<string> required, int target)
    {
        var scores = pieces.ToDictionary(p => p.Piece, p => p.Score);
        double min = pieces.Min(p => p.Score), penalty = 0;
        var final = new Dictionary<string, double>();
        foreach (var c in required)
        {
            if (scores.TryGetValue(c, out double s)) final[c] = s;
            else { final[c] = min + penalty; penalty -= 0.0001; }
        }
        foreach (var (piece, score) in pieces.OrderByDescending(p => p.Score).ThenBy(p => p.Piece, StringComparer.Ordinal))
        {
            if (final.Count >= target) break;
            final.TryAdd(piece, score);
        }
        var vocabulary = new List<UnigramPiece>
        {
            new(UnigramTokenizer.Unknown, 0, UnigramPieceKind.Unknown),
            new(UnigramTokenizer.Begin, 0, UnigramPieceKind.Control),
            new(UnigramTokenizer.End, 0, UnigramPieceKind.Control),
        };
        if (options.ByteFallback)
            for (int b = 0; b < 256; b++) vocabulary.Add(new(UnigramTokenizer.BytePiece((byte)b), 0, UnigramPieceKind.Byte));
        foreach (var (piece, score) in final.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            vocabulary.Add(new(piece, score));
        return new UnigramTokenizer(vocabulary, options.ByteFallback);
    }

    // ψ(x) by recurrence up to 7 and the asymptotic series (SentencePiece's Digamma)
    static double Digamma(double x)
    {
        double result = 0;
        for (; x < 7; x++) result -= 1 / x;
        x -= 0.5;
        double xx = 1 / x, xx2 = xx * xx, xx4 = xx2 * xx2;
        return result + Math.Log(x) + xx2 / 24 - 7.0 / 960 * xx4 + 31.0 / 8064 * xx4 * xx2 - 127.0 / 30720 * xx4 * xx4;
    }
}
