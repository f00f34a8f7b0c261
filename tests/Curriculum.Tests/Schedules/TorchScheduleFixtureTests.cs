using System.Text.Json;
using Curriculum.Optim;

namespace Curriculum.Tests.Schedules;

/// <summary>
/// Every schedule that PyTorch or Hugging Face also defines, against the LRs a real torch.optim.lr_scheduler gave
/// at every step (tests/fixtures/schedules/torch_schedules.json, made by tools/schedule_fixtures/make_schedule_fixtures.py).
/// </summary>
public class TorchScheduleFixtureTests
{
    static readonly JsonElement Cases = LoadCases();

    static JsonElement LoadCases()
    {
        var path = Path.Combine(RepoPaths.Fixtures, "schedules", "torch_schedules.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void FixtureCoversEveryTorchComparableSchedule()
    {
        var kinds = new HashSet<string>();
        foreach (var c in Cases.EnumerateArray()) kinds.Add(c.GetProperty("schedule").GetString()!);
        Assert.Equal(new HashSet<string> { "WarmupLinearDecay", "WarmupCosineDecay", "WarmupInverseSqrtDecay", "CosineWithRestarts", "WarmupStableDecay" }, kinds);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTorchAtEveryStep(string name)
    {
        JsonElement c = default;
        foreach (var e in Cases.EnumerateArray()) if (e.GetProperty("name").GetString() == name) c = e;
        var schedule = Build(c.GetProperty("schedule").GetString()!, c.GetProperty("params"));
        var expected = c.GetProperty("lr");
        Assert.True(expected.GetArrayLength() > 50);
        long step = 0;
        foreach (var lr in expected.EnumerateArray())
        {
            double want = lr.GetDouble(), got = schedule.LearningRate(step);
            double tolerance = 1e-9 * Math.Abs(want) + 1e-18;
            Assert.True(Math.Abs(got - want) <= tolerance, $"{name} step {step}: got {got:R}, torch {want:R}");
            step++;
        }
    }

    static ILearningRateSchedule Build(string kind, JsonElement p)
    {
        double D(string n) => p.GetProperty(n).GetDouble();
        long L(string n) => p.GetProperty(n).GetInt64();
        return kind switch
        {
            "WarmupLinearDecay" => new WarmupLinearDecaySchedule(D("peakLr"), L("warmupSteps"), L("totalSteps"), D("minLr")),
            "WarmupCosineDecay" => new WarmupCosineDecaySchedule(D("peakLr"), L("warmupSteps"), L("totalSteps"), D("minLr")),
            "WarmupInverseSqrtDecay" => new WarmupInverseSqrtDecaySchedule(D("peakLr"), L("warmupSteps"),
                p.GetProperty("timescale").ValueKind == JsonValueKind.Null ? null : L("timescale")),
            "CosineWithRestarts" => new CosineWithRestartsSchedule(D("peakLr"), L("firstCycleSteps"), (int)L("cycleMultiplier"), D("minLr")),
            "WarmupStableDecay" => new WarmupStableDecaySchedule(D("peakLr"), L("warmupSteps"), L("stableSteps"), L("decaySteps"),
                Enum.Parse<DecayShape>(p.GetProperty("shape").GetString()!), D("minLr")),
            _ => throw new InvalidDataException("unknown schedule kind " + kind),
        };
    }
}
