using System.Text;

namespace Curriculum.Tokenization;

/// <summary>Settings of <see cref="BpeTrainer"/>.</summary>
/// <param name="VocabularySize">Target size: special tokens + 256 bytes + merges.</param>
/// <param name="MinFrequency">A pair seen fewer times than this is never merged (training may stop short of the size).</param>
/// <param name="SpecialTokens">Given ids 0, 1, ... in order; never split and never merged into.</param>
/// <param name="Pattern">The pre-tokenizer: merges never cross its pieces.</param>
public sealed record BpeTrainerOptions(
    int VocabularySize,
    long MinFrequency = 2,
    IReadOnlyList<string>? SpecialTokens = null,
    PreTokenizerPattern Pattern = PreTokenizerPattern.Gpt2);

/// <summary>
/// Learns a byte-level BPE vocabulary (as Hugging Face's BpeTrainer with the ByteLevel pre-tokenizer):
/// count the pre-tokenizer's pieces over the corpus, start from the 256 bytes, and merge the most
/// frequent adjacent pair until the vocabulary has the requested size (<see cref="PairMergeLearner"/>).
/// </summary>
public sealed class BpeTrainer(BpeTrainerOptions options, IProgress<TrainingProgress>? progress = null)
{
    readonly Dictionary<string, long> _pieceCounts = [];
    readonly PreTokenizer _preTokenizer = PreTokenizer.For(options.Pattern);

    public BpeTrainerOptions Options => options;

    /// <summary>Invalid UTF-8 sequences replaced by U+FFFD in the files read so far.</summary>
    public int InvalidUtf8Sequences { get; private set; }

    /// <summary>Counts the pieces of <paramref name="text"/> (special tokens in it are skipped).</summary>
    public void AddText(ReadOnlySpan<char> text)
    {
        var lookup = _pieceCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        var specials = options.SpecialTokens ?? [];
        while (!text.IsEmpty)
        {
            // cut at the first special token so it is not learned as text
            int cut = text.Length, skip = 0;
            foreach (var s in specials)
            {
                int at = text.IndexOf(s, StringComparison.Ordinal);
                if (at >= 0 && at < cut) { cut = at; skip = s.Length; }
            }
            var part = text[..cut];
            for (int i = 0; i < part.Length;)
            {
                int e = _preTokenizer.PieceEnd(part, i);
                var piece = part[i..e];
                lookup[piece] = lookup.TryGetValue(piece, out long c) ? c + 1 : 1;
                i = e;
            }
            text = text[Math.Min(text.Length, cut + skip)..];
        }
    }

    /// <summary>Counts the pieces of each file (UTF-8; invalid sequences become U+FFFD and are counted).</summary>
    public void AddFiles(IEnumerable<string> paths) => InvalidUtf8Sequences += Utf8TextFile.CountFiles(paths, text => AddText(text), progress);

    /// <summary>Learns the merges and returns the tokenizer.</summary>
    public BpeTokenizer Train()
    {
        var specials = options.SpecialTokens ?? [];
        int firstByte = specials.Count, firstMerge = firstByte + 256;
        if (options.VocabularySize < firstMerge)
            throw new ArgumentException($"vocabulary size {options.VocabularySize} is below {firstMerge} (special tokens + 256 bytes)");
        var words = new int[_pieceCounts.Count][];
        var lengths = new int[words.Length];
        var counts = new long[words.Length];
        int w = 0;
        foreach (var (piece, count) in _pieceCounts)
        {
            var bytes = Encoding.UTF8.GetBytes(piece);
            var ids = new int[bytes.Length];
            for (int i = 0; i < bytes.Length; i++) ids[i] = firstByte + bytes[i];
            words[w] = ids; lengths[w] = ids.Length; counts[w] = count;
            w++;
        }
        var vocabulary = new List<byte[]?>();
        var specialIds = new Dictionary<string, int>();
        foreach (var s in specials) { specialIds[s] = vocabulary.Count; vocabulary.Add(null); }
        var known = new ByteSequenceMap(options.VocabularySize);
        for (int b = 0; b < 256; b++) { known.Set([(byte)b], vocabulary.Count); vocabulary.Add([(byte)b]); }
        (int, bool) Merged(int a, int b)
        {
            byte[] t = [.. vocabulary[a]!, .. vocabulary[b]!];
            int id = known.Get(t);
            if (id >= 0) return (id, false);
            known.Set(t, vocabulary.Count);
            vocabulary.Add(t);
            return (vocabulary.Count - 1, true);
        }
        var learned = PairMergeLearner.Learn(words, lengths, counts, Merged, options.VocabularySize - firstMerge, options.MinFrequency, progress);
        var merges = new List<(int, int)>(learned.Count);
        foreach (var (a, b, _) in learned) merges.Add((a, b));
        return BpeTokenizer.FromMerges(_preTokenizer, vocabulary, merges, specialIds);
    }
}
