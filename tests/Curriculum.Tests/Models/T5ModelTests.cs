using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

public class T5ModelTests
{
    const int D = 48, H = 3, T = 19, V = 97, L = 2, FF = 80;

    [Fact]
    public void Seq2seq_loss_and_every_gradient_match_pytorch()
    {
        var f = ModelFixtures.Load("t5.safetensors");
        var model = new T5Model(new T5Config(V, D, L, L, H, FF, NumBuckets: 16, MaxDistance: 24));
        model.LoadStateDict(ModelFixtures.Parameters(f), "t5.safetensors");
        var i = f.IntTensors;
        var loss = model.Loss(i["input.ids"], i["input.keep"], i["input.decoder_ids"], i["input.labels"]);
        ModelFixtures.AssertScalar(f, "loss.seq2seq", loss);
        loss.Backward();
        ModelFixtures.AssertGradients(f, model);
    }

    [Theory]
    [InlineData("bidirectional_32_128", true, 32, 128)]
    [InlineData("unidirectional_32_128", false, 32, 128)]
    [InlineData("bidirectional_16_24", true, 16, 24)]
    public void Relative_position_buckets_match_t5s_function(string name, bool bidirectional, int buckets, int maxDistance)
    {
        var f = ModelFixtures.Load("t5.safetensors").IntTensors;
        var offsets = f["buckets.offsets"].Data;
        var expected = f["buckets." + name].Data;
        for (int k = 0; k < offsets.Length; k++)
            Assert.True(expected[k] == RelativePositionBuckets.Bucket(offsets[k], bidirectional, buckets, maxDistance), $"offset {offsets[k]}");
    }

    [Fact]
    public void Bucket_examples_worked_by_hand()
    {
        // 32 buckets, bidirectional: 16 per sign, exact below 8; 8 + floor(log(100/8)/log(128/8)·8) = 8 + floor(7.29) = 15.
        Assert.Equal(3, RelativePositionBuckets.Bucket(-3, true, 32, 128));
        Assert.Equal(19, RelativePositionBuckets.Bucket(3, true, 32, 128));
        Assert.Equal(15, RelativePositionBuckets.Bucket(-100, true, 32, 128));
        Assert.Equal(15, RelativePositionBuckets.Bucket(-1000, true, 32, 128));
        Assert.Equal(0, RelativePositionBuckets.Bucket(5, false, 32, 128));   // the decoder never looks ahead
    }

    [Fact]
    public void Greedy_decoding_reproduces_a_memorised_mapping_and_sampling_is_seeded()
    {
        var cfg = new T5Config(VocabSize: 20, Dim: 32, EncoderLayers: 1, DecoderLayers: 1, Heads: 4, FfnDim: 64);
        var model = new T5Model(cfg, new Generator(5));
        int[] input = [4, 9, 6, 11, 5], target = [11, 6, 9, 4, 1];     // reversed, then EOS = 1
        var ids = new IntTensor(input, 1, input.Length);
        var decoderIds = new IntTensor([0, 11, 6, 9, 4], 1, 5);
        var labels = new IntTensor(target, 1, 5);
        var opt = new AdamW(model.Parameters(), lr: 3e-3f, weightDecay: 0f);
        float loss = float.NaN;
        for (int step = 0; step < 150; step++)
        {
            var l = model.Loss(ids, null, decoderIds, labels);
            model.ZeroGrad();
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        Assert.True(loss < 0.05f, $"loss after fitting {loss}");
        Assert.Equal(target, model.Generate(input, GenerationConfig.Greedy(10, eosTokenId: 1)));
        var sampling = GenerationConfig.Sampling(8, temperature: 2f, topK: 5);
        Assert.Equal(model.Generate(input, sampling, new Generator(3)), model.Generate(input, sampling, new Generator(3)));
    }

    [Fact]
    public void Token_id_outside_the_vocabulary_is_a_clear_error()
    {
        var model = new T5Model(T5Config.Nano with { VocabSize = 30 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode(new IntTensor([1, 30], 1, 2)));
        Assert.Contains("token id 30 at row 0, position 1", e.Message);
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("tiny")]
    [InlineData("small")]
    public void Parameter_counts_of_the_named_configs_equal_pytorchs(string name)
    {
        var counts = ModelFixtures.Load("counts.safetensors").IntTensors;
        var cfg = T5Config.Named(name);
        Assert.Equal(counts[$"count.t5.{name}"].Data[0], cfg.ParameterCount());
        Assert.Equal(cfg.ParameterCount(), new T5Model(cfg).NumParameters());
    }
}
