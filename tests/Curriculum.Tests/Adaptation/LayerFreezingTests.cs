using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Adaptation;

public class LayerFreezingTests
{
    [Fact]
    public void Freezing_the_lower_block_leaves_exactly_the_upper_block_final_norm_and_head_trainable()
    {
        var config = new GptConfig(VocabSize: 30, MaxPositions: 8, Dim: 16, Layers: 2, Heads: 2, FfnDim: 32);
        var clf = new GptForSequenceClassification(new GptModel(config, new Generator(1)), 2);
        LayerFreezing.FreezeLowerLayers(clf.Gpt, 1);
        // one block: 4C² + 4C + 2CF + F + C + 4C = 1024 + 64 + 1024 + 32 + 16 + 64 = 2224; ln_f 32; head 16·2 + 2 = 34
        Assert.Equal(2224 + 32 + 34, FineTuning.TrainableParameters(clf).Sum(p => (long)p.Numel));

        var lower = clf.Gpt.Blocks[0].Fc1.Weight.ToArray();
        var upper = clf.Gpt.Blocks[1].Fc1.Weight.ToArray();
        var tok = clf.Gpt.Tok.Weight.ToArray();
        var opt = new AdamW(FineTuning.TrainableParameters(clf), lr: 1e-2f);
        var ids = new IntTensor([1, 2, 3, 4, 5, 6, 7, 8], 2, 4);
        for (int s = 0; s < 3; s++)
        {
            var loss = clf.Loss(ids, [4, 4], [0, 1]);
            clf.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        Assert.Equal(lower, clf.Gpt.Blocks[0].Fc1.Weight.ToArray());
        Assert.Equal(tok, clf.Gpt.Tok.Weight.ToArray());
        Assert.NotEqual(upper, clf.Gpt.Blocks[1].Fc1.Weight.ToArray());
    }

    [Fact]
    public void Bert_freezing_covers_segment_and_embedding_norm_and_bounds_are_checked()
    {
        var bert = new BertModel(new BertConfig(VocabSize: 30, MaxPositions: 8, Dim: 16, Layers: 2, Heads: 2, FfnDim: 32), new Generator(2));
        LayerFreezing.FreezeLowerLayers(bert, 2);
        var trainable = bert.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToList();
        Assert.Equal(["pooler.weight", "pooler.bias"], trainable);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LayerFreezing.FreezeLowerLayers(bert, 3));
        Assert.Contains("[0, 2]", e.Message);
    }
}
