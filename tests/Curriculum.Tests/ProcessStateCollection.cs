namespace Curriculum.Tests;

/// <summary>
/// Tests that touch process-wide state (the working folder a notebook runs in, the figure
/// snapshot setting, the console) run in this collection, one at a time, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class ProcessStateCollection
{
    public const string Name = "process-wide state";
}
