using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A learned scalar per (bucket, head) added to the attention scores (T5): weight (buckets, H); one table per stack,
/// shared by all its layers. Forward(Tq, Tk) -> bias (1,H,Tq,Tk), with a gradient into the table.
/// </summary>
public sealed class RelativePositionBias : Module
{
    public Embedding Table { get; }
    public bool Bidirectional { get; }
    public int NumBuckets { get; }
    public int MaxDistance { get; }
    public int Heads { get; }

    public RelativePositionBias(int numBuckets, int maxDistance, int heads, bool bidirectional, Generator? generator = null)
    {
        (NumBuckets, MaxDistance, Heads, Bidirectional) = (numBuckets, maxDistance, heads, bidirectional);
        Table = RegisterModule("table", new Embedding(numBuckets, heads, generator));
    }

    public Tensor Forward(int queryLength, int keyLength)
    {
        var buckets = RelativePositionBuckets.Table(queryLength, keyLength, Bidirectional, NumBuckets, MaxDistance);
        var values = Table.Forward(new IntTensor(buckets, queryLength, keyLength));   // (Tq,Tk,H)
        return values.Permute(2, 0, 1).Reshape(1, Heads, queryLength, keyLength);
    }
}
