namespace Curriculum.Objectives;

/// <summary>Label conventions shared with PyTorch's <c>CrossEntropyLoss</c>.</summary>
public static class Labels
{
    /// <summary>A label the loss skips (PyTorch's default <c>ignore_index</c>).</summary>
    public const int IgnoreIndex = -100;
}
