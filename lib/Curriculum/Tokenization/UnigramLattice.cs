namespace Curriculum.Tokenization;

/// <summary>One piece of a segmentation: characters [Start, End) of the normalized text, and the piece's
/// index in the lattice's list, or -1 for one character no piece covers (an unknown character).</summary>
public readonly record struct LatticeEdge(int Start, int End, int Piece);

/// <summary>
/// The segmentation lattice of a Unigram language model (Kudo 2018, arXiv:1804.10959): every way of
/// writing a text as a sequence of pieces, each piece scored by its log-probability, so a segmentation's
/// log-probability is the sum of its pieces'. A character no piece covers is an edge of its own scored
/// min score - 10 (SentencePiece's kUnkPenalty). <see cref="Viterbi"/> finds the best segmentation
/// (SentencePiece's and Hugging Face's tie rule: for each end, the earliest start wins);
/// <see cref="AddMarginals"/> is the E-step of training (forward-backward).
/// </summary>
public sealed class UnigramLattice
{
    public const double UnknownPenalty = 10.0;
    const int PrefixOnly = -1;

    // every piece, and every proper prefix of one (as PrefixOnly), so a scan stops where no piece continues
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    readonly double[] _scores;
    readonly int _maxLength;

    /// <param name="pieces">The pieces the text may be cut into (empty strings and duplicates are errors).</param>
    /// <param name="scores">Log-probability of each piece.</param>
    public UnigramLattice(IReadOnlyList<string> pieces, IReadOnlyList<double> scores)
    {
        if (pieces.Count != scores.Count) throw new ArgumentException($"{pieces.Count} pieces but {scores.Count} scores");
        var index = new Dictionary<string, int>(pieces.Count * 4);
        _scores = new double[pieces.Count];
        double min = double.PositiveInfinity;
        for (int i = 0; i < pieces.Count; i++)
        {
            string p = pieces[i];
            if (p.Length == 0) throw new ArgumentException($"piece {i} is empty");
            if (index.TryGetValue(p, out int other) && other != PrefixOnly) throw new ArgumentException($"piece '{p}' appears twice (at {other} and {i})");
            index[p] = i;
            for (int k = 1; k < p.Length; k++) index.TryAdd(p[..k], PrefixOnly);
            _scores[i] = scores[i];
            min = Math.Min(min, scores[i]);
            _maxLength = Math.Max(_maxLength, p.Length);
        }
        _lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
        UnknownScore = (pieces.Count == 0 ? 0 : min) - UnknownPenalty;
    }

    /// <summary>The score of a character no piece covers: the lowest piece score - 10.</summary>
    public double UnknownScore { get; }

    /// <summary>The index of a piece, or -1.</summary>
    public int Find(ReadOnlySpan<char> piece) => _lookup.TryGetValue(piece, out int i) ? i : -1;

    /// <summary>The best segmentation of <paramref name="text"/> into <paramref name="path"/> (cleared first), never
    /// using piece <paramref name="excluded"/>; returns its log-probability.</summary>
    public double Viterbi(ReadOnlySpan<char> text, List<LatticeEdge> path, int excluded = -1)
    {
        int n = text.Length;
        var best = new double[n + 1];
        var from = new int[n + 1];
        var piece = new int[n + 1];
        Array.Fill(from, -1);
        from[0] = 0;
        for (int start = 0; start < n;)
        {
            int charLength = CharLength(text, start);
            bool single = false;
            for (int end = start + 1; end <= Math.Min(n, start + _maxLength); end++)
            {
                if (!_lookup.TryGetValue(text[start..end], out int id)) break;
                if (id == PrefixOnly || id == excluded) continue;
                double score = best[start] + _scores[id];
                if (from[end] == -1 || score > best[end]) { best[end] = score; from[end] = start; piece[end] = id; }
                if (end - start == charLength) single = true;
            }
            if (!single)
            {
                int end = start + charLength;
                double score = best[start] + UnknownScore;
                if (from[end] == -1 || score > best[end]) { best[end] = score; from[end] = start; piece[end] = -1; }
            }
            start += charLength;
        }
        path.Clear();
        for (int end = n; end > 0; end = from[end]) path.Add(new LatticeEdge(from[end], end, piece[end]));
        path.Reverse();
        return best[n];
    }

    /// <summary>Forward-backward: adds <paramref name="weight"/> x the posterior probability of each piece's edges
    /// to <paramref name="expected"/> (unknown characters count nowhere); returns log Z, the log-probability of the
    /// text summed over all its segmentations.</summary>
    public double AddMarginals(ReadOnlySpan<char> text, double weight, double[] expected)
    {
        int n = text.Length;
        var edges = new List<(int Start, int End, int Id, double Score)>();
        var alpha = new double[n + 1];
        Array.Fill(alpha, double.NegativeInfinity);
        alpha[0] = 0;
        for (int start = 0; start < n;)
        {
            int charLength = CharLength(text, start);
            bool single = false;
            for (int end = start + 1; end <= Math.Min(n, start + _maxLength); end++)
            {
                if (!_lookup.TryGetValue(text[start..end], out int id)) break;
                if (id == PrefixOnly) continue;
                edges.Add((start, end, id, _scores[id]));
                if (end - start == charLength) single = true;
            }
            if (!single) edges.Add((start, start + charLength, -1, UnknownScore));
            start += charLength;
        }
        // edges are in order of start: forward over them, backward over them reversed
        foreach (var e in edges) alpha[e.End] = LogAddExp(alpha[e.End], alpha[e.Start] + e.Score);
        var beta = new double[n + 1];
        Array.Fill(beta, double.NegativeInfinity);
        beta[n] = 0;
        for (int k = edges.Count - 1; k >= 0; k--)
        {
            var e = edges[k];
            beta[e.Start] = LogAddExp(beta[e.Start], e.Score + beta[e.End]);
        }
        double z = alpha[n];
        foreach (var e in edges)
            if (e.Id >= 0) expected[e.Id] += weight * Math.Exp(alpha[e.Start] + e.Score + beta[e.End] - z);
        return z;
    }

    static int CharLength(ReadOnlySpan<char> text, int at) =>
        at + 1 < text.Length && char.IsHighSurrogate(text[at]) && char.IsLowSurrogate(text[at + 1]) ? 2 : 1;

    static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        return Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
    }
}
