namespace Curriculum.Training;

/// <summary>Receives a run's progress (a CLI progress line, a notebook display). Every method has a do-nothing default.</summary>
public interface ITrainingReporter
{
    /// <summary>Run starts at <paramref name="startStep"/> and will stop at <paramref name="endStep"/>.</summary>
    void Started(long startStep, long endStep) { }
    void StepCompleted(StepMetrics step) { }
    void Evaluated(EvalMetrics eval) { }
    void Incident(TrainingIncident incident) { }
    void Finished(long step) { }
}
