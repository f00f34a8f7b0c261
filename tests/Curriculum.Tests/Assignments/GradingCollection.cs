namespace Curriculum.Tests.Assignments;

/// <summary>
/// The tests that grade in kernel processes run one class at a time: each grading already runs two processes, and more
/// side by side on 2 cores would push honest cells past the per-cell time limit.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GradingCollection
{
    public const string Name = "Grading in kernel processes";
}
