namespace Curriculum.Training;

/// <summary>
/// Loss-spike handling: a spike is a loss above mean + <see cref="K"/>·std of the last <see cref="Window"/> accepted
/// losses; <see cref="Policy"/> says what to do. A rollback multiplies the LR by <see cref="RollbackLrFactor"/>
/// (for the rest of the run); more than <see cref="MaxRollbacks"/> rollbacks stop the run.
/// </summary>
public sealed record SpikeGuard(
    int Window = 50,
    double K = 4.0,
    SpikePolicy Policy = SpikePolicy.Log,
    double RollbackLrFactor = 0.5,
    int MaxRollbacks = 5);
