using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>
/// A causal-LM micro-batch: <see cref="Inputs"/> and <see cref="Targets"/> (B,T), targets the inputs shifted by one;
/// <see cref="Sources"/>[b] is the stream row b was drawn from (for mixtures).
/// </summary>
public sealed record LmBatch(IntTensor Inputs, IntTensor Targets, int[] Sources) : ITokenBatch
{
    public int Tokens => Inputs.Numel;
}
