using Curriculum.Data;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>Windows, epochs, mixture weights by progress and the saved position of <see cref="TokenWindowSource"/>.</summary>
public class TokenWindowSourceTests
{
    static int[] Range(int start, int n) => Enumerable.Range(start, n).ToArray();

    [Fact]
    public void RowsAreWindowsOfTheStreamAndTargetsAreShiftedByOne()
    {
        var stream = Range(0, 41);                              // (41 - 1) / 4 = 10 windows of 5 tokens, starting every 4
        var src = new TokenWindowSource([stream], batchSize: 5, seqLen: 4, seed: 1);
        Assert.Equal(10, src.WindowsIn(0));
        var starts = new List<int>();
        for (int k = 0; k < 2; k++)
        {
            var b = src.Next(0);
            for (int r = 0; r < 5; r++)
            {
                int first = b.Inputs[r, 0];
                starts.Add(first);
                for (int t = 0; t < 4; t++)
                {
                    Assert.Equal(first + t, b.Inputs[r, t]);
                    Assert.Equal(first + t + 1, b.Targets[r, t]);
                }
            }
        }
        // One epoch: every window exactly once, in a shuffled order.
        Assert.Equal(Range(0, 10).Select(i => 4 * i), starts.Order());
        Assert.NotEqual(Range(0, 10).Select(i => 4 * i), starts);
        Assert.Equal(1.0, src.Epochs(0));
        Assert.Equal(20, src.Next(0).Tokens);
    }

    [Fact]
    public void MixtureWeightsFollowProgress()
    {
        var general = Range(0, 801);
        var hq = Range(1000, 801);
        var late = MixtureSchedule.LateHighQuality([1, 0], [0.25, 0.75], decayStart: 0.5);
        var src = new TokenWindowSource([general, hq], batchSize: 100, seqLen: 8, late, seed: 2, names: ["general", "hq"]);
        var early = src.Next(0.49);
        Assert.All(early.Sources, s => Assert.Equal(0, s));
        Assert.All(early.Inputs.Data, v => Assert.True(v < 1000));
        int hqRows = 0;
        for (int k = 0; k < 20; k++) hqRows += src.Next(0.9).Sources.Count(s => s == 1);
        // 2000 draws at p = 0.75: mean 1500, std sqrt(2000 * 0.75 * 0.25) = 19.4; 4 std either side.
        Assert.InRange(hqRows, 1500 - 78, 1500 + 78);
        Assert.Equal(hqRows, src.RowsDrawn(1));
        Assert.Equal(hqRows / 100.0, src.Epochs(1), 12);       // 100 windows of 8 in 801 tokens
    }

    [Fact]
    public void SavedStateContinuesWithTheSameBatchesAndForeignStateIsRefused()
    {
        TokenWindowSource Make() => new([Range(0, 200), Range(500, 90)], 6, 8, MixtureSchedule.Constant(0.5, 0.5), seed: 4, names: ["a", "b"]);
        var a = Make();
        for (int k = 0; k < 7; k++) a.Next(0.1);                 // past an epoch of stream b (11 windows)
        var state = a.SaveState();
        var expected = Enumerable.Range(0, 5).Select(_ => a.Next(0.2).Inputs.Data).ToList();
        var b = Make();
        b.LoadState(state, "ckpt");
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => b.Next(0.2).Inputs.Data));

        var other = new TokenWindowSource([Range(0, 200), Range(500, 91)], 6, 8, MixtureSchedule.Constant(0.5, 0.5), seed: 4, names: ["a", "b"]);
        var e = Assert.Throws<InvalidDataException>(() => other.LoadState(state, "ckpt"));
        Assert.Contains("stream 1 ('b'): 90 tokens, this stream has 91", e.Message);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Contains("fewer than one window", Assert.Throws<ArgumentException>(() => new TokenWindowSource([Range(0, 5)], 2, 8)).Message);
        Assert.Contains("mixture has 2 sources", Assert.Throws<ArgumentException>(() => new TokenWindowSource([Range(0, 50)], 2, 8, MixtureSchedule.Constant(1, 1))).Message);
    }
}
