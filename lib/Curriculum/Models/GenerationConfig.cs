namespace Curriculum.Models;

/// <summary>
/// How to pick generated tokens (Hugging Face's <c>GenerationConfig</c>): greedy (argmax) when <see cref="DoSample"/> is
/// false; otherwise sample from softmax(logits / <see cref="Temperature"/>) restricted to the <see cref="TopK"/> most likely
/// tokens (0 = all) and then to the fewest whose probabilities add up to <see cref="TopP"/> (1 = all). Before either,
/// <see cref="RepetitionPenalty"/> (1 = none) and <see cref="NoRepeatNgramSize"/> (0 = none) change the logits from the
/// tokens so far (<see cref="LogitsProcessors"/>). Generation stops early after <see cref="EosTokenId"/>.
/// </summary>
public sealed record GenerationConfig(int MaxNewTokens, bool DoSample = false, float Temperature = 1f, int TopK = 0, int? EosTokenId = null)
{
    public float TopP { get; init; } = 1f;
    public float RepetitionPenalty { get; init; } = 1f;
    public int NoRepeatNgramSize { get; init; }

    public static GenerationConfig Greedy(int maxNewTokens, int? eosTokenId = null) => new(maxNewTokens, false, 1f, 0, eosTokenId);

    public static GenerationConfig Sampling(int maxNewTokens, float temperature = 1f, int topK = 0, int? eosTokenId = null) =>
        new(maxNewTokens, true, temperature, topK, eosTokenId);

    public void Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "GenerationConfig: MaxNewTokens must be >= 0.");
        if (DoSample && !(Temperature > 0f)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "GenerationConfig: sampling needs a temperature > 0 (use greedy for the argmax).");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "GenerationConfig: TopK must be >= 0 (0 keeps every token).");
        if (!(TopP > 0f && TopP <= 1f)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "GenerationConfig: TopP must be in (0, 1] (1 keeps every token).");
        if (!(RepetitionPenalty > 0f)) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "GenerationConfig: RepetitionPenalty must be > 0 (1 = none; above 1 discourages repeats).");
        if (NoRepeatNgramSize < 0) throw new ArgumentOutOfRangeException(nameof(NoRepeatNgramSize), NoRepeatNgramSize, "GenerationConfig: NoRepeatNgramSize must be >= 0 (0 = none).");
    }
}
