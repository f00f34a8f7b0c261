using Curriculum.Training;

namespace Curriculum.Cli;

/// <summary>
/// What a resumed pre-training run would do differently from the run that wrote its checkpoint: another learning-rate
/// schedule (its peak, warm-up or decay: another LR at some step) or another step budget. Branching from a checkpoint
/// is a real use (a WSD decay from a stable checkpoint), so the changes go on with <c>--allow-changes</c>; without it
/// they are exit 2, so that an edited run.json does not quietly become another run.
/// </summary>
static class ResumeChanges
{
    /// <summary>Each difference as "what: was X, now Y"; empty when the plan is the same.</summary>
    public static List<string> Between(TrainerState saved, RunConfig cfg)
    {
        var changes = new List<string>();
        string schedule = cfg.Schedule.Describe();
        if (saved.Schedule != schedule) changes.Add($"$.lr_schedule / $.optimizer.lr: was \"{saved.Schedule}\", now \"{schedule}\"");
        if (saved.TotalSteps is long steps && steps != cfg.Steps) changes.Add($"$.training.steps: was {steps}, now {cfg.Steps}");
        return changes;
    }

    /// <summary>Prints the changes; throws <see cref="UsageException"/> unless they are allowed.</summary>
    public static void Check(LoadedCheckpoint loaded, RunConfig cfg, bool allow)
    {
        var changes = Between(loaded.Checkpoint.State, cfg);
        if (changes.Count == 0) return;
        string list = string.Join(Environment.NewLine, changes.Select(c => "  " + c));
        if (!allow)
            throw new UsageException($"{cfg.File} differs from the run that wrote {loaded.Path}:{Environment.NewLine}{list}{Environment.NewLine}"
                + "pass --allow-changes to continue with the new values (a branch), or restore them to resume the same run.");
        Console.Error.WriteLine($"changed since {loaded.Path} (--allow-changes):{Environment.NewLine}{list}");
    }
}
