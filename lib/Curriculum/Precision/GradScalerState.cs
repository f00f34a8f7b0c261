namespace Curriculum.Precision;

/// <summary>What a checkpoint keeps of a <see cref="GradScaler"/>.</summary>
public readonly record struct GradScalerState(float Scale, int GrowthTracker);
