namespace Curriculum.Objectives;

/// <summary>An encoder-decoder example: the encoder's input and the decoder's target, as token ids.</summary>
public sealed record Seq2SeqExample(int[] InputIds, int[] TargetIds);

/// <summary>
/// Encoder-decoder examples stacked: <see cref="InputIds"/> and <see cref="AttentionMask"/> (B,S);
/// <see cref="DecoderInputIds"/> and <see cref="Labels"/> (B,U), the decoder input being the target shifted right
/// behind a start token (HF <c>shift_tokens_right</c>), labels padded with -100.
/// </summary>
public sealed record Seq2SeqBatch(IntMatrix InputIds, IntMatrix AttentionMask, IntMatrix DecoderInputIds, IntMatrix Labels)
{
    public static Seq2SeqBatch Stack(IReadOnlyList<Seq2SeqExample> examples, int padTokenId, int decoderStartTokenId)
    {
        var inputs = new int[examples.Count][];
        var targets = new int[examples.Count][];
        var decoderInputs = new int[examples.Count][];
        for (int i = 0; i < examples.Count; i++)
        {
            inputs[i] = examples[i].InputIds;
            targets[i] = examples[i].TargetIds;
            var shifted = new int[targets[i].Length];
            if (shifted.Length > 0) shifted[0] = decoderStartTokenId;
            for (int t = 1; t < shifted.Length; t++) shifted[t] = targets[i][t - 1];
            decoderInputs[i] = shifted;
        }
        var stackedInputs = IntMatrix.Stack(inputs, padTokenId);
        var labels = IntMatrix.Stack(targets, Objectives.Labels.IgnoreIndex);
        return new Seq2SeqBatch(stackedInputs, IntMatrix.PresenceMask(inputs, stackedInputs.Columns),
            IntMatrix.Stack(decoderInputs, padTokenId, labels.Columns), labels);
    }
}
