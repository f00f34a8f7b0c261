namespace Curriculum.Objectives;

/// <summary>
/// One causal-LM example from a window of T+1 tokens: inputs = window[0..T), targets = window[1..T].
/// With document ids the example is boundary-aware: the target that would predict the first token of the next
/// document from the last of the previous one is <see cref="Labels.IgnoreIndex"/>, positions restart at 0 in each
/// document, and <see cref="DocumentIds"/> lets the model keep attention inside a document.
/// </summary>
public sealed record CausalLmExample(int[] InputIds, int[] Targets, int[] PositionIds, int[] DocumentIds);

/// <summary>Causal-LM examples stacked: each matrix is (B,T); padding is <c>padTokenId</c> in the inputs, -100 in the targets.</summary>
public sealed record CausalLmBatch(IntMatrix InputIds, IntMatrix Targets, IntMatrix PositionIds, IntMatrix DocumentIds, IntMatrix AttentionMask)
{
    /// <summary>
    /// Whether query position <paramref name="query"/> may attend to <paramref name="key"/> in row <paramref name="row"/>:
    /// causal (key &lt;= query), inside the same document, and not padding.
    /// </summary>
    public bool CanAttend(int row, int query, int key) =>
        key <= query && AttentionMask[row, key] == 1 && AttentionMask[row, query] == 1 && DocumentIds[row, key] == DocumentIds[row, query];
}

/// <summary>Next-token prediction (GPT; PyTorch: targets = inputs shifted by one, <c>CrossEntropyLoss(ignore_index=-100)</c>).</summary>
public sealed class CausalLmCollator
{
    public int PadTokenId { get; }

    public CausalLmCollator(int padTokenId = 0) => PadTokenId = padTokenId;

    /// <summary>
    /// An example from <paramref name="window"/> (length T+1 &gt;= 2). <paramref name="documentIds"/>, if given,
    /// has the window's length and says which document each token came from (e.g. from a packer).
    /// </summary>
    public CausalLmExample FromWindow(ReadOnlySpan<int> window, ReadOnlySpan<int> documentIds = default)
    {
        if (window.Length < 2)
            throw new ArgumentException($"a window needs at least 2 tokens (T+1), got {window.Length}.", nameof(window));
        bool aware = !documentIds.IsEmpty;
        if (aware && documentIds.Length != window.Length)
            throw new ArgumentException($"{nameof(documentIds)} has {documentIds.Length} entries, the window {window.Length}.", nameof(documentIds));
        int t = window.Length - 1;
        var inputs = window[..t].ToArray();
        var targets = window[1..].ToArray();
        var positions = new int[t];
        var documents = new int[t];
        int position = 0;
        for (int i = 0; i < t; i++)
        {
            if (aware)
            {
                if (i > 0 && documentIds[i] != documentIds[i - 1]) position = 0;
                if (documentIds[i + 1] != documentIds[i]) targets[i] = Labels.IgnoreIndex;
                documents[i] = documentIds[i];
            }
            positions[i] = position++;
        }
        return new CausalLmExample(inputs, targets, positions, documents);
    }

    /// <summary>Examples from windows (document ids optional, one array per window), padded to the longest.</summary>
    public CausalLmBatch Collate(IReadOnlyList<int[]> windows, IReadOnlyList<int[]>? documentIds = null)
    {
        if (documentIds != null && documentIds.Count != windows.Count)
            throw new ArgumentException($"{nameof(documentIds)} has {documentIds.Count} rows, {nameof(windows)} {windows.Count}.", nameof(documentIds));
        var examples = new CausalLmExample[windows.Count];
        for (int i = 0; i < windows.Count; i++)
            examples[i] = FromWindow(windows[i], documentIds != null ? documentIds[i] : default);
        var inputs = Array.ConvertAll(examples, e => e.InputIds);
        var stacked = IntMatrix.Stack(inputs, PadTokenId);
        return new CausalLmBatch(
            stacked,
            IntMatrix.Stack(Array.ConvertAll(examples, e => e.Targets), Labels.IgnoreIndex, stacked.Columns),
            IntMatrix.Stack(Array.ConvertAll(examples, e => e.PositionIds), 0, stacked.Columns),
            IntMatrix.Stack(Array.ConvertAll(examples, e => e.DocumentIds), -1, stacked.Columns),
            IntMatrix.PresenceMask(inputs, stacked.Columns));
    }
}
