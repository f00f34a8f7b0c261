namespace Curriculum.Training;

/// <summary>Training cannot go on: too many non-finite steps in a row, or too many rollbacks.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
