using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>
/// Accumulating K micro-batches of B/K rows gives the gradient of one batch of B rows (mean losses over equal token
/// counts: mean of the K means = the mean over all), so one SGD step moves the weights the same way.
/// The reference is the plain loop on the concatenated batch, without the trainer.
/// </summary>
public class GradientAccumulationTests
{
    static IndexedBatch Concat(IndexedBatch a, IndexedBatch b)
    {
        int t = a.Inputs.Size(1);
        return new IndexedBatch(
            new IntTensor([.. a.Inputs.Data, .. b.Inputs.Data], a.Inputs.Size(0) + b.Inputs.Size(0), t),
            new IntTensor([.. a.Targets.Data, .. b.Targets.Data], a.Targets.Size(0) + b.Targets.Size(0), t), -1);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void AccumulatedMicroBatchesEqualTheLargeBatch(int k)
    {
        var source = new IndexedBatchSource(batchSize: 8 / k, seqLen: 8);
        var large = source[0];
        for (int i = 1; i < k; i++) large = Concat(large, source[i]);

        // Reference: one batch of 8 rows, plain forward/backward, gradient norm, SGD step.
        var reference = new TinyLm();
        var loss = reference.Loss(large.Inputs, large.Targets);
        loss.Backward();
        float refNorm = GradientClipping.ClipGradNorm(reference.Parameters(), float.PositiveInfinity);
        new SGD(reference.Parameters(), lr: 0.5f).Step();

        var model = new TinyLm();
        var trainer = new Trainer<IndexedBatch>(model, TrainingFixtures.LmObjective(model), source,
            new SGD(model.Parameters(), lr: 0.5f), new ConstantSchedule(0.5),
            new TrainerOptions { TotalSteps = 1, AccumulationSteps = k, MaxGradNorm = null });
        var m = trainer.TrainStep()!;

        Assert.Equal(k, source.Drawn.Count);
        Assert.Equal(loss.Item(), m.Loss, 5);
        Assert.Equal(refNorm, m.GradNorm, 4);
        Assert.Equal(8 * 8, m.Tokens);
        var want = TrainingFixtures.Flat(reference);
        var got = TrainingFixtures.Flat(model);
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-6f + 1e-5f * Math.Abs(want[i]), $"weight {i}: {got[i]} vs {want[i]}");
    }
}
