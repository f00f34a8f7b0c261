namespace Curriculum.Training;

/// <summary>What the trainer does when a loss spike is detected (<see cref="SpikeDetector"/>).</summary>
public enum SpikePolicy
{
    /// <summary>Record it and take the step anyway.</summary>
    Log,
    /// <summary>Drop the batch: no optimiser update for this step (the data is consumed).</summary>
    SkipBatch,
    /// <summary>
    /// Restore the last good checkpoint, multiply the LR by <see cref="TrainerOptions.RollbackLrFactor"/> and skip
    /// the data between that checkpoint and the spike (PaLM, Chowdhery et al. 2022, section 5.1: restart about
    /// 100 steps before the spike and skip 200-500 batches).
    /// </summary>
    Rollback,
}
