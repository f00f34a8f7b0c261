using System.Text.Json.Nodes;
using Curriculum.Json;
using Curriculum.Precision;

namespace Curriculum.Training;

/// <summary>
/// Everything besides the tensors that a resumed run needs to continue exactly: the optimiser step (the schedule is
/// a function of it), tokens seen, the LR scale left by rollbacks, the seed the per-step dropout stream is derived
/// from, the guard's counters and loss window, the data stream's position, and the loss scaler's scale and growth
/// tracker (<see cref="LossScaler"/>, null without loss scaling). <see cref="Model"/>, <see cref="Optimizer"/>,
/// <see cref="Threads"/>, <see cref="Schedule"/> and <see cref="TotalSteps"/> are recorded to explain a mismatch or a
/// changed plan; <see cref="Precision"/> (the policy's name) must match the resuming trainer's. A state written before
/// precision was recorded reads as "fp32", one written before the step budget was recorded has no <see cref="TotalSteps"/>.
/// </summary>
public sealed record TrainerState(
    long Step,
    long Tokens,
    double LrScale,
    ulong Seed,
    int NonFiniteStreak,
    int Rollbacks,
    double[] SpikeHistory,
    JsonObject Source,
    string Model,
    string Optimizer,
    int Threads,
    string Schedule,
    string Precision = "fp32",
    GradScalerState? LossScaler = null,
    long? TotalSteps = null)
{
    public string ToJson()
    {
        var history = new JsonArray();
        foreach (var v in SpikeHistory) history.Add(v);
        var o = new JsonObject
        {
            ["step"] = Step,
            ["tokens"] = Tokens,
            ["lr_scale"] = LrScale,
            ["seed"] = Seed,
            ["nonfinite_streak"] = NonFiniteStreak,
            ["rollbacks"] = Rollbacks,
            ["spike_history"] = history,
            ["source"] = Source.DeepClone(),
            ["model"] = Model,
            ["optimizer"] = Optimizer,
            ["threads"] = Threads,
            ["schedule"] = Schedule,
            ["precision"] = Precision,
        };
        if (TotalSteps is long total) o["total_steps"] = total;
        if (LossScaler is { } ls) o["loss_scaler"] = new JsonObject { ["scale"] = (double)ls.Scale, ["growth_tracker"] = ls.GrowthTracker };
        return o.ToJsonString();
    }

    /// <summary>Parses <see cref="ToJson"/>'s output; errors name <paramref name="origin"/> and the field.</summary>
    public static TrainerState FromJson(string json, string origin)
    {
        JsonObject o;
        try { o = StrictJson.ParseNode(json) as JsonObject ?? throw new InvalidDataException($"{origin}: the trainer state is not a JSON object."); }
        catch (JsonTextException e) { throw new InvalidDataException($"{origin}: the trainer state is not valid JSON ({e.Message}).", e); }
        T Get<T>(string field) => Field<T>(o, field, origin, "");
        var historyNode = o["spike_history"] as JsonArray ?? throw new InvalidDataException($"{origin}: trainer state field 'spike_history' is missing or not an array.");
        var history = new double[historyNode.Count];
        for (int i = 0; i < history.Length; i++)
            history[i] = historyNode[i] is JsonValue v && v.TryGetValue(out double d) ? d
                : throw new InvalidDataException($"{origin}: trainer state field 'spike_history[{i}]' is not a number.");
        var source = o["source"] as JsonObject ?? throw new InvalidDataException($"{origin}: trainer state field 'source' is missing or not an object.");
        GradScalerState? scaler = null;
        if (o["loss_scaler"] is JsonNode ls)
        {
            var lo = ls as JsonObject ?? throw new InvalidDataException($"{origin}: trainer state field 'loss_scaler' is not an object.");
            scaler = new GradScalerState((float)Field<double>(lo, "scale", origin, "loss_scaler."), Field<int>(lo, "growth_tracker", origin, "loss_scaler."));
        }
        return new TrainerState(Get<long>("step"), Get<long>("tokens"), Get<double>("lr_scale"), Get<ulong>("seed"),
            Get<int>("nonfinite_streak"), Get<int>("rollbacks"), history, (JsonObject)source.DeepClone(),
            Get<string>("model"), Get<string>("optimizer"), Get<int>("threads"), Get<string>("schedule"),
            o.ContainsKey("precision") ? Get<string>("precision") : "fp32", scaler,
            o.ContainsKey("total_steps") ? Get<long>("total_steps") : null);
    }

    static T Field<T>(JsonObject o, string field, string origin, string prefix)
    {
        try { return o[field] is JsonNode n ? n.GetValue<T>() : throw new InvalidDataException($"{origin}: trainer state field '{prefix}{field}' is missing."); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{origin}: trainer state field '{prefix}{field}' is not a {typeof(T).Name}.", e);
        }
    }
}
