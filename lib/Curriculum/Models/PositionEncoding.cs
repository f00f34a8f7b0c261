namespace Curriculum.Models;

/// <summary>How an encoder knows where each token is: a learned vector per position (BERT) or a learned attention bias per distance (T5).</summary>
public enum PositionEncoding
{
    /// <summary>A learned embedding per absolute position, added to the token embedding (Devlin et al. 2019).</summary>
    Absolute,
    /// <summary>
    /// A learned scalar per head and relative-distance bucket added to the attention scores, one table shared by every
    /// layer (Raffel et al. 2020, T5; Shaw et al. 2018): "the token just before" is one bucket for every position.
    /// </summary>
    RelativeBias,
}
