using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli;

/// <summary>
/// A classifier on a saved GPT or BERT, as the finetune and eval commands use it: a new head
/// (<see cref="GptForSequenceClassification"/> or <see cref="BertForSequenceClassification"/>), the inputs shaped for
/// it ([CLS] … [SEP] for BERT), batched logits and accuracy.
/// </summary>
sealed class SequenceClassifier
{
    public Module Module { get; }
    public SavedModel Source { get; }
    public string[] Labels { get; }
    public int PromptTokens { get; }
    readonly int? _cls, _sep;
    readonly int _pad;

    SequenceClassifier(Module module, SavedModel source, string[] labels, int promptTokens)
    {
        Module = module; Source = source; Labels = labels; PromptTokens = promptTokens;
        if (!source.IsGpt)
        {
            _cls = source.Tokenizer.TokenToId("[CLS]");
            _sep = source.Tokenizer.TokenToId("[SEP]");
            _pad = source.Tokenizer.TokenToId("[PAD]") ?? 0;
        }
    }

    /// <summary>A new head on a pre-trained language model, or, with <paramref name="fromScratch"/>, on the same architecture
    /// with random weights (the baseline that measures what pre-training bought).</summary>
    public static SequenceClassifier New(SavedModel lm, string[] labels, int promptTokens, Generator generator, bool fromScratch = false)
    {
        Module m = lm.IsGpt
            ? new GptForSequenceClassification(fromScratch ? new GptModel(lm.Gpt!, generator) : ModelDirectory.LoadGpt(lm), labels.Length, promptTokens, generator)
            : new BertForSequenceClassification(fromScratch ? new BertModel(lm.Bert!, generator) : ModelDirectory.LoadBert(lm), labels.Length, ClassifierPooling.Cls, generator);
        return new SequenceClassifier(m, lm, labels, promptTokens);
    }

    /// <summary>A classifier saved by finetune, weights loaded.</summary>
    public static SequenceClassifier Load(SavedModel saved)
    {
        Module m = saved.IsGpt
            ? new GptForSequenceClassification(new GptModel(saved.Gpt!), saved.Labels.Length, saved.PromptTokens)
            : new BertForSequenceClassification(new BertModel(saved.Bert!), saved.Labels.Length);
        m.LoadStateDict(saved.State, saved.Directory);
        return new SequenceClassifier(m, saved, saved.Labels, saved.PromptTokens);
    }

    public GptModel? Gpt => (Module as GptForSequenceClassification)?.Gpt;
    public BertModel? Bert => (Module as BertForSequenceClassification)?.Bert;
    public string HeadName => "classifier";

    public List<LabelledExample> Encode(List<(string Text, string Label)> rows, string source) =>
        LabelledExamples.Encode(rows, Source.Tokenizer, Labels, Source.MaxPositions - PromptTokens, source, _cls, _sep);

    /// <summary>Unlabelled texts encoded as examples (the label slot holds class 0 and is not read).</summary>
    public List<LabelledExample> EncodeUnlabelled(IEnumerable<string> texts, string source) =>
        Encode(texts.Select(t => (t, Labels[0])).ToList(), source);

    /// <summary>Class probabilities softmax(logits) (N,K) of each example, in eval mode without a graph.</summary>
    public float[][] Probabilities(List<LabelledExample> examples, int batchSize = 32)
    {
        bool training = Module.Training;
        Module.Eval();
        using var _ = Autograd.NoGrad();
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var result = new float[examples.Count][];
        int k = Labels.Length;
        for (int s = 0; s < examples.Count; s += batchSize)
        {
            int n = Math.Min(batchSize, examples.Count - s);
            var probs = Forward(examples, order, s, n).Logits.Softmax(-1).Data;
            for (int i = 0; i < n; i++) result[s + i] = probs.AsSpan(i * k, k).ToArray();
            GC.Collect();
        }
        Module.Train(training);
        return result;
    }

    /// <summary>Logits (B,K) for examples order[start..start+count).</summary>
    public (Tensor Logits, int[] Labels) Forward(List<LabelledExample> examples, int[] order, int start, int count)
    {
        var (ids, lengths, labels, mask) = LabelledExamples.Batch(examples, order, start, count, _pad);
        var logits = Module switch
        {
            GptForSequenceClassification g => g.Forward(ids, lengths),
            BertForSequenceClassification b => b.Forward(ids, null, mask),
            _ => throw new InvalidOperationException(Module.GetType().Name),
        };
        return (logits, labels);
    }

    /// <summary>Share of <paramref name="examples"/> classified correctly, in eval mode without a graph.</summary>
    public double Accuracy(List<LabelledExample> examples, int batchSize = 32)
    {
        bool training = Module.Training;
        Module.Eval();
        using var _ = Autograd.NoGrad();
        var order = Enumerable.Range(0, examples.Count).ToArray();
        int correct = 0;
        for (int s = 0; s < examples.Count; s += batchSize)
        {
            int n = Math.Min(batchSize, examples.Count - s);
            var (logits, labels) = Forward(examples, order, s, n);
            correct += (int)Math.Round(FineTuning.Accuracy(logits, labels) * n);
            GC.Collect();   // the batch's activations are garbage: free them now rather than at the runtime's lazy budget
        }
        Module.Train(training);
        return (double)correct / examples.Count;
    }
}
