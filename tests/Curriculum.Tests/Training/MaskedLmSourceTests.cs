using System.Text.Json.Nodes;
using Curriculum.Objectives;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>Masks drawn with the data stream, and saved with its position, by <see cref="MaskedLmSource"/>.</summary>
public class MaskedLmSourceTests
{
    const int Vocab = 50, MaskId = 1, PadId = 0;

    static TokenWindowSource Windows() => new([Enumerable.Range(0, 400).Select(i => 2 + i * 7 % 48).ToArray()], batchSize: 4, seqLen: 16, seed: 5);
    static MaskedLmCollator Collator(ulong seed) => new(Vocab, MaskId, PadId, [], seed);

    [Fact]
    public void EachRowIsTheCollatorsMaskingOfTheInnerRow()
    {
        var source = new MaskedLmSource(Windows(), Collator(9));
        var plain = Windows();
        var byHand = Collator(9);
        for (int step = 0; step < 3; step++)
        {
            var masked = source.Next(0);
            var rows = plain.Next(0);
            Assert.Equal(rows.Sources, masked.Sources);
            for (int r = 0; r < 4; r++)
            {
                var expected = byHand.Mask(rows.Inputs.Data.AsSpan(r * 16, 16));
                Assert.Equal(expected.InputIds, masked.Inputs.Data.AsSpan(r * 16, 16).ToArray());
                Assert.Equal(expected.Labels, masked.Targets.Data.AsSpan(r * 16, 16).ToArray());
            }
            // 15% of 16 positions, rounded: 2 predicted per row; labels are the original ids there, ignored elsewhere
            Assert.Equal(8, masked.Targets.Data.Count(l => l != Labels.IgnoreIndex));
            for (int i = 0; i < masked.Targets.Numel; i++)
                if (masked.Targets.Data[i] != Labels.IgnoreIndex) Assert.Equal(rows.Inputs.Data[i], masked.Targets.Data[i]);
                else Assert.Equal(rows.Inputs.Data[i], masked.Inputs.Data[i]);
        }
    }

    [Fact]
    public void ASavedStateContinuesWithTheSameMasks()
    {
        var original = new MaskedLmSource(Windows(), Collator(9));
        original.Next(0);
        original.Next(0);
        var saved = original.SaveState();
        var expected = Enumerable.Range(0, 3).Select(_ => original.Next(0)).ToList();

        var resumed = new MaskedLmSource(Windows(), Collator(9));
        resumed.LoadState(JsonNode.Parse(saved.ToJsonString())!.AsObject(), "ckpt-2");
        foreach (var e in expected)
        {
            var b = resumed.Next(0);
            Assert.Equal(e.Inputs.Data, b.Inputs.Data);
            Assert.Equal(e.Targets.Data, b.Targets.Data);
        }
    }

    [Fact]
    public void AForeignOrBrokenStateIsRefusedAndChangesNothing()
    {
        var source = new MaskedLmSource(Windows(), Collator(9));
        var before = source.SaveState().ToJsonString();
        var windowsOnly = Windows().SaveState();
        var e = Assert.Throws<InvalidDataException>(() => source.LoadState(windowsOnly, "ckpt-7"));
        Assert.Contains("ckpt-7", e.Message);
        Assert.Contains("kind is 'TokenWindowSource'", e.Message);

        var otherBatch = new MaskedLmSource(new TokenWindowSource([Enumerable.Range(2, 400).ToArray()], 8, 16, seed: 5), Collator(3)).SaveState();
        otherBatch["mask_state"] = 12345UL;
        Assert.Throws<InvalidDataException>(() => source.LoadState(otherBatch, "ckpt-7"));   // batch size 8, not 4

        var noMask = source.SaveState();
        noMask.Remove("mask_state");
        Assert.Contains("mask_state", Assert.Throws<InvalidDataException>(() => source.LoadState(noMask, "ckpt-7")).Message);
        Assert.Equal(before, source.SaveState().ToJsonString());
    }
}
