using Curriculum.Data;
namespace Curriculum.Objectives;

/// <summary>Segment A and segment B of a BERT example; <see cref="IsRandomNext"/> when B was taken from another document.</summary>
public sealed record SentencePair(int[] TokensA, int[] TokensB, bool IsRandomNext);

/// <summary>
/// Next-sentence-prediction pairs as BERT's create_pretraining_data.py builds them (create_instances_from_document):
/// sentences of a document are gathered into a chunk up to a target length (max length - 3 for [CLS] A [SEP] B [SEP],
/// shorter with probability <see cref="ShortSequenceProbability"/>); A is the chunk's first 1..k-1 sentences; with
/// probability 1/2 (always, if the chunk is one sentence) B is a run of sentences from another document, starting at a
/// random sentence, and the unused sentences go back to the document; otherwise B is the rest of the chunk.
/// The pair is then trimmed to fit, one token at a time from the longer side, front or back at random.
/// </summary>
public sealed class NextSentencePairBuilder
{
    public int MaxSequenceLength { get; }
    public double ShortSequenceProbability { get; }
    public SplitMix64 Random { get; }

    public NextSentencePairBuilder(int maxSequenceLength, ulong seed, double shortSequenceProbability = 0.1)
    {
        if (maxSequenceLength < 5)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength, $"{nameof(maxSequenceLength)} must be >= 5 ([CLS] A [SEP] B [SEP]).");
        ObjectiveArguments.Rate(shortSequenceProbability, nameof(shortSequenceProbability));
        (MaxSequenceLength, ShortSequenceProbability) = (maxSequenceLength, shortSequenceProbability);
        Random = new SplitMix64(seed);
    }

    /// <summary>Pairs from every document in order. <paramref name="documents"/>[d][s] is sentence s of document d, as token ids.</summary>
    public List<SentencePair> CreatePairs(IReadOnlyList<IReadOnlyList<int[]>> documents)
    {
        var pairs = new List<SentencePair>();
        for (int d = 0; d < documents.Count; d++) pairs.AddRange(CreatePairs(documents, d));
        return pairs;
    }

    /// <summary>Pairs from document <paramref name="documentIndex"/>; random B segments come from the other documents.</summary>
    public List<SentencePair> CreatePairs(IReadOnlyList<IReadOnlyList<int[]>> documents, int documentIndex)
    {
        if (documents.Count < 2)
            throw new ArgumentException($"next-sentence pairs need at least 2 documents (random B comes from another one), got {documents.Count}.", nameof(documents));
        var document = documents[documentIndex];
        int maxTokens = MaxSequenceLength - 3;
        int targetLength = maxTokens;
        if (Random.NextDouble() < ShortSequenceProbability) targetLength = Random.NextIntInclusive(2, maxTokens);

        var pairs = new List<SentencePair>();
        var chunk = new List<int[]>();
        int chunkLength = 0;
        for (int i = 0; i < document.Count; i++)
        {
            chunk.Add(document[i]);
            chunkLength += document[i].Length;
            if (i != document.Count - 1 && chunkLength < targetLength) continue;

            int aEnd = chunk.Count >= 2 ? Random.NextIntInclusive(1, chunk.Count - 1) : 1;
            var a = new List<int>();
            for (int j = 0; j < aEnd; j++) a.AddRange(chunk[j]);
            var b = new List<int>();
            bool isRandomNext = chunk.Count == 1 || Random.NextDouble() < 0.5;
            if (isRandomNext)
            {
                int targetB = targetLength - a.Count;
                // Another document, uniformly (BERT tries up to 10 draws to avoid its own).
                int other = Random.NextInt(documents.Count - 1);
                if (other >= documentIndex) other++;
                var randomDocument = documents[other];
                if (randomDocument.Count > 0)
                    for (int j = Random.NextInt(randomDocument.Count); j < randomDocument.Count; j++)
                    {
                        b.AddRange(randomDocument[j]);
                        if (b.Count >= targetB) break;
                    }
                i -= chunk.Count - aEnd; // the unused sentences of this chunk start the next one
            }
            else
            {
                for (int j = aEnd; j < chunk.Count; j++) b.AddRange(chunk[j]);
            }
            TruncatePair(a, b, maxTokens);
            if (a.Count >= 1 && b.Count >= 1) pairs.Add(new SentencePair(a.ToArray(), b.ToArray(), isRandomNext));
            chunk.Clear();
            chunkLength = 0;
        }
        return pairs;
    }

    /// <summary>BERT's truncate_seq_pair: drop one token at a time from the longer side, from its front or back at random.</summary>
    void TruncatePair(List<int> a, List<int> b, int maxTokens)
    {
        while (a.Count + b.Count > maxTokens)
        {
            var longer = a.Count > b.Count ? a : b;
            if (Random.NextDouble() < 0.5) longer.RemoveAt(0);
            else longer.RemoveAt(longer.Count - 1);
        }
    }
}
