namespace Curriculum.Optim;

/// <summary>
/// A learning rate as a pure function of the optimiser step (0-based: the LR used for the update
/// that turns step <c>s</c> into <c>s + 1</c>). PyTorch's <c>LRScheduler</c> keeps this as state
/// and advances it with <c>scheduler.step()</c>; here the step is the argument, so a resumed run
/// needs nothing but the step counter.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (&gt;= 0).</summary>
    double LearningRate(long step);

    /// <summary>One line in words, for a notebook or a log: the phases and their step ranges.</summary>
    string Describe();
}
