using Curriculum.NN;
using Curriculum.Objectives;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>The two BERT pre-training losses of one batch and the NSP logits (B,2); <see cref="Loss"/> is their sum, as BERT trains.</summary>
public sealed record BertPretrainingOutput(Tensor MlmLoss, Tensor NspLoss, Tensor NspLogits)
{
    public Tensor Loss { get; } = MlmLoss + NspLoss;
}

/// <summary>
/// BERT with its pre-training heads (Hugging Face's <c>BertForPreTraining</c>):
/// MLM: logits = LN(GELU(dense(h))) Eᵀ + b, the decoder matrix tied to the token embedding E with its own bias b (V)
/// (without <see cref="BertConfig.MlmHeadTransform"/>: h Eᵀ + b, as T5 and GPT-2 read their tied embedding);
/// NSP: a 2-way classifier on the pooled [CLS] (label 0 = B follows A, 1 = B is random).
/// Parameter names: bert.*, mlm_dense and mlm_ln (with the transform), mlm_bias, nsp.
/// </summary>
public sealed class BertForPreTraining : Module
{
    public BertModel Bert { get; }
    public Linear? MlmDense { get; }
    public LayerNorm? MlmLn { get; }
    public Tensor MlmBias { get; }
    public Linear Nsp { get; }

    public BertForPreTraining(BertConfig config, Generator? generator = null)
    {
        Bert = RegisterModule("bert", new BertModel(config, generator));
        if (config.MlmHeadTransform)
        {
            MlmDense = RegisterModule("mlm_dense", new Linear(config.Dim, config.Dim, true, generator));
            MlmLn = RegisterModule("mlm_ln", new LayerNorm(config.Dim, config.LayerNormEps));
        }
        MlmBias = RegisterParameter("mlm_bias", Tensor.Zeros(config.VocabSize));
        Nsp = RegisterModule("nsp", new Linear(config.Dim, 2, true, generator));
        WeightInit.Normal(this, generator);
    }

    public BertConfig Config => Bert.Config;

    /// <summary>The MLM transform before the tied decoder: x (...,C) -> LN(GELU(dense(x))) (...,C), or x itself when off.</summary>
    Tensor MlmTransform(Tensor x) => MlmDense != null && MlmLn != null ? MlmLn.Forward(F.Gelu(MlmDense.Forward(x))) : x;

    /// <summary>MLM logits at every position: hidden (B,T,C) -> (B,T,V).</summary>
    public Tensor MlmLogits(Tensor hidden) => F.Linear(MlmTransform(hidden), Bert.Tok.Weight, MlmBias);

    /// <summary>NSP logits from the pooled [CLS]: hidden (B,T,C) -> (B,2).</summary>
    public Tensor NspLogits(Tensor hidden) => Nsp.Forward(Bert.Pool(hidden));

    /// <summary>
    /// Both losses. mlmLabels (B,T): the original id at chosen positions, -100 elsewhere (only the chosen rows go through
    /// the MLM head, which gives the same loss as scoring every position with ignore_index); nspLabels (B).
    /// </summary>
    public BertPretrainingOutput Forward(IntTensor ids, IntTensor? tokenTypeIds, IntTensor? attentionMask, IntTensor mlmLabels, int[] nspLabels)
    {
        ModelInputs.CheckSameShape(ids, mlmLabels, "BertForPreTraining MLM labels");
        int b = ids.Size(0), t = ids.Size(1), c = Config.Dim;
        if (nspLabels.Length != b) throw new ArgumentException($"BertForPreTraining: {nspLabels.Length} NSP labels for a batch of {b}.", nameof(nspLabels));
        var hidden = Bert.Forward(ids, tokenTypeIds, attentionMask);               // (B,T,C)
        var chosen = mlmLabels.NonZeroWhere(l => l != Labels.IgnoreIndex);         // K flat positions
        var targets = new int[chosen.Numel];
        for (int i = 0; i < targets.Length; i++) targets[i] = mlmLabels.Data[chosen.Data[i]];
        var picked = F.IndexSelect(hidden.Reshape(b * t, c), 0, chosen);            // (K,C)
        var mlm = F.LinearCrossEntropy(MlmTransform(picked), Bert.Tok.Weight, MlmBias, new IntTensor(targets, targets.Length));
        var nspLogits = NspLogits(hidden);
        var nsp = F.CrossEntropy(nspLogits, new IntTensor((int[])nspLabels.Clone(), b));
        return new BertPretrainingOutput(mlm, nsp, nspLogits);
    }

    /// <summary>Both losses on a batch from <see cref="BertPretrainingCollator"/>.</summary>
    public BertPretrainingOutput Forward(BertPretrainingBatch batch) =>
        Forward(batch.InputIds.ToTensor(), batch.TokenTypeIds.ToTensor(), batch.AttentionMask.ToTensor(), batch.MlmLabels.ToTensor(), batch.NextSentenceLabels);
}
