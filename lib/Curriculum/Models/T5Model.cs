using Curriculum.NN;
using Curriculum.Objectives;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// A T5-style encoder-decoder (Raffel et al. 2020, section 2.1): one embedding table shared by encoder input, decoder
/// input and output head; T5's relative position biases (bucketed offsets, a table per stack shared across its layers,
/// no absolute positions); pre-norm blocks with ReLU MLPs and bias-free projections; causal decoder self-attention;
/// cross-attention to the encoder. The tied head scales the decoder output by C^-0.5 before multiplying by the
/// embedding, as T5 does. Differences from T5, said once: LayerNorm instead of RMS norm, attention scaled by 1/√d.
/// Names: shared, enc_bias, encoder.N.*, enc_ln, dec_bias, decoder.N.*, dec_ln.
/// </summary>
public sealed class T5Model : Module
{
    public T5Config Config { get; }
    public Embedding Shared { get; }
    public RelativePositionBias EncoderBias { get; }
    public ModuleList<T5EncoderBlock> Encoder { get; }
    public LayerNorm EncoderLn { get; }
    public RelativePositionBias DecoderBias { get; }
    public ModuleList<T5DecoderBlock> Decoder { get; }
    public LayerNorm DecoderLn { get; }
    readonly Generator? _generator;

    public T5Model(T5Config config, Generator? generator = null)
    {
        Config = config;
        _generator = generator;
        Shared = RegisterModule("shared", new Embedding(config.VocabSize, config.Dim, generator));
        EncoderBias = RegisterModule("enc_bias", new RelativePositionBias(config.NumBuckets, config.MaxDistance, config.Heads, bidirectional: true, generator));
        Encoder = RegisterModule("encoder", new ModuleList<T5EncoderBlock>(Enumerable.Range(0, config.EncoderLayers).Select(_ => new T5EncoderBlock(config, generator))));
        EncoderLn = RegisterModule("enc_ln", new LayerNorm(config.Dim));
        DecoderBias = RegisterModule("dec_bias", new RelativePositionBias(config.NumBuckets, config.MaxDistance, config.Heads, bidirectional: false, generator));
        Decoder = RegisterModule("decoder", new ModuleList<T5DecoderBlock>(Enumerable.Range(0, config.DecoderLayers).Select(_ => new T5DecoderBlock(config, generator))));
        DecoderLn = RegisterModule("dec_ln", new LayerNorm(config.Dim));
        InitializeAsT5(generator ?? Generator.Default);
    }

    /// <summary>
    /// T5's initialisation (its Mesh TensorFlow code, as <c>T5PreTrainedModel._init_weights</c>): shared embedding N(0, 1),
    /// since the head rescales by C^-0.5; each projection N(0, 1/in_features); the bias tables N(0, 1/C); LayerNorms 1 and 0.
    /// (T5 also shrinks q by 1/√d in place of the attention scale, which is kept here.)
    /// </summary>
    void InitializeAsT5(Generator g)
    {
        g.FillNormal(Shared.Weight.Data, 0f, 1f);
        foreach (var (name, p) in NamedParameters())
        {
            if (p.Rank != 2 || name == "shared.weight") continue;
            float std = name.EndsWith("table.weight", StringComparison.Ordinal) ? 1f / MathF.Sqrt(Config.Dim) : 1f / MathF.Sqrt(p.Size(1));
            g.FillNormal(p.Data, 0f, std);
        }
    }

    /// <summary>ids (B,S), attentionMask (B,S) 1 for tokens, 0 for padding, or null -> encoder output (B,S,C).</summary>
    public Tensor Encode(IntTensor ids, IntTensor? attentionMask = null)
    {
        ModelInputs.CheckIds(ids, Config.VocabSize, int.MaxValue, "T5Model input ids");
        int s = ids.Size(1);
        var x = F.Dropout(Shared.Forward(ids), Config.Dropout, Training, _generator);
        var mask = PaddingMask(ids, attentionMask, x.Device);
        var bias = EncoderBias.Forward(s, s);
        foreach (var block in Encoder) x = block.Forward(x, bias, mask);
        return F.Dropout(EncoderLn.Forward(x), Config.Dropout, Training, _generator);
    }

    /// <summary>decoderIds (B,U) (targets shifted right behind the start token), encoder output (B,S,C) -> decoder output (B,U,C).</summary>
    public Tensor Decode(IntTensor decoderIds, Tensor encoderOutput, IntTensor? encoderAttentionMask = null)
    {
        ModelInputs.CheckIds(decoderIds, Config.VocabSize, int.MaxValue, "T5Model decoder input ids");
        if (encoderOutput.Rank != 3 || encoderOutput.Size(0) != decoderIds.Size(0))
            throw new ArgumentException($"T5Model.Decode: encoder output {Shapes.Text(encoderOutput.ShapeArray)} does not match decoder ids {Shapes.Text(decoderIds.ShapeArray)}.");
        int u = decoderIds.Size(1);
        var y = F.Dropout(Shared.Forward(decoderIds), Config.Dropout, Training, _generator);
        Tensor? mask = encoderAttentionMask == null ? null : AttentionMask.FromPadding(encoderAttentionMask).To(y.Device);
        var bias = DecoderBias.Forward(u, u);
        foreach (var block in Decoder) y = block.Forward(y, bias, encoderOutput, mask);
        return F.Dropout(DecoderLn.Forward(y), Config.Dropout, Training, _generator) * (1f / MathF.Sqrt(Config.Dim));
    }

    /// <summary>Logits (B,U,V) of the decoder over the shared vocabulary.</summary>
    public Tensor Forward(IntTensor ids, IntTensor? attentionMask, IntTensor decoderIds) =>
        F.Linear(Decode(decoderIds, Encode(ids, attentionMask), attentionMask), Shared.Weight);

    /// <summary>Mean cross-entropy of the decoder against labels (B,U) (-100 ignored), the head fused into the loss.</summary>
    public Tensor Loss(IntTensor ids, IntTensor? attentionMask, IntTensor decoderIds, IntTensor labels)
    {
        ModelInputs.CheckSameShape(decoderIds, labels, "T5Model labels");
        return F.LinearCrossEntropy(Decode(decoderIds, Encode(ids, attentionMask), attentionMask), Shared.Weight, null, labels);
    }

    /// <summary>The loss on a batch from <see cref="T5ObjectiveCollator"/> or <see cref="Seq2SeqBatch.Stack"/>.</summary>
    public Tensor Loss(Seq2SeqBatch batch) =>
        Loss(batch.InputIds.ToTensor(), batch.AttentionMask.ToTensor(), batch.DecoderInputIds.ToTensor(), batch.Labels.ToTensor());

    /// <summary>
    /// Σ_u log p(label_u | input, labels_&lt;u) per row (B), labels -100 skipped; no graph. Ranking label words by it is
    /// T5-style classification without free generation (the answer is always one of the labels).
    /// </summary>
    public double[] SequenceLogLikelihood(IntTensor ids, IntTensor? attentionMask, IntTensor decoderIds, IntTensor labels)
    {
        ModelInputs.CheckSameShape(decoderIds, labels, "T5Model labels");
        using var _ = Autograd.NoGrad();
        var logits = Forward(ids, attentionMask, decoderIds);                     // (B,U,V)
        int b = labels.Size(0), u = labels.Size(1), v = Config.VocabSize;
        float[] values = logits.HostData();        // a device's logits are copied once
        var result = new double[b];
        for (int r = 0; r < b; r++)
            for (int i = 0; i < u; i++)
            {
                int target = labels.Data[r * u + i];
                if (target == Labels.IgnoreIndex) continue;
                var row = values.AsSpan((r * u + i) * v, v);
                float max = row[NextTokenPicker.ArgMax(row)];
                double sum = 0;
                foreach (float z in row) sum += Math.Exp(z - max);
                result[r] += row[target] - max - Math.Log(sum);
            }
        return result;
    }

    /// <summary>
    /// Decodes an output for one input (greedy or sampled, <see cref="GenerationConfig"/>), starting from
    /// <paramref name="decoderStartTokenId"/> (T5: the pad id 0); returns the generated ids without the start token,
    /// ending with EOS if it was produced. Eval mode and no graph; the training mode is restored. On a device only the
    /// last position's logits are copied to the host, where the next token is picked.
    /// </summary>
    public int[] Generate(ReadOnlySpan<int> input, GenerationConfig config, Generator? generator = null, int decoderStartTokenId = 0)
    {
        if (input.Length == 0) throw new ArgumentException("T5Model.Generate: the input is empty.", nameof(input));
        var g = generator ?? Generator.Default;
        var output = new List<int> { decoderStartTokenId };
        bool wasTraining = Training;
        Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var encoded = Encode(new IntTensor(input.ToArray(), 1, input.Length));
            for (int step = 0; step < config.MaxNewTokens; step++)
            {
                int u = output.Count;
                var h = Decode(new IntTensor(output.ToArray(), 1, u), encoded);        // (1,U,C)
                int next = NextTokenPicker.Pick(F.Linear(Pooling.Last(h), Shared.Weight).ToArray(), config, g,
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output));
                output.Add(next);
                if (next == config.EosTokenId) break;
            }
        }
        finally { Train(wasTraining); }
        return output.GetRange(1, output.Count - 1).ToArray();
    }

    // (B,1,1,S) on the model's device.
    static Tensor? PaddingMask(IntTensor ids, IntTensor? attentionMask, Device device)
    {
        if (attentionMask == null) return null;
        ModelInputs.CheckSameShape(ids, attentionMask, "T5Model attention mask");
        return AttentionMask.FromPadding(attentionMask).To(device);
    }
}
