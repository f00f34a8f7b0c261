namespace Curriculum.Tokenization;

/// <summary>
/// Text to ids and back, shaped like Microsoft.ML.Tokenizers' Tokenizer: EncodeToIds, EncodeToTokens,
/// Decode, CountTokens. Implementations are safe to use from several threads at once.
/// </summary>
public abstract class Tokenizer
{
    /// <summary>Number of rows an embedding needs: the largest id + 1.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>The ids of <paramref name="text"/> (no special tokens added).</summary>
    public abstract IReadOnlyList<int> EncodeToIds(string text);

    /// <summary>The tokens of <paramref name="text"/> with their ids and character offsets.</summary>
    public abstract IReadOnlyList<EncodedToken> EncodeToTokens(string text);

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public abstract string Decode(IEnumerable<int> ids);

    /// <summary>How many tokens <paramref name="text"/> encodes to.</summary>
    public virtual int CountTokens(string text) => EncodeToIds(text).Count;

    /// <summary>The id of a token given as it is written in the vocabulary, or null.</summary>
    public abstract int? TokenToId(string token);

    /// <summary>The vocabulary's spelling of an id, or null if the id is unused.</summary>
    public abstract string? IdToToken(int id);
}
