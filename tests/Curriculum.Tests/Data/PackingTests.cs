using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class PackingTests
{
    [Fact]
    public void DocumentsAreJoinedWithEosAndCutIntoRows()
    {
        // Hand-worked: docs [1 2 3], [4 5], [6 7 8 9 10] with EOS 0 and seq_len 4:
        // stream 1 2 3 0 | 4 5 0 6 | 7 8 9 10 | 0 pad pad pad
        var packer = new SequencePacker(4, eosId: 0, padId: -1);
        var rows = packer.Pack([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]).ToList();
        Assert.Equal([1, 2, 3, 0], rows[0].Tokens);
        Assert.Equal([4, 5, 0, 6], rows[1].Tokens);
        Assert.Equal([1, 1, 1, 2], rows[1].DocumentIds);
        Assert.Equal([0, 3], rows[1].SegmentStarts());
        Assert.Equal([7, 8, 9, 10], rows[2].Tokens);
        Assert.Equal([0, 0, 0, 0], rows[3].Tokens);       // pad id defaults to EOS when negative
        Assert.Equal([2, -1, -1, -1], rows[3].DocumentIds);
        Assert.Equal(1, rows[3].Length);
        Assert.Equal(new PackingStats(3, 4, 4, 13, 0, 3), packer.Stats);
    }

    [Fact]
    public void NothingIsLostOnRandomDocuments()
    {
        var rng = new SplitMix64(11);
        var docs = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, rng.NextInt(700)).Select(_ => 1 + rng.NextInt(50000)).ToArray()).ToList();
        var rows = new SequencePacker(128, 0).Pack(docs).ToList();
        var stream = rows.SelectMany(r => r.Tokens.Take(r.Length)).ToList();
        var expected = docs.SelectMany(d => d.Append(0)).ToList();
        Assert.Equal(expected, stream);
        var ids = rows.SelectMany(r => r.DocumentIds.Take(r.Length)).ToList();
        Assert.Equal(docs.SelectMany((d, i) => Enumerable.Repeat(i, d.Length + 1)), ids);
        Assert.All(rows, r => Assert.Equal(128, r.Tokens.Length));
    }

    [Fact]
    public void WasteOfPackingAgainstTruncateAndPad()
    {
        // Lengths 3, 9, 1 (+ EOS: 4, 10, 2) at seq_len 8. Truncate-and-pad: 3 rows, kept 4 + 8 + 2 = 14,
        // dropped 2, pad 4 + 0 + 6 = 10, waste 10/24. Packing: 16 tokens in 2 rows, no pad, no loss.
        var t = PackingStats.TruncateAndPad([3, 9, 1], 8);
        Assert.Equal(new PackingStats(3, 3, 8, 14, 2, 10), t);
        Assert.Equal(10.0 / 24, t.WasteRatio, 12);
        Assert.Equal(2.0 / 16, t.DroppedFraction, 12);
        var p = PackingStats.Packed([3, 9, 1], 8);
        Assert.Equal(new PackingStats(3, 2, 8, 16, 0, 0), p);
        Assert.Equal(p, Pack([3, 9, 1], 8)); // the packer's own accounting agrees
    }

    static PackingStats Pack(int[] lengths, int seqLen)
    {
        var packer = new SequencePacker(seqLen, 0);
        foreach (var _ in packer.Pack(lengths.Select(n => new int[n]))) { }
        return packer.Stats;
    }

    [Fact]
    public void SentenceSplitter()
    {
        Assert.Equal(["It rained.", "We stayed in!", "Why?", "床前明月光。", "疑是地上霜。"], Curriculum.Data.SentenceSplitter.Split("It rained. We stayed in! Why? 床前明月光。疑是地上霜。"));
    }

    [Fact]
    public void TokenShardsRoundTrip()
    {
        using var dir = new TempDir();
        var docs = new[] { new Document("a", "hi"), new Document("b", "there!"), new Document("c", "") };
        TextEncoder encode = s => s.Select(c => (int)c).ToArray();
        var index = TokenShards.Write(docs, encode, eosId: -7, dir.Path, shardTokens: 4);
        Assert.Equal(3, index.Documents);
        Assert.Equal(2 + 1 + 6 + 1 + 0 + 1, index.Tokens);
        Assert.Equal([4, 4, 3], index.ShardTokens);
        var back = TokenShards.ReadTokens(dir.Path, chunk: 3).SelectMany(x => x).ToList();
        Assert.Equal("hi".Select(c => (int)c).Append(-7).Concat("there!".Select(c => (int)c)).Append(-7).Append(-7), back);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".tmp"));
    }
}
