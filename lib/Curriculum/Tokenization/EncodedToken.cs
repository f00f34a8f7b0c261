namespace Curriculum.Tokenization;

/// <summary>One token of an encoding: its id, its text, and the characters of the input it came from
/// (as Microsoft.ML.Tokenizers' EncodedToken). A byte-level token holding part of a character shows
/// U+FFFD in <see cref="Value"/> and covers that whole character in <see cref="Offset"/>.</summary>
public readonly record struct EncodedToken(int Id, string Value, Range Offset);
