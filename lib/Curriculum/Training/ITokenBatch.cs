namespace Curriculum.Training;

/// <summary>A micro-batch that knows how many tokens it trains on (for "tokens" and "tokens_per_s" in the log).</summary>
public interface ITokenBatch
{
    /// <summary>Tokens in the batch, e.g. B·T for a causal-LM batch of B rows of T positions.</summary>
    int Tokens { get; }
}
