using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A BERT encoder with a linear classifier on a sentence vector (Hugging Face's <c>BertForSequenceClassification</c>):
/// logits = W·dropout(pool(h)) + b, pool = the pooled [CLS] or the mean of the outputs. For a linear probe, freeze
/// the encoder (<see cref="FineTuning.Freeze"/>) and train only <c>classifier</c>. Parameter names: bert.*, classifier.
/// </summary>
public sealed class BertForSequenceClassification : Module
{
    public BertModel Bert { get; }
    public Linear Classifier { get; }
    public ClassifierPooling Pooling { get; }
    public int NumClasses { get; }
    readonly Generator? _generator;

    /// <summary>A new classifier on <paramref name="bert"/> (e.g. the encoder of a pre-trained <see cref="BertForPreTraining"/>, shared, not copied).</summary>
    public BertForSequenceClassification(BertModel bert, int numClasses, ClassifierPooling pooling = ClassifierPooling.Cls, Generator? generator = null)
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "BertForSequenceClassification: need at least 2 classes.");
        Bert = RegisterModule("bert", bert);
        NumClasses = numClasses;
        Pooling = pooling;
        _generator = generator;
        Classifier = RegisterModule("classifier", new Linear(bert.Config.Dim, numClasses, true, generator));
        (generator ?? Generator.Default).FillNormal(Classifier.Weight.Data, 0f, WeightInit.DefaultStd);
        Array.Clear(Classifier.Bias!.Data);
    }

    /// <summary>ids (B,T), token types and padding mask (B,T) or null -> logits (B,K).</summary>
    public Tensor Forward(IntTensor ids, IntTensor? tokenTypeIds = null, IntTensor? attentionMask = null)
    {
        var hidden = Bert.Forward(ids, tokenTypeIds, attentionMask);
        var pooled = Pooling == ClassifierPooling.Cls ? Bert.Pool(hidden) : Models.Pooling.Mean(hidden, attentionMask);
        return Classifier.Forward(F.Dropout(pooled, Bert.Config.Dropout, Training, _generator));
    }

    /// <summary>Mean cross-entropy against labels (B) in [0, K).</summary>
    public Tensor Loss(IntTensor ids, int[] labels, IntTensor? tokenTypeIds = null, IntTensor? attentionMask = null)
    {
        if (labels.Length != ids.Size(0)) throw new ArgumentException($"BertForSequenceClassification: {labels.Length} labels for a batch of {ids.Size(0)}.", nameof(labels));
        return F.CrossEntropy(Forward(ids, tokenTypeIds, attentionMask), new IntTensor((int[])labels.Clone(), labels.Length));
    }
}
