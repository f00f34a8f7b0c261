using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Tests.Chinese;

/// <summary>
/// The repetition rules against Hugging Face transformers' processors (generation/logits_process.py):
/// RepetitionPenaltyLogitsProcessor: <c>score = torch.gather(scores, 1, input_ids); score = torch.where(score &lt; 0,
/// score * penalty, score / penalty); scores.scatter_(1, input_ids, score)</c>; NoRepeatNGramLogitsProcessor bans the
/// tokens that followed earlier occurrences of the last n-1 tokens.
/// </summary>
public class LogitsProcessorTests
{
    [Fact]
    public void RepetitionPenaltyFollowsTheHuggingFaceRule()
    {
        float[] logits = [2f, -1f, 0.5f, 3f, -0.25f];
        LogitsProcessors.RepetitionPenalty(logits, [0, 1, 1, 4], 2f);
        // positive logits divided, negative multiplied, each token once however often it occurred; unseen tokens unchanged
        Assert.Equal([1f, -2f, 0.5f, 3f, -0.5f], logits);
    }

    [Fact]
    public void NoRepeatNgramBansTheTokenThatWouldRepeatAnNgram()
    {
        float[] logits = [0f, 1f, 2f, 3f];
        LogitsProcessors.NoRepeatNgram(logits, [1, 2, 3, 1, 2], 3);       // "1 2" was followed by 3
        Assert.Equal([0f, 1f, 2f, float.NegativeInfinity], logits);
        float[] untouched = [0f, 1f];
        LogitsProcessors.NoRepeatNgram(untouched, [1], 3);                // too short to hold a 3-gram
        Assert.Equal([0f, 1f], untouched);
    }

    [Fact]
    public void GreedyDecodingStopsRepeatingWithThePenalty()
    {
        // token 3 is the argmax; after it has been produced, the penalty 2 brings it to 1.5 < 2.5 (token 2)
        float[] logits = [0f, 1f, 2.5f, 3f];
        var greedy = GenerationConfig.Greedy(1);
        Assert.Equal(3, NextTokenPicker.Pick(logits, greedy, new Generator(1), [3]));
        Assert.Equal(2, NextTokenPicker.Pick(logits, greedy with { RepetitionPenalty = 2f }, new Generator(1), [3]));
        Assert.Equal(3f, logits[3]);   // the caller's logits are not changed
    }

    [Fact]
    public void TopPKeepsTheSmallestNucleus()
    {
        // softmax([ln 0.5, ln 0.3, ln 0.15, ln 0.05]) = [0.5, 0.3, 0.15, 0.05]; top-p 0.7 keeps tokens 0 and 1 only
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var config = GenerationConfig.Sampling(1) with { TopP = 0.7f };
        var g = new Generator(7);
        var counts = new int[4];
        for (int i = 0; i < 4000; i++) counts[NextTokenPicker.Pick(logits, config, g)]++;
        Assert.Equal(0, counts[2] + counts[3]);
        Assert.InRange(counts[0] / 4000.0, 0.625 - 0.03, 0.625 + 0.03);   // 0.5 / 0.8
    }
}
