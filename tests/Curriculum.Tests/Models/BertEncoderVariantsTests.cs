using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

/// <summary>
/// BERT's encoder with T5's choices: a relative position bias instead of the position table, no LayerNorm on the
/// embeddings, the tied decoder read without the MLM transform.
/// </summary>
public class BertEncoderVariantsTests
{
    static readonly BertConfig Relative = new(VocabSize: 50, MaxPositions: 16, Dim: 24, Layers: 2, Heads: 3, FfnDim: 40,
        Norm: NormPlacement.PreLn, Positions: PositionEncoding.RelativeBias, EmbeddingLayerNorm: false, MlmHeadTransform: false);

    [Theory]
    [InlineData(PositionEncoding.Absolute, true, true)]
    [InlineData(PositionEncoding.RelativeBias, true, true)]
    [InlineData(PositionEncoding.Absolute, false, false)]
    [InlineData(PositionEncoding.RelativeBias, false, true)]
    [InlineData(PositionEncoding.RelativeBias, true, false)]
    public void The_parameter_count_formula_counts_every_variant(PositionEncoding positions, bool embeddingNorm, bool headTransform)
    {
        foreach (var norm in new[] { NormPlacement.PreLn, NormPlacement.PostLn })
        {
            var cfg = Relative with { Positions = positions, EmbeddingLayerNorm = embeddingNorm, MlmHeadTransform = headTransform, Norm = norm };
            var model = new BertForPreTraining(cfg, new Generator(1));
            Assert.Equal(cfg.ParameterCount(), model.NumParameters());
            var names = model.NamedParameters().Select(p => p.Name).ToHashSet();
            Assert.Equal(positions == PositionEncoding.Absolute, names.Contains("bert.pos.weight"));
            Assert.Equal(positions == PositionEncoding.RelativeBias, names.Contains("bert.rel_bias.table.weight"));
            Assert.Equal(embeddingNorm, names.Contains("bert.ln_emb.weight"));
            Assert.Equal(headTransform, names.Contains("mlm_dense.weight"));
        }
    }

    /// <summary>Left padding moves every real token right by the same amount: relative positions see no change, absolute ones do.</summary>
    [Fact]
    public void Relative_positions_make_the_encoder_blind_to_a_shift()
    {
        int[] tokens = [7, 3, 9, 9, 12, 5];
        const int shift = 4;
        int n = tokens.Length, t = n + shift;
        var plain = new IntTensor([.. tokens, .. new int[shift]], 1, t);
        var plainMask = new IntTensor([.. Enumerable.Repeat(1, n), .. new int[shift]], 1, t);
        var shifted = new IntTensor([.. new int[shift], .. tokens], 1, t);
        var shiftedMask = new IntTensor([.. new int[shift], .. Enumerable.Repeat(1, n)], 1, t);
        double LargestDifference(BertConfig cfg)
        {
            var bert = new BertModel(cfg, new Generator(3));
            using var _ = Autograd.NoGrad();
            float[] a = bert.Forward(plain, null, plainMask).ToArray(), b = bert.Forward(shifted, null, shiftedMask).ToArray();
            double worst = 0;
            for (int i = 0; i < n * cfg.Dim; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[shift * cfg.Dim + i]));
            return worst;
        }
        Assert.True(LargestDifference(Relative) < 1e-5, $"relative: {LargestDifference(Relative)}");
        Assert.True(LargestDifference(Relative with { Positions = PositionEncoding.Absolute }) > 1e-2);
    }

    /// <summary>With and without a gradient being recorded, the same loss; the table gets a gradient.</summary>
    [Fact]
    public void The_bias_table_learns_and_recording_a_gradient_does_not_change_the_loss()
    {
        var data = new Generator(5);
        var ids = IntTensor.RandInt(Relative.VocabSize, [3, 10], data);
        var mask = new IntTensor(Enumerable.Range(0, 30).Select(i => i % 10 < 10 - 3 * (i / 10) ? 1 : 0).ToArray(), 3, 10);
        var labels = new IntTensor(Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? ids.Data[i] : -100).ToArray(), 3, 10);
        var model = new BertForPreTraining(Relative, new Generator(2));
        float inference;
        using (Autograd.NoGrad()) inference = model.Forward(ids, null, mask, labels, [0, 1, 0]).Loss.Item();
        var training = model.Forward(ids, null, mask, labels, [0, 1, 0]).Loss;
        training.Backward();
        Assert.True(Math.Abs(training.Item() - inference) <= 1e-6 * Math.Abs(inference), $"{training.Item()} vs {inference}");
        var table = model.Bert.RelativeBias!.Table.Weight.Grad!.ToArray();
        Assert.Contains(table, g => g != 0);
    }
}
