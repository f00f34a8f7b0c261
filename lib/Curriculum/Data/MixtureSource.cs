namespace Curriculum.Data;

/// <summary>A named source of training text: how many tokens it holds and its sampling weight
/// (the share of the training tokens drawn from it).</summary>
public sealed record MixtureSource(string Name, long Tokens, double Weight);
