using Curriculum.Objectives;
using Curriculum.Data;

namespace Curriculum.Tests.Objectives;

public class CausalLmAndScheduleTests
{
    [Fact]
    public void TargetsAreTheInputsShiftedByOne()
    {
        var e = new CausalLmCollator().FromWindow([5, 6, 7, 8, 9]);
        Assert.Equal(new[] { 5, 6, 7, 8 }, e.InputIds);
        Assert.Equal(new[] { 6, 7, 8, 9 }, e.Targets);
        Assert.Equal(new[] { 0, 1, 2, 3 }, e.PositionIds);
    }

    [Fact]
    public void DocumentBoundariesAreNotPredictedAcrossAndPositionsRestart()
    {
        // Two packed documents: "a b EOS" (doc 0) then "c d e" (doc 1).
        var c = new CausalLmCollator(padTokenId: 0);
        var e = c.FromWindow([11, 12, 2, 21, 22, 23], [0, 0, 0, 1, 1, 1]);
        Assert.Equal(new[] { 11, 12, 2, 21, 22 }, e.InputIds);
        Assert.Equal(new[] { 12, 2, -100, 22, 23 }, e.Targets);   // EOS does not predict the next document's first token
        Assert.Equal(new[] { 0, 1, 2, 0, 1 }, e.PositionIds);
        var batch = c.Collate([[11, 12, 2, 21, 22, 23], [31, 32, 33]], [[0, 0, 0, 1, 1, 1], [4, 4, 4]]);
        Assert.Equal(new[] { 32, 33, -100, -100, -100 }, batch.Targets.Row(1).ToArray());
        Assert.Equal(new[] { 31, 32, 0, 0, 0 }, batch.InputIds.Row(1).ToArray());
        Assert.True(batch.CanAttend(0, 2, 0));
        Assert.False(batch.CanAttend(0, 3, 2));   // across documents
        Assert.False(batch.CanAttend(0, 2, 3));   // the future
        Assert.True(batch.CanAttend(0, 4, 3));
        Assert.False(batch.CanAttend(1, 2, 1));   // a padded query
    }

    [Fact]
    public void AlternatingAndSequentialObjectiveSchedules()
    {
        var alternating = new AlternatingObjectiveSchedule(0, 1);
        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, Enumerable.Range(0, 5).Select(i => alternating.ObjectiveAt(i)).ToArray());
        var twoToOne = new AlternatingObjectiveSchedule(0, 0, 1);
        Assert.Equal(new[] { 0, 0, 1, 0, 0, 1 }, Enumerable.Range(0, 6).Select(i => twoToOne.ObjectiveAt(i)).ToArray());
        var sequential = new SequentialObjectiveSchedule(3, 2);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 1 }, Enumerable.Range(0, 7).Select(i => sequential.ObjectiveAt(i)).ToArray());
        Assert.Equal(1, sequential.ObjectiveAt(1_000_000));
        Assert.Equal("sequential objectives, batches per objective [3, 2]", sequential.Describe());
        Assert.Equal("batchIndex", Assert.ThrowsAny<ArgumentException>(() => alternating.ObjectiveAt(-1)).ParamName);
    }

    [Fact]
    public void SplitMix64MatchesThePublishedTestVector()
    {
        var r = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, r.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, r.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, r.NextUInt64());
        var counts = new int[3];
        for (int i = 0; i < 30_000; i++) counts[r.NextInt(3)]++;
        double sd = Math.Sqrt(30_000 / 3.0 * 2 / 3);
        Assert.All(counts, c => Assert.InRange(c, 10_000 - 5 * sd, 10_000 + 5 * sd));
    }
}
