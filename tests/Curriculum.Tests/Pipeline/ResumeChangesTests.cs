namespace Curriculum.Tests.Pipeline;

/// <summary>
/// <c>pretrain --resume</c> with a run.json whose learning rate, schedule or step count changed since the checkpoint:
/// each change is named, and the run goes on only with <c>--allow-changes</c> (a branch), else exit 2.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class ResumeChangesTests(PretrainData data) : IClassFixture<PretrainData>
{
    [Fact]
    public void A_changed_plan_is_named_and_needs_allow_changes()
    {
        string run = PretrainRun.Write(data, "plan.json", "gpt", "fp32", steps: 8, checkpointEvery: 4, @out: "plan");
        PretrainRun.Ok("pretrain", "--config", run);
        Assert.DoesNotContain("changed since", PretrainRun.Ok("pretrain", "--config", run, "--resume").Stderr);   // the same plan resumes silently

        PretrainRun.Write(data, "plan.json", "gpt", "fp32", steps: 12, checkpointEvery: 4, @out: "plan", lr: "0.02");
        var refused = ProcessRunner.Curriculum("pretrain", "--config", run, "--resume");
        Assert.True(refused.ExitCode == 2, refused.Stderr);
        Assert.Contains($"{run} differs from the run that wrote {data.P("plan/checkpoints/ckpt-00000008.safetensors")}", refused.Stderr);
        Assert.Contains("$.lr_schedule / $.optimizer.lr: was \"linear warm-up 0 -> 0.01 over steps [0, 3), cosine decay to 0.001 at step 8\", "
            + "now \"linear warm-up 0 -> 0.02 over steps [0, 3), cosine decay to 0.002 at step 12\"", refused.Stderr);
        Assert.Contains("$.training.steps: was 8, now 12", refused.Stderr);
        Assert.Contains("--allow-changes", refused.Stderr);

        var branched = PretrainRun.Ok("pretrain", "--config", run, "--resume", "--allow-changes");
        Assert.Contains("$.training.steps: was 8, now 12", branched.Stderr);
        Assert.Contains("pretrain: 12 steps", branched.Stdout);
    }

    [Fact]
    public void A_changed_schedule_type_alone_is_a_change()
    {
        string run = PretrainRun.Write(data, "schedule.json", "gpt", "fp32", steps: 4, checkpointEvery: 4, @out: "schedule");
        PretrainRun.Ok("pretrain", "--config", run);
        PretrainRun.Write(data, "schedule.json", "gpt", "fp32", steps: 4, checkpointEvery: 4, @out: "schedule", schedule: "linear");
        var refused = ProcessRunner.Curriculum("pretrain", "--config", run, "--resume");
        Assert.True(refused.ExitCode == 2, refused.Stderr);
        Assert.Contains("cosine decay to 0.001 at step 4\", now \"", refused.Stderr);
        Assert.DoesNotContain("$.training.steps", refused.Stderr);
    }
}
