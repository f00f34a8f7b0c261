using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>The CLI progress line: text and ETA worked by hand with a fake clock.</summary>
public class ProgressLineTests
{
    static StepMetrics At(long step) => new(step, step * 1000, 3.21049, new Dictionary<string, double>(), 6e-4, 0.8123, 25_340, 0.04, true);

    [Theory]
    [InlineData(42.4, "42s")]
    [InlineData(88, "1m28s")]
    [InlineData(7500, "2h05m")]
    [InlineData(double.NaN, "?")]
    public void DurationsReadAsAPersonWouldSayThem(double seconds, string text) => Assert.Equal(text, ProgressLine.Duration(seconds));

    [Fact]
    public void EtaIsStepsLeftTimesSecondsPerStepSoFar()
    {
        double now = 100;
        var w = new StringWriter();
        var p = new ProgressLine(w, every: 10, inPlace: false, clock: () => now);
        p.Started(startStep: 100, endStep: 1000);
        now = 101;
        p.StepCompleted(At(105));                            // not a multiple of 10: nothing written
        now = 104;
        p.StepCompleted(At(120));                            // 20 steps in 4 s; 880 left -> 176 s
        Assert.Equal("step 120/1000 (12.0%)  loss 3.2105  lr 6.00e-04  |g| 0.812  25.3k tok/s  ETA 2m56s" + Environment.NewLine, w.ToString());
    }

    [Fact]
    public void InPlaceLinesAreRewrittenAndIncidentsGetTheirOwnLine()
    {
        double now = 0;
        var w = new StringWriter();
        var p = new ProgressLine(w, clock: () => now);
        p.Started(0, 10);
        now = 1;
        p.StepCompleted(At(1));
        p.Incident(new TrainingIncident(IncidentKind.Spike, 1, 9, 4, "batch skipped; no update"));
        string text = w.ToString();
        Assert.StartsWith("\rstep 1/10 (10.0%)", text);
        Assert.EndsWith(Environment.NewLine + "step 1: Spike: batch skipped; no update" + Environment.NewLine, text);
    }

    [Fact]
    public void EverySecondsWritesALongRunsProgressEverySoOftenAndAShortRunNothing()
    {
        double now = 0;
        var w = new StringWriter();
        var p = new ProgressLine(w, inPlace: false, clock: () => now, everySeconds: 30);
        p.Started(0, 100);
        for (int step = 1; step <= 100; step++) { now = step; p.StepCompleted(At(step)); }   // 1 s a step
        Assert.Equal(["step 30/100", "step 60/100", "step 90/100", "step 100/100"],
            w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));

        var quiet = new StringWriter();
        var q = new ProgressLine(quiet, inPlace: false, clock: () => now, everySeconds: 30);
        q.Started(0, 10);
        for (int step = 1; step <= 10; step++) { now += 1; q.StepCompleted(At(step)); }
        Assert.Equal("", quiet.ToString());
    }
}
