using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

public class FineTuningTests
{
    static readonly BertConfig Config = new(VocabSize: 30, MaxPositions: 12, Dim: 32, Layers: 1, Heads: 4, FfnDim: 64);

    [Fact]
    public void Linear_probe_changes_only_the_head_and_full_fine_tuning_changes_the_encoder()
    {
        var ids = new IntTensor([2, 5, 6, 7, 3, 0, 2, 9, 8, 7, 6, 3], 2, 6);
        var keep = new IntTensor([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1], 2, 6);
        int[] labels = [0, 1];
        foreach (bool probe in new[] { true, false })
        {
            var clf = new BertForSequenceClassification(new BertModel(Config, new Generator(1)), 2, ClassifierPooling.Mean, new Generator(2));
            if (probe) FineTuning.Freeze(clf.Bert);
            var before = clf.Bert.Tok.Weight.ToArray();
            var headBefore = clf.Classifier.Weight.ToArray();
            var trainable = FineTuning.TrainableParameters(clf);
            Assert.Equal(probe ? 2 : clf.Parameters().Count(), trainable.Count);
            var opt = new AdamW(trainable, lr: 1e-2f);
            for (int step = 0; step < 30; step++)
            {
                var loss = clf.Loss(ids, labels, null, keep);
                clf.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
            Assert.Equal(probe, before.SequenceEqual(clf.Bert.Tok.Weight.ToArray()));
            Assert.False(headBefore.SequenceEqual(clf.Classifier.Weight.ToArray()));
            Assert.Equal(1.0, FineTuning.Accuracy(clf.Forward(ids, null, keep), labels));
        }
    }

    [Fact]
    public void Mean_pooling_skips_padding_as_worked_by_hand()
    {
        // Row 0: (1,2), (3,4), padding (100,100) -> (2,3); row 1: (0,0), (2,2), (4,4) -> (2,2).
        var h = Tensor.FromArray([1, 2, 3, 4, 100, 100, 0, 0, 2, 2, 4, 4], 2, 3, 2);
        var pooled = Pooling.Mean(h, new IntTensor([1, 1, 0, 1, 1, 1], 2, 3));
        Assert.Equal(new float[] { 2, 3, 2, 2 }, pooled.ToArray());
        Assert.Equal(new float[] { 1, 2, 0, 0 }, Pooling.First(h).ToArray());
    }
}
