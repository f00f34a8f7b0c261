using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

public class GptModelTests
{
    static readonly GptConfig Small = new(VocabSize: 23, MaxPositions: 16, Dim: 32, Layers: 2, Heads: 4, FfnDim: 64);

    [Fact]
    public void Greedy_generation_reproduces_a_memorised_sequence()
    {
        // A sequence whose next token is not a function of the current token alone (7 follows both 3 and 5),
        // so reproducing it needs attention to earlier positions.
        int[] seq = [1, 3, 7, 5, 7, 2, 9, 3, 4, 11, 5, 8, 13];
        var model = new GptModel(Small, new Generator(1));
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0f);
        var ids = new IntTensor(seq[..^1], 1, seq.Length - 1);
        var targets = new IntTensor(seq[1..], 1, seq.Length - 1);
        float loss = float.NaN;
        for (int step = 0; step < 200; step++)
        {
            var l = model.Loss(ids, targets);
            model.ZeroGrad();
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        Assert.True(loss < 0.05f, $"loss after fitting {loss}");
        var generated = model.Generate([seq[0]], GenerationConfig.Greedy(seq.Length - 1));
        Assert.Equal(seq, generated);
        Assert.True(model.Training, "Generate restores training mode");
    }

    [Fact]
    public void Sampling_with_the_same_seed_gives_the_same_tokens_and_another_seed_differs()
    {
        var model = new GptModel(Small, new Generator(2));
        var cfg = GenerationConfig.Sampling(12, temperature: 1.5f, topK: 10);
        var a = model.Generate([1, 2], cfg, new Generator(7));
        var b = model.Generate([1, 2], cfg, new Generator(7));
        var c = model.Generate([1, 2], cfg, new Generator(8));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(14, a.Length);
    }

    [Fact]
    public void Sequence_longer_than_the_positions_is_a_clear_error()
    {
        var model = new GptModel(Small);
        var ids = new IntTensor(new int[17], 1, 17);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(ids));
        Assert.Contains("sequence length 17", e.Message);
        Assert.Contains("16 positions", e.Message);
    }

    [Fact]
    public void Token_id_outside_the_vocabulary_is_a_clear_error()
    {
        var model = new GptModel(Small);
        var ids = new IntTensor([1, 2, 3, 4, 5, 23], 2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(ids));
        Assert.Contains("token id 23 at row 1, position 2", e.Message);
        Assert.Contains("[0, 23)", e.Message);
    }

    [Fact]
    public void Parameter_count_matches_the_formula_and_the_named_configs_exist()
    {
        foreach (var name in new[] { "nano", "tiny" })
        {
            var cfg = GptConfig.Named(name);
            Assert.Equal(cfg.ParameterCount(), new GptModel(cfg).NumParameters());
        }
        Assert.Throws<ArgumentException>(() => GptConfig.Named("huge"));
    }
}
