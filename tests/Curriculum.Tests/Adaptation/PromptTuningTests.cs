using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Adaptation;

public class PromptTuningTests
{
    static readonly GptConfig Config = new(VocabSize: 30, MaxPositions: 16, Dim: 16, Layers: 2, Heads: 2, FfnDim: 32);

    [Fact]
    public void A_prompt_initialised_from_tokens_equals_feeding_those_tokens()
    {
        // Hand-worked equivalence: soft prompt rows = E[p] for ids p, so [prompt; E[x]] = E[p ++ x].
        var gpt = new GptModel(Config, new Generator(1));
        int[] promptIds = [7, 3, 12], text = [4, 9, 2, 5, 1, 8];
        var prompt = new SoftPrompt(3, Config.Dim);
        prompt.InitFromTokens(gpt.Tok.Weight, promptIds);
        var soft = GptWithPrompt.Hidden(gpt, new IntTensor(text, 1, 6), prompt).ToArray();
        var hard = gpt.Hidden(new IntTensor([.. promptIds, .. text], 1, 9)).ToArray();
        Assert.Equal(hard.Length, soft.Length);
        for (int i = 0; i < hard.Length; i++) Assert.True(Math.Abs(hard[i] - soft[i]) < 1e-5f, $"{i}: {hard[i]} vs {soft[i]}");
    }

    [Fact]
    public void Prompt_tuning_changes_only_the_prompt_and_lowers_the_loss()
    {
        var gpt = new GptModel(Config, new Generator(2));
        // N(0, 0.02²) rows bound the tied head's logit gap to about |h|·|E10 − E20| < 1; trained label words stand out more
        foreach (int word in new[] { 10, 20 })
            foreach (ref float w in gpt.Tok.Weight.Data.AsSpan(word * Config.Dim, Config.Dim)) w *= 50f;
        var clf = new GptClozeClassifier(gpt, [10, 20], promptTokens: 4, new Generator(3));
        FineTuning.Freeze(clf.Gpt);
        var frozen = clf.Gpt.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var promptBefore = clf.Prompt!.Embeddings.ToArray();
        var trainable = FineTuning.TrainableParameters(clf);
        Assert.Single(trainable);
        Assert.Equal(4 * Config.Dim, trainable[0].Numel);

        // rows right-padded with id 0; every row labelled with the label word the untrained model scores lower,
        // so only a prompt that steers the frozen model's last position can fit them
        var ids = new IntTensor([1, 4, 5, 0, 2, 4, 5, 6, 1, 6, 0, 0, 2, 6, 4, 0], 4, 4);
        int[] lengths = [3, 4, 2, 3];
        var start = clf.Forward(ids, lengths).ToArray();
        int target = start[0] > start[1] ? 1 : 0;
        int[] labels = [target, target, target, target];
        var opt = new AdamW(trainable, lr: 5e-2f, weightDecay: 0f);
        var losses = new List<float>();
        for (int s = 0; s < 60; s++)
        {
            var loss = clf.Loss(ids, lengths, labels);
            losses.Add(loss.Item());
            clf.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        // a random frozen model gives the prompt little to steer (Lester et al.: prompt tuning needs a trained, large
        // model), but it must move the loss: 5.47 -> 3.37 here
        Assert.True(losses[^1] < 0.75f * losses[0], $"loss {losses[0]} -> {losses[^1]}");
        foreach (var (name, p) in clf.Gpt.NamedParameters()) Assert.Equal(frozen[name], p.ToArray());
        Assert.False(promptBefore.SequenceEqual(clf.Prompt.Embeddings.ToArray()));
    }

    [Fact]
    public void Cloze_logits_are_the_language_models_label_word_logits_at_the_last_real_token()
    {
        var gpt = new GptModel(Config, new Generator(4));
        var cloze = new GptClozeClassifier(gpt, [10, 20, 25]);
        int[] text = [3, 8, 1, 9];
        var full = gpt.Forward(new IntTensor(text, 1, 4)).ToArray();         // (1,4,V)
        // the same text right-padded with junk in a batch of one: padding after the last token must not matter
        var logits = cloze.Forward(new IntTensor([.. text, 7, 7], 1, 6), [4]).ToArray();
        int last = 3 * Config.VocabSize;
        Assert.Equal(full[last + 10], logits[0], 4);
        Assert.Equal(full[last + 20], logits[1], 4);
        Assert.Equal(full[last + 25], logits[2], 4);
    }

    [Fact]
    public void Sequence_classifier_reads_the_last_real_token_whatever_the_padding()
    {
        var clf = new GptForSequenceClassification(new GptModel(Config, new Generator(5)), 3, promptTokens: 2, new Generator(6));
        var alone = clf.Forward(new IntTensor([4, 2, 9], 1, 3), [3]).ToArray();
        var padded = clf.Forward(new IntTensor([5, 5, 5, 5, 5, 4, 2, 9, 0, 0], 2, 5), [5, 3]).ToArray();
        for (int k = 0; k < 3; k++) Assert.Equal(alone[k], padded[3 + k], 5);
        var e = Assert.Throws<ArgumentException>(() => clf.Forward(new IntTensor(new int[15], 1, 15), [15]));
        Assert.Contains("2 prompt tokens", e.Message);
    }
}
