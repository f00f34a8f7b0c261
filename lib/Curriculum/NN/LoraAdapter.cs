using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// LoRA (Hu et al. 2021): a frozen weight W (Out,In) gets a trainable low-rank bypass,
///   y = x Wᵀ + b + (α/r) · (dropout(x) Aᵀ) Bᵀ,   A (r,In), B (Out,r),
/// with B = 0 at the start, so the adapted layer computes exactly what the pre-trained one did.
/// <see cref="Merge"/> folds ΔW = (α/r)·B·A into W for inference (no extra latency); <see cref="Unmerge"/> takes it out again.
/// PEFT's <c>lora.Linear</c>; parameters "A" and "B" (PEFT: lora_A.weight, lora_B.weight).
/// </summary>
public sealed class LoraAdapter : LinearAdapter
{
    public Linear Layer { get; }
    /// <summary>Down-projection (r,In).</summary>
    public Tensor A { get; }
    /// <summary>Up-projection (Out,r), zero at the start.</summary>
    public Tensor B { get; }
    public int Rank { get; }
    public float Alpha { get; }
    /// <summary>α/r: keeps the update's size comparable when r changes, so the learning rate need not be retuned.</summary>
    public float Scaling => Alpha / Rank;
    public float DropoutP { get; }
    /// <summary>True while ΔW sits inside the layer's weight (the bypass is then skipped).</summary>
    public bool Merged { get; private set; }
    readonly Generator? _generator;

    /// <summary>A bypass for <paramref name="layer"/>; attach it with <c>layer.AttachAdapter("lora", adapter)</c> (or use <see cref="Lora.Apply"/>).</summary>
    public LoraAdapter(Linear layer, int rank, float alpha, LoraInit init = LoraInit.Gaussian, float dropout = 0f, Generator? generator = null)
    {
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), rank, "LoraAdapter: the rank r must be at least 1.");
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LoraAdapter: alpha must be positive.");
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "LoraAdapter: dropout must be in [0, 1).");
        Layer = layer;
        Rank = rank;
        Alpha = alpha;
        DropoutP = dropout;
        _generator = generator;
        var a = Tensor.Zeros(rank, layer.InFeatures);
        var g = generator ?? Generator.Default;
        if (init == LoraInit.Gaussian) g.FillNormal(a.Data, 0f, 1f / rank);
        else { float bound = 1f / MathF.Sqrt(layer.InFeatures); g.FillUniform(a.Data, -bound, bound); }
        A = RegisterParameter("A", a);
        B = RegisterParameter("B", Tensor.Zeros(layer.OutFeatures, rank));
    }

    /// <summary>Number of trainable elements r·(In + Out), against In·Out for the full weight.</summary>
    public long TrainableCount => (long)Rank * (Layer.InFeatures + Layer.OutFeatures);

    /// <summary>x (...,In) -> x Wᵀ + b + (α/r)·(x Aᵀ) Bᵀ (...,Out); just x Wᵀ + b while merged.</summary>
    public override Tensor Forward(Linear layer, Tensor x)
    {
        var y = F.Linear(x, layer.Weight, layer.Bias);
        if (Merged) return y;
        var down = F.Linear(F.Dropout(x, DropoutP, Training, _generator), A);   // (...,r)
        return y + F.Linear(down, B) * Scaling;                                   // (...,Out)
    }

    /// <summary>ΔW = (α/r)·B·A (Out,In), computed without recording a graph.</summary>
    public Tensor DeltaWeight()
    {
        using var _ = Autograd.NoGrad();
        return F.MatMul(B.Detach(), A.Detach()) * Scaling;
    }

    /// <summary>W ← W + ΔW; the forward pass then costs what the base layer's does.</summary>
    public void Merge()
    {
        if (Merged) throw new InvalidOperationException("LoraAdapter.Merge: already merged.");
        var delta = DeltaWeight().Data;
        var w = Layer.Weight.Data;
        for (int i = 0; i < w.Length; i++) w[i] += delta[i];
        Merged = true;
    }

    /// <summary>W ← W − ΔW, back to the frozen base weight (up to float rounding) and a live bypass.</summary>
    public void Unmerge()
    {
        if (!Merged) throw new InvalidOperationException("LoraAdapter.Unmerge: not merged.");
        var delta = DeltaWeight().Data;
        var w = Layer.Weight.Data;
        for (int i = 0; i < w.Length; i++) w[i] -= delta[i];
        Merged = false;
    }
}
