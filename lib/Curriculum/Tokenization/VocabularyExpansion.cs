namespace Curriculum.Tokenization;

/// <summary>The expanded tokenizer and, for each added token, the old tokenizer's pieces it replaces.</summary>
/// <param name="Tokenizer">Every old id keeps its token; added tokens get ids from <paramref name="FirstAddedId"/> on.</param>
/// <param name="OldPieces">Added id -> the ids the old tokenizer splits that token's bytes into (to initialise
/// its embedding row, e.g. as the mean of theirs).</param>
public sealed record VocabularyExpansionResult(BpeTokenizer Tokenizer, int FirstAddedId, IReadOnlyDictionary<int, int[]> OldPieces)
{
    public int AddedTokens => OldPieces.Count;
}

/// <summary>
/// Vocabulary expansion (Chinese-LLaMA, Cui et al. 2023: +17,953 tokens on LLaMA's 32k; BELLE): train a
/// tokenizer on the new corpus, then append its tokens and merges to the old tokenizer, keeping every old id.
/// Merges of the new tokenizer come after all old ones, so the old merges still apply first.
/// </summary>
public static class VocabularyExpansion
{
    /// <summary>Appends <paramref name="extra"/>'s tokens (and merges, for a merges-list tokenizer) to
    /// <paramref name="original"/>. Both must split text with the same pre-tokenizer.</summary>
    public static VocabularyExpansionResult Expand(BpeTokenizer original, BpeTokenizer extra)
    {
        if (original.PreTokenizer.Kind != extra.PreTokenizer.Kind)
            throw new ArgumentException($"the tokenizers split text differently ({original.PreTokenizer.Kind} vs {extra.PreTokenizer.Kind}); train the new one with the old one's pattern");
        var vocabulary = new List<byte[]?>();
        for (int id = 0; id < original.VocabularySize; id++)
            vocabulary.Add(id < original.Vocabulary.Count ? original.Vocabulary[id] : null);
        var index = new ByteSequenceMap(vocabulary.Count * 2);
        for (int id = 0; id < vocabulary.Count; id++)
            if (vocabulary[id] is { } t) index.Set(t, id);
        int firstAdded = vocabulary.Count;
        var oldPieces = new Dictionary<int, int[]>();

        int IdOf(byte[] token)
        {
            int id = index.Get(token);
            if (id >= 0) return id;
            id = vocabulary.Count;
            vocabulary.Add(token);
            index.Set(token, id);
            oldPieces[id] = [.. original.EncodeBytes(token)];
            return id;
        }

        if (original.Merges == null)
        {
            // tiktoken's rule: a token's rank is its id, so appending tokens in the new tokenizer's order suffices
            foreach (var token in TokensInOrder(extra)) IdOf(token);
            return new VocabularyExpansionResult(BpeTokenizer.FromRanks(original.PreTokenizer, vocabulary, original.SpecialTokens), firstAdded, oldPieces);
        }
        var merges = new List<(int, int)>(original.Merges);
        var known = new HashSet<(int, int)>(original.Merges);
        if (extra.Merges == null) throw new ArgumentException("a merges-list tokenizer can only be expanded with another merges-list tokenizer (a trained one)");
        foreach (var (a, b) in extra.Merges)
        {
            int left = IdOf(extra.TokenBytes(a)!), right = IdOf(extra.TokenBytes(b)!);
            IdOf([.. extra.TokenBytes(a)!, .. extra.TokenBytes(b)!]);
            if (known.Add((left, right))) merges.Add((left, right));
        }
        return new VocabularyExpansionResult(BpeTokenizer.FromMerges(original.PreTokenizer, vocabulary, merges, original.SpecialTokens), firstAdded, oldPieces);
    }

    // the multi-byte tokens of a tokenizer in id order (its merge order for a trained one)
    static IEnumerable<byte[]> TokensInOrder(BpeTokenizer t)
    {
        for (int id = 0; id < t.Vocabulary.Count; id++)
            if (t.Vocabulary[id] is { Length: > 1 } bytes) yield return bytes;
    }

    /// <summary>Tokens per character (Unicode scalar value) of <paramref name="texts"/>: lower is cheaper.</summary>
    public static double TokensPerCharacter(Tokenizer tokenizer, IEnumerable<string> texts)
    {
        long tokens = 0, chars = 0;
        foreach (var text in texts)
        {
            tokens += tokenizer.CountTokens(text);
            foreach (var _ in text.EnumerateRunes()) chars++;
        }
        return chars == 0 ? 0 : (double)tokens / chars;
    }
}
