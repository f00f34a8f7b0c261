namespace Curriculum.Tokenization;

/// <summary>Where a tokenizer trainer is: "counting" (bytes read of the total) or "merging" (merges learned of the target).</summary>
public readonly record struct TrainingProgress(string Stage, long Done, long Total);
