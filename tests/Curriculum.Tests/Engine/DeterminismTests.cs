using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>The same seed gives bit-identical numbers whatever Parallelism.MaxThreads is.</summary>
[Collection("Parallelism")]
public class DeterminismTests
{
    static (float Loss, float[] Params) TrainTwoSteps(int threads)
    {
        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            var cfg = new BenchmarkEncoderConfig(97, 33, 48, 2, 3, 80, 16);   // large enough that every chunked kernel splits
            var gen = new Generator(7);
            var model = new BenchmarkEncoder(cfg, gen);
            var opt = new AdamW(model.Parameters());
            var x = IntTensor.RandInt(cfg.Vocab, [cfg.Batch, cfg.Context], gen);
            float loss = 0;
            for (int s = 0; s < 2; s++)
            {
                var l = F.CrossEntropy(model.Forward(x), x, labelSmoothing: 0.1f);
                opt.ZeroGrad();
                l.Backward();
                opt.Step();
                loss = l.Item();
            }
            return (loss, model.Parameters().SelectMany(p => p.Data).ToArray());
        }
        finally { Parallelism.MaxThreads = saved; }
    }

    [Fact]
    public void TrainingIsBitIdenticalForOneAndFourThreads()
    {
        var a = TrainTwoSteps(1);
        var b = TrainTwoSteps(4);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.Params, b.Params);
    }

    [Fact]
    public void SameSeedSameSamples()
    {
        Assert.Equal(Tensor.Randn([5], new Generator(3)).Data, Tensor.Randn([5], new Generator(3)).Data);
        Assert.NotEqual(Tensor.Randn([5], new Generator(3)).Data, Tensor.Randn([5], new Generator(4)).Data);
    }

    [Fact]
    public void NormalSamplesHaveUnitMoments()
    {
        var x = Tensor.Randn([200_000], new Generator(11)).Data;
        double mean = x.Average(v => (double)v), var = x.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);     // sd of the mean: 0.0022
        Assert.InRange(var, 0.99, 1.01);       // sd of the variance: 0.0032
    }
}
