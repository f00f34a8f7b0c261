namespace Curriculum.Optim;

/// <summary>The same learning rate at every step (PyTorch: no scheduler; HF: <c>get_constant_schedule</c>).</summary>
public sealed record ConstantSchedule : ILearningRateSchedule
{
    public double Lr { get; }

    public ConstantSchedule(double lr)
    {
        ScheduleArguments.PositiveFinite(lr, nameof(lr));
        Lr = lr;
    }

    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        return Lr;
    }

    public string Describe() => $"constant {Lr:G4}";
}
