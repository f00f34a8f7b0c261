using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

public class AttentionMasksTests
{
    [Fact]
    public void Prefix_lm_mask_is_bidirectional_over_the_prefix_and_causal_after_it()
    {
        // T = 5, prefix 2, worked by hand (1 = may attend):
        //   q0: 1 1 0 0 0    q1: 1 1 0 0 0    q2: 1 1 1 0 0    q3: 1 1 1 1 0    q4: 1 1 1 1 1
        int[,] expected = { { 1, 1, 0, 0, 0 }, { 1, 1, 0, 0, 0 }, { 1, 1, 1, 0, 0 }, { 1, 1, 1, 1, 0 }, { 1, 1, 1, 1, 1 } };
        var m = AttentionMasks.PrefixLm([2, 0, 5], 5);
        Assert.Equal([3, 1, 5, 5], m.Shape);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                Assert.Equal(expected[i, j] == 1 ? 0f : float.NegativeInfinity, m[0, 0, i, j]);
                Assert.Equal(j <= i ? 0f : float.NegativeInfinity, m[1, 0, i, j]);   // prefix 0: causal
                Assert.Equal(0f, m[2, 0, i, j]);                                        // prefix T: full
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMasks.PrefixLm([6], 5));
    }

    [Fact]
    public void Causal_mask_within_documents_blocks_earlier_documents()
    {
        var m = AttentionMasks.CausalWithinDocuments(new IntTensor([0, 0, 1, 1], 1, 4));
        Assert.Equal(0f, m[0, 0, 1, 0]);
        Assert.Equal(float.NegativeInfinity, m[0, 0, 2, 1]);   // first token of document 1 does not see document 0
        Assert.Equal(0f, m[0, 0, 3, 2]);
        Assert.Equal(float.NegativeInfinity, m[0, 0, 2, 3]);   // nor the future
    }
}
