namespace Curriculum.Tokenization;

/// <summary>
/// A BERT input: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c> with token type ids 0 for the first
/// segment (and its [CLS], [SEP]) and 1 for the second (Hugging Face's Encoding: ids, type_ids, tokens,
/// offsets, attention_mask). Offsets of special tokens added here are empty (0..0).
/// </summary>
public sealed record BertEncoding(IReadOnlyList<int> Ids, IReadOnlyList<int> TypeIds, IReadOnlyList<string> Tokens,
    IReadOnlyList<Range> Offsets, IReadOnlyList<int> AttentionMask);
