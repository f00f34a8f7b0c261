using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A task as a cloze (Schick and Schütze 2021, PET; GPT-3's zero-shot prompts): the text ends in a template such as
/// "... This message is", and class k's score is the language model's logit for its label word ("spam", "ham")
/// at the last position, logits_k = h_last · E[label_k] through the tied output head. No new parameters, so it
/// works zero-shot; with a <see cref="SoftPrompt"/> and the model frozen it is Lester et al.'s (2021) prompt tuning.
/// Parameter names: gpt.*, prompt.embeddings.
/// </summary>
public sealed class GptClozeClassifier : Module
{
    public GptModel Gpt { get; }
    public SoftPrompt? Prompt { get; }
    /// <summary>Class k -> the token id of its label word (its first token if the word takes several).</summary>
    public IReadOnlyList<int> LabelTokens { get; }
    readonly IntTensor _labelIds;

    public GptClozeClassifier(GptModel gpt, IReadOnlyList<int> labelTokens, int promptTokens = 0, Generator? generator = null)
    {
        if (labelTokens.Count < 2) throw new ArgumentException("GptClozeClassifier: need a label word for each of at least 2 classes.", nameof(labelTokens));
        if (labelTokens.Distinct().Count() != labelTokens.Count) throw new ArgumentException("GptClozeClassifier: two classes share a label token.", nameof(labelTokens));
        foreach (int id in labelTokens)
            if ((uint)id >= (uint)gpt.Config.VocabSize) throw new ArgumentOutOfRangeException(nameof(labelTokens), id, $"GptClozeClassifier: label token outside [0, {gpt.Config.VocabSize}).");
        Gpt = RegisterModule("gpt", gpt);
        LabelTokens = labelTokens.ToArray();
        _labelIds = new IntTensor(labelTokens.ToArray(), labelTokens.Count);
        if (promptTokens > 0) Prompt = RegisterModule("prompt", new SoftPrompt(promptTokens, gpt.Config.Dim, generator));
    }

    /// <summary>ids (B,T) right-padded, lengths (B) -> label-word logits (B,K).</summary>
    public Tensor Forward(IntTensor ids, ReadOnlySpan<int> lengths)
    {
        var last = GptWithPrompt.LastToken(GptWithPrompt.Hidden(Gpt, ids, Prompt), lengths, Prompt?.NumTokens ?? 0);   // (B,C)
        return F.Linear(last, F.IndexSelect(Gpt.Tok.Weight, 0, _labelIds));                                           // (B,K)
    }

    /// <summary>Mean cross-entropy over the label words only.</summary>
    public Tensor Loss(IntTensor ids, ReadOnlySpan<int> lengths, int[] labels)
    {
        if (labels.Length != ids.Size(0)) throw new ArgumentException($"GptClozeClassifier: {labels.Length} labels for a batch of {ids.Size(0)}.", nameof(labels));
        return F.CrossEntropy(Forward(ids, lengths), new IntTensor((int[])labels.Clone(), labels.Length));
    }
}
