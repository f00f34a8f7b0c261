namespace Curriculum.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void HelpNamesTheProgramCurriculumAndListsEveryCommand()
    {
        var r = ProcessRunner.Curriculum("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("curriculum [command] [options]", r.Stdout);
        Assert.DoesNotContain("Curriculum.Cli", r.Stdout);
        foreach (var command in new[] { "run", "assignment", "book", "data", "bench", "tokenizer", "pretrain", "finetune", "eval", "generate" })
            Assert.Matches($"(?m)^  {command}\\b", r.Stdout);
        Assert.Contains("curriculum bench engine [options]", ProcessRunner.Curriculum("bench", "engine", "--help").Stdout);
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("bench", "engine", "--config", "huge")]
    [InlineData("bench", "engine", "--no-such-option")]
    public void UsageErrorsExit2AndSayWhatWasWrong(params string[] args)
    {
        var r = ProcessRunner.Curriculum(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(args[^1], r.Stderr);
    }
}
