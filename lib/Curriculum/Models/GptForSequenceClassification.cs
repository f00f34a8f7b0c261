using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A new head on a (pre-trained) GPT: logits = W h_last + b from the hidden state at each sequence's last real token
/// (Hugging Face's <c>GPT2ForSequenceClassification</c>, which reads the last non-padding token). Optionally a
/// <see cref="SoftPrompt"/> of <c>promptTokens</c> vectors in front for prompt tuning. Parameter names: gpt.*, prompt.embeddings, classifier.
/// Batches are right-padded (any id) with the real lengths given.
/// </summary>
public sealed class GptForSequenceClassification : Module
{
    public GptModel Gpt { get; }
    public SoftPrompt? Prompt { get; }
    public Linear Classifier { get; }
    public int NumClasses { get; }

    /// <summary>A new classifier (N(0, 0.02²) weights, zero bias) on <paramref name="gpt"/> (shared, not copied).</summary>
    public GptForSequenceClassification(GptModel gpt, int numClasses, int promptTokens = 0, Generator? generator = null)
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "GptForSequenceClassification: need at least 2 classes.");
        Gpt = RegisterModule("gpt", gpt);
        NumClasses = numClasses;
        if (promptTokens > 0) Prompt = RegisterModule("prompt", new SoftPrompt(promptTokens, gpt.Config.Dim, generator));
        Classifier = RegisterModule("classifier", new Linear(gpt.Config.Dim, numClasses, true, generator));
        (generator ?? Generator.Default).FillNormal(Classifier.Weight.Data, 0f, WeightInit.DefaultStd);
        Array.Clear(Classifier.Bias!.Data);
    }

    /// <summary>ids (B,T) right-padded, lengths (B) -> logits (B,K).</summary>
    public Tensor Forward(IntTensor ids, ReadOnlySpan<int> lengths)
    {
        var hidden = GptWithPrompt.Hidden(Gpt, ids, Prompt);
        return Classifier.Forward(GptWithPrompt.LastToken(hidden, lengths, Prompt?.NumTokens ?? 0));
    }

    /// <summary>Mean cross-entropy against labels (B) in [0, K).</summary>
    public Tensor Loss(IntTensor ids, ReadOnlySpan<int> lengths, int[] labels)
    {
        if (labels.Length != ids.Size(0)) throw new ArgumentException($"GptForSequenceClassification: {labels.Length} labels for a batch of {ids.Size(0)}.", nameof(labels));
        return F.CrossEntropy(Forward(ids, lengths), new IntTensor((int[])labels.Clone(), labels.Length));
    }
}
