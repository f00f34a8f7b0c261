using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>A table of learned vectors (<c>nn.Embedding</c>): weight (V,C) ~ N(0,1).</summary>
public sealed class Embedding : Module
{
    public Tensor Weight { get; }

    public Embedding(int numEmbeddings, int embeddingDim, Generator? generator = null)
    {
        Weight = RegisterParameter("weight", Tensor.Randn([numEmbeddings, embeddingDim], generator));
    }

    /// <summary>ids (...) -> (...,C).</summary>
    public Tensor Forward(IntTensor ids) => F.Embedding(ids, Weight);
}
