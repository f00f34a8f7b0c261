using Curriculum.Data;
namespace Curriculum.Objectives;

/// <summary>A masked-LM example: the corrupted input and, at the chosen positions only, the original token (-100 elsewhere).</summary>
public sealed record MaskedLmExample(int[] InputIds, int[] Labels);

/// <summary>Masked-LM examples stacked, each (B,T): inputs padded with the pad id, labels with -100.</summary>
public sealed record MaskedLmBatch(IntMatrix InputIds, IntMatrix AttentionMask, IntMatrix Labels);

/// <summary>
/// BERT's masked language model (Devlin et al. 2019, section 3.1 and appendix A.1): choose <see cref="MaskRate"/>
/// (15%) of the positions, never a special token; of those, 80% become [MASK], 10% a random token, 10% stay unchanged;
/// the labels hold the original token at the chosen positions. The split is configurable.
/// </summary>
public sealed class MaskedLmCollator
{
    readonly HashSet<int> special;

    public int VocabSize { get; }
    public int MaskTokenId { get; }
    public int PadTokenId { get; }
    public IReadOnlySet<int> SpecialTokenIds => special;
    public double MaskRate { get; }
    public double MaskTokenFraction { get; }
    public double RandomTokenFraction { get; }
    public MaskSelection Selection { get; }
    public int? MaxPredictions { get; }
    /// <summary>The random state: save it with a checkpoint, set it to resume the same masks.</summary>
    public SplitMix64 Random { get; }

    /// <param name="specialTokenIds">ids never chosen ([CLS], [SEP], [PAD], ...); the mask id is added to them.</param>
    public MaskedLmCollator(int vocabSize, int maskTokenId, int padTokenId, IEnumerable<int> specialTokenIds, ulong seed,
        double maskRate = 0.15, double maskTokenFraction = 0.8, double randomTokenFraction = 0.1,
        MaskSelection selection = MaskSelection.ExactCount, int? maxPredictions = null)
    {
        ObjectiveArguments.Positive(vocabSize, nameof(vocabSize));
        ObjectiveArguments.TokenId(maskTokenId, vocabSize, nameof(maskTokenId));
        ObjectiveArguments.TokenId(padTokenId, vocabSize, nameof(padTokenId));
        ObjectiveArguments.Rate(maskRate, nameof(maskRate));
        ObjectiveArguments.Rate(maskTokenFraction, nameof(maskTokenFraction));
        ObjectiveArguments.Rate(randomTokenFraction, nameof(randomTokenFraction));
        if (maskTokenFraction + randomTokenFraction > 1)
            throw new ArgumentOutOfRangeException(nameof(randomTokenFraction), randomTokenFraction,
                $"{nameof(maskTokenFraction)} + {nameof(randomTokenFraction)} must be <= 1 (the rest stay unchanged).");
        if (!Enum.IsDefined(selection)) throw new ArgumentOutOfRangeException(nameof(selection), selection, "unknown selection.");
        if (maxPredictions is <= 0) throw new ArgumentOutOfRangeException(nameof(maxPredictions), maxPredictions, $"{nameof(maxPredictions)} must be > 0.");
        special = [.. specialTokenIds, maskTokenId, padTokenId];
        (VocabSize, MaskTokenId, PadTokenId, MaskRate) = (vocabSize, maskTokenId, padTokenId, maskRate);
        (MaskTokenFraction, RandomTokenFraction, Selection, MaxPredictions) = (maskTokenFraction, randomTokenFraction, selection, maxPredictions);
        Random = new SplitMix64(seed);
    }

    /// <summary>Masks one sequence (already with its [CLS]/[SEP]); the input is not changed.</summary>
    public MaskedLmExample Mask(ReadOnlySpan<int> tokens)
    {
        var inputs = tokens.ToArray();
        var labels = new int[tokens.Length];
        labels.AsSpan().Fill(Labels.IgnoreIndex);
        int candidates = 0;
        var positions = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
            if (!special.Contains(tokens[i])) positions[candidates++] = i;

        if (Selection == MaskSelection.ExactCount)
        {
            // create_masked_lm_predictions: shuffle the candidates, take the first num_to_predict.
            int toPredict = Math.Max(1, (int)Math.Round(tokens.Length * MaskRate));
            if (MaxPredictions is int cap) toPredict = Math.Min(toPredict, cap);
            toPredict = Math.Min(toPredict, candidates);
            var chosen = positions.AsSpan(0, candidates);
            Random.Shuffle(chosen);
            chosen = chosen[..toPredict];
            chosen.Sort(); // decide in position order, so the draws below do not depend on the shuffle's order
            foreach (int p in chosen) Corrupt(inputs, labels, p);
        }
        else
        {
            for (int c = 0; c < candidates; c++)
                if (Random.NextDouble() < MaskRate) Corrupt(inputs, labels, positions[c]);
        }
        return new MaskedLmExample(inputs, labels);
    }

    // The 80/10/10 rule at one chosen position.
    void Corrupt(int[] inputs, int[] labels, int position)
    {
        labels[position] = inputs[position];
        double u = Random.NextDouble();
        if (u < MaskTokenFraction) inputs[position] = MaskTokenId;
        else if (u < MaskTokenFraction + RandomTokenFraction) inputs[position] = Random.NextInt(VocabSize);
    }

    /// <summary>Masks each sequence and pads to the longest (or <paramref name="length"/>); padding is never chosen.</summary>
    public MaskedLmBatch Collate(IReadOnlyList<int[]> sequences, int? length = null)
    {
        var inputs = new int[sequences.Count][];
        var labels = new int[sequences.Count][];
        for (int i = 0; i < sequences.Count; i++) (inputs[i], labels[i]) = Mask(sequences[i]);
        var stacked = IntMatrix.Stack(inputs, PadTokenId, length);
        return new MaskedLmBatch(stacked, IntMatrix.PresenceMask(inputs, stacked.Columns), IntMatrix.Stack(labels, Labels.IgnoreIndex, stacked.Columns));
    }
}
