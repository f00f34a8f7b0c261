using System.Text.Json.Nodes;
using Curriculum.Objectives;
using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>
/// Masked-LM micro-batches: each row of the inner source's inputs masked by a <see cref="MaskedLmCollator"/>
/// (BERT's 15%, 80/10/10). <see cref="LmBatch.Inputs"/> are the corrupted ids and <see cref="LmBatch.Targets"/> the
/// original ids at the chosen positions, <see cref="Labels.IgnoreIndex"/> elsewhere; the inner targets are not used.
/// Masking is part of the data stream, as in Hugging Face's <c>DataCollatorForLanguageModeling</c> (dynamic masking,
/// RoBERTa): the collator's generator state is saved with the inner source's position, so a resumed run draws the
/// same masks as the uninterrupted one.
/// </summary>
public sealed class MaskedLmSource(IBatchSource<LmBatch> inner, MaskedLmCollator collator) : IBatchSource<LmBatch>
{
    public IBatchSource<LmBatch> Inner { get; } = inner;
    public MaskedLmCollator Collator { get; } = collator;

    public LmBatch Next(double progress)
    {
        var batch = Inner.Next(progress);
        int b = batch.Inputs.Size(0), t = batch.Inputs.Size(1);
        var ids = new int[b * t];
        var labels = new int[b * t];
        for (int r = 0; r < b; r++)
        {
            var masked = Collator.Mask(batch.Inputs.Data.AsSpan(r * t, t));
            masked.InputIds.CopyTo(ids, r * t);
            masked.Labels.CopyTo(labels, r * t);
        }
        return new LmBatch(new IntTensor(ids, b, t), new IntTensor(labels, b, t), batch.Sources);
    }

    public JsonObject SaveState() => new()
    {
        ["kind"] = nameof(MaskedLmSource),
        ["mask_state"] = Collator.Random.State,
        ["inner"] = Inner.SaveState(),
    };

    public void LoadState(JsonObject state, string origin)
    {
        string where = $"{origin}: data stream state";
        string? kind = state["kind"] is JsonValue v && v.TryGetValue<string>(out var k) ? k : null;
        if (kind != nameof(MaskedLmSource))
            throw new InvalidDataException($"{where}: kind is '{state["kind"]}', this source is a {nameof(MaskedLmSource)} (masked LM).");
        var inner = state["inner"] as JsonObject ?? throw new InvalidDataException($"{where}: field 'inner' is missing or not an object.");
        ulong maskState;
        try { maskState = state["mask_state"] is JsonNode n ? n.GetValue<ulong>() : throw new InvalidDataException($"{where}: field 'mask_state' is missing."); }
        catch (Exception e) when (e is FormatException or InvalidOperationException) { throw new InvalidDataException($"{where}: field 'mask_state' is not an unsigned 64-bit integer.", e); }
        Inner.LoadState(inner, origin);   // checks everything before changing anything
        Collator.Random.State = maskState;
    }
}
