using Curriculum.Models;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Adaptation;

public class EmbeddingGrowthTests
{
    [Fact]
    public void New_rows_are_the_mean_of_their_old_pieces_worked_by_hand()
    {
        var table = Tensor.FromArray([1, 2, 3, 4, 5, 9, -1, 0], 4, 2);
        var grown = EmbeddingGrowth.GrowRows(table, 6, new Dictionary<int, int[]> { [4] = [0, 1], [5] = [2, 2, 3] });
        // row 4 = mean((1,2),(3,4)) = (2,3); row 5 = mean((5,9),(5,9),(-1,0)) = (3,6)
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 9, -1, 0, 2, 3, 3, 6 }, grown.ToArray());
        var bias = EmbeddingGrowth.GrowRows(Tensor.FromArray([1f, 3f]), 3, new Dictionary<int, int[]> { [2] = [0, 1] });
        Assert.Equal(new float[] { 1, 3, 2 }, bias.ToArray());
        var e = Assert.Throws<ArgumentException>(() => EmbeddingGrowth.GrowRows(table, 5, new Dictionary<int, int[]>()));
        Assert.Contains("new token 4", e.Message);
    }

    [Fact]
    public void Grown_gpt_keeps_old_rows_and_its_tied_head_scores_old_tokens_as_before()
    {
        // A real expansion: an English BPE extended with tokens learned on Chinese text.
        static BpeTokenizer Train(string text, int size)
        {
            var t = new BpeTrainer(new BpeTrainerOptions(size, SpecialTokens: ["<|endoftext|>"]));
            t.AddText(text);
            return t.Train();
        }
        var old = Train(string.Concat(Enumerable.Repeat("the cat sat on the mat with another cat. ", 40)), 300);
        var expansion = VocabularyExpansion.Expand(old, Train(string.Concat(Enumerable.Repeat("小猫坐在垫子上。猫和狗。", 40)), 300));
        Assert.True(expansion.AddedTokens > 0);

        var config = new GptConfig(old.VocabularySize, 16, 16, 1, 2, 32);
        var gpt = new GptModel(config, new Generator(3));
        var grown = EmbeddingGrowth.Grow(gpt, expansion.Tokenizer.VocabularySize, expansion.OldPieces);
        Assert.Equal(expansion.Tokenizer.VocabularySize, grown.Config.VocabSize);
        int c = config.Dim, v = config.VocabSize;
        Assert.Equal(gpt.Tok.Weight.Data, grown.Tok.Weight.Data.AsSpan(0, v * c).ToArray());
        foreach (var (id, pieces) in expansion.OldPieces)
            for (int j = 0; j < c; j++)
            {
                double mean = 0;
                foreach (int p in pieces) mean += gpt.Tok.Weight.Data[p * c + j];
                Assert.Equal(mean / pieces.Length, grown.Tok.Weight.Data[id * c + j], 5);
            }

        var ids = new IntTensor(old.EncodeToIds("the cat sat").ToArray(), 1, old.EncodeToIds("the cat sat").Count);
        var before = gpt.Forward(ids).ToArray();
        var after = grown.Forward(ids).ToArray();
        int t = ids.Size(1), vNew = grown.Config.VocabSize;
        for (int i = 0; i < t; i++)
            for (int k = 0; k < v; k++) Assert.Equal(before[i * v + k], after[i * vNew + k], 5);
    }

    [Fact]
    public void Grown_bert_grows_the_mlm_bias_too()
    {
        var bert = new BertForPreTraining(new BertConfig(VocabSize: 10, MaxPositions: 8, Dim: 8, Layers: 1, Heads: 2, FfnDim: 16), new Generator(4));
        for (int i = 0; i < 10; i++) bert.MlmBias.Data[i] = i;
        var grown = EmbeddingGrowth.Grow(bert, 12, new Dictionary<int, int[]> { [10] = [2, 4], [11] = [9] });
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 9 }, grown.MlmBias.ToArray());
        Assert.Equal(12, grown.Bert.Tok.Weight.Size(0));
    }
}
