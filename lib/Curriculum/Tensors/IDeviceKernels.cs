using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>
/// The coarse ops a device implements, forward and the backward pieces, on its own buffers. The front end (the ops in
/// <see cref="F"/>, the autograd tape, the optimisers) checks shapes, records the tape and calls these; a kernel never
/// records anything and keeps no autograd of its own. Shapes follow the ops in <see cref="F"/>; a backward returns new
/// buffers (null where that gradient is not needed) which the tape then owns. Every buffer passed in belongs to this device.
/// </summary>
public interface IDeviceKernels
{
    // ---- memory ----
    IDeviceBuffer FromHost(ReadOnlySpan<float> values, int[] shape);
    IDeviceBuffer Full(float value, int[] shape);
    /// <summary>accumulator += addend, in place (gradient accumulation).</summary>
    void AddInPlace(IDeviceBuffer accumulator, IDeviceBuffer addend);
    /// <summary>
    /// Bytes of device memory this device's live buffers hold now, and the most since <see cref="ResetPeakAllocatedBytes"/>
    /// (PyTorch: <c>torch.cuda.memory_allocated</c>, <c>max_memory_allocated</c>); null where the device cannot tell.
    /// </summary>
    long? AllocatedBytes { get; }
    long? PeakAllocatedBytes { get; }
    void ResetPeakAllocatedBytes();

    // ---- precision ----
    /// <summary>
    /// Each value stored in <paramref name="format"/> and read back as float32, in place: bit for bit
    /// <see cref="FloatRounding.Round(Span{float}, FloatFormat)"/> (ties to even, subnormals, overflow to inf, -0, NaN).
    /// </summary>
    void RoundInPlace(IDeviceBuffer x, FloatFormat format);
    /// <summary>g × inverse in place (a <see cref="GradScaler"/> unscaling); true when any value was inf or NaN before.</summary>
    bool UnscaleAndCheck(IDeviceBuffer g, float inverse);

    // ---- element-wise ----
    /// <summary>a + alpha·b with broadcasting (<see cref="F.Add"/>, <see cref="F.Sub"/> with alpha -1).</summary>
    IDeviceBuffer Add(IDeviceBuffer a, IDeviceBuffer b, float alpha);
    /// <summary>scale · g summed over the dimensions that broadcasting added or stretched, down to <paramref name="shape"/>.</summary>
    IDeviceBuffer SumToShape(IDeviceBuffer g, int[] shape, float scale);
    /// <summary>a ∘ b with broadcasting (<see cref="F.Mul"/>; dropout applies its mask with it, forward and backward).</summary>
    IDeviceBuffer Mul(IDeviceBuffer a, IDeviceBuffer b);
    /// <summary>a / b with broadcasting (<see cref="F.Div"/>).</summary>
    IDeviceBuffer Div(IDeviceBuffer a, IDeviceBuffer b);
    /// <summary>
    /// The gradients of a ∘ b (or a / b when <paramref name="divide"/>) for dY = g, each summed down to its input's shape:
    /// da = g·b, db = g·a (divide: da = g/b, db = -g·a/b²), each only when asked for.
    /// </summary>
    (IDeviceBuffer? Da, IDeviceBuffer? Db) MulDivBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool divide, bool needA, bool needB);
    /// <summary>x + c for a scalar c.</summary>
    IDeviceBuffer AddScalar(IDeviceBuffer x, float c);
    IDeviceBuffer Exp(IDeviceBuffer x);
    IDeviceBuffer Log(IDeviceBuffer x);
    /// <summary>Inverted-dropout factors of <paramref name="shape"/>: 0 with probability p, else 1/(1-p), from the device's RNG seeded with <paramref name="seed"/>.</summary>
    IDeviceBuffer DropoutMask(int[] shape, float p, ulong seed);

    /// <summary>alpha · x (<see cref="F.Scale"/>; its backward is the same op on dY).</summary>
    IDeviceBuffer Scale(IDeviceBuffer x, float alpha);
    IDeviceBuffer Tanh(IDeviceBuffer x);
    /// <summary>g · (1 - y²) with y = tanh(x), the forward's output.</summary>
    IDeviceBuffer TanhBackward(IDeviceBuffer g, IDeviceBuffer y);
    IDeviceBuffer Relu(IDeviceBuffer x);
    /// <summary>g where x &gt; 0, else 0.</summary>
    IDeviceBuffer ReluBackward(IDeviceBuffer g, IDeviceBuffer x);
    /// <summary>exp(x - max) / Σ exp(x - max) along <paramref name="dim"/> (non-negative).</summary>
    IDeviceBuffer Softmax(IDeviceBuffer x, int dim);
    /// <summary>y ∘ (g - Σ_dim g·y) with y the forward's output.</summary>
    IDeviceBuffer SoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim);
    /// <summary>x - max - log Σ exp(x - max) along <paramref name="dim"/> (non-negative).</summary>
    IDeviceBuffer LogSoftmax(IDeviceBuffer x, int dim);
    /// <summary>g - exp(y) · Σ_dim g with y the forward's output.</summary>
    IDeviceBuffer LogSoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim);

    // ---- reductions ----
    /// <summary>factor · Σ of all elements, accumulated in float64, as a float32 of shape ().</summary>
    IDeviceBuffer SumAll(IDeviceBuffer x, double factor);
    /// <summary>scale · Σ along <paramref name="dim"/> (non-negative), that dimension kept as 1 or removed.</summary>
    IDeviceBuffer SumDim(IDeviceBuffer x, int dim, bool keepDim, float scale);
    /// <summary>scale · g stretched to <paramref name="shape"/> by broadcasting (the backward of a sum).</summary>
    IDeviceBuffer BroadcastTo(IDeviceBuffer g, int[] shape, float scale);

    // ---- shapes and indexing ----
    /// <summary>Result dimension i is input dimension dims[i] (non-negative), copied contiguous; the backward permutes back.</summary>
    IDeviceBuffer Permute(IDeviceBuffer x, int[] dims);
    /// <summary>x with dimension <paramref name="dim"/> replaced by the entries <paramref name="index"/> picks.</summary>
    IDeviceBuffer IndexSelect(IDeviceBuffer x, int dim, int[] index);
    /// <summary>dX of <paramref name="xShape"/>: zeros with dX.index_add_(dim, index, g).</summary>
    IDeviceBuffer IndexSelectBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index);
    /// <summary><c>torch.gather</c>: index (of <paramref name="indexShape"/>, x's rank) picks along dim; the result has index's shape.</summary>
    IDeviceBuffer Gather(IDeviceBuffer x, int dim, int[] index, int[] indexShape);
    /// <summary>dX of <paramref name="xShape"/>: zeros with dX.scatter_add_(dim, index, g).</summary>
    IDeviceBuffer GatherBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index, int[] indexShape);
    /// <summary>The parts joined along <paramref name="dim"/> (non-negative); their shapes agree elsewhere.</summary>
    IDeviceBuffer Concat(IReadOnlyList<IDeviceBuffer> parts, int dim);
    /// <summary>Entries [start, start + length) of <paramref name="dim"/>, copied contiguous (a piece of a split, a part's gradient of a concat).</summary>
    IDeviceBuffer Narrow(IDeviceBuffer x, int dim, int start, int length);
    /// <summary>Zeros of <paramref name="shape"/> with g written at entries [start, start + g's length) of <paramref name="dim"/> (a split piece's gradient).</summary>
    IDeviceBuffer NarrowBackward(IDeviceBuffer g, int[] shape, int dim, int start);

    // ---- products ----
    // `products` is the format a product's operands were rounded to and its result will be rounded to
    // (DeviceOps.ProductFormat: the autocast shape), Fp32 otherwise. A device may then compute the product natively in
    // that format (16-bit operands, fp32 accumulation, the result rounded to it once) instead of in float32.

    /// <summary>a (...,M,K) @ b (K,N) or b (...,K,N) with a's batch dimensions -> (...,M,N).</summary>
    IDeviceBuffer MatMul(IDeviceBuffer a, IDeviceBuffer b, FloatFormat products);
    /// <summary>dA = dY Bᵀ; dB = Aᵀ dY (summed over the batch when b is 2-D), each only when asked for.</summary>
    (IDeviceBuffer? Da, IDeviceBuffer? Db) MatMulBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool needA, bool needB,
        FloatFormat products);

    // ---- layers ----
    /// <summary>ids (...) -> rows of weight (V,C): (...,C).</summary>
    IDeviceBuffer Embedding(int[] ids, int[] idsShape, IDeviceBuffer weight);
    /// <summary>dW (V,C) with dW[ids[i]] += g[i], g (...,C).</summary>
    IDeviceBuffer EmbeddingBackward(IDeviceBuffer g, int[] ids, int numEmbeddings);
    /// <summary>x (...,In) Wᵀ (Out,In) + b (Out) -> (...,Out); <c>products</c> as for <see cref="MatMul"/>.</summary>
    IDeviceBuffer Linear(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, FloatFormat products);
    /// <summary>dX = g W, dW = gᵀ X (products as for <see cref="MatMul"/>), db = Σrows g in float32, each only when asked for.</summary>
    (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer weight,
        bool needX, bool needW, bool needB, FloatFormat products);
    /// <summary>
    /// y = (x - mean)·rstd·w + b over the last dimension; mean and rstd (rows) are rounded to <paramref name="statsFormat"/>
    /// before y reads them, as the managed kernel rounds them, and kept for the backward.
    /// </summary>
    (IDeviceBuffer Y, IDeviceBuffer Mean, IDeviceBuffer Rstd) LayerNorm(IDeviceBuffer x, IDeviceBuffer? weight, IDeviceBuffer? bias, float eps,
        FloatFormat statsFormat);
    (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LayerNormBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer? weight,
        IDeviceBuffer mean, IDeviceBuffer rstd, bool needX, bool needW, bool needB);
    IDeviceBuffer Gelu(IDeviceBuffer x, GeluApproximation approximate);
    /// <summary>g · GELU'(x).</summary>
    IDeviceBuffer GeluBackward(IDeviceBuffer g, IDeviceBuffer x, GeluApproximation approximate);

    /// <summary>
    /// Self-attention from a fused projection qkv (B,T,3C) with H heads -> Y (B,T,C); P (B,H,T,T) the probabilities and
    /// Used = P ∘ dropoutMask (P itself without a mask), as the P·V operand, are kept for the backward. The mask is added to
    /// the scores. <paramref name="formats"/> says where values are rounded, at the points the managed op rounds them.
    /// </summary>
    (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) SelfAttention(IDeviceBuffer qkv, int numHeads, IDeviceBuffer? attnMask,
        bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats);
    /// <summary>dqkv (B,T,3C) from dY (B,T,C); dY is rounded in place to the product operands' format.</summary>
    IDeviceBuffer SelfAttentionBackward(IDeviceBuffer g, IDeviceBuffer qkv, int numHeads, IDeviceBuffer p, IDeviceBuffer used,
        IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats);

    /// <summary>
    /// Attention over projected q (B,Tq,C), k (B,Tk,C), v (B,Tk,Cv), heads as channel groups (<see cref="F.MultiHeadAttention"/>)
    /// -> Y (B,Tq,Cv); P (B,H,Tq,Tk) and Used = P ∘ dropoutMask are kept for the backward, as in <see cref="SelfAttention"/>.
    /// </summary>
    (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) Attention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, int numHeads,
        IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats);
    /// <summary>dq, dk, dv (the inputs' shapes) from dY (B,Tq,Cv), each only when asked for.</summary>
    (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) AttentionBackward(IDeviceBuffer g, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v,
        int numHeads, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats,
        bool needQ, bool needK, bool needV);

    /// <summary>
    /// <see cref="F.ScaledDotProductAttention"/>: q (B,H,Tq,D), k (B,H,Tk,D), v (B,H,Tk,Dv) -> Y (B,H,Tq,Dv); P and Used kept
    /// for the backward, rounded where the managed op rounds, as in <see cref="SelfAttention"/>.
    /// </summary>
    (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) ScaledDotProductAttention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v,
        IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats);
    /// <summary>dq, dk, dv (the inputs' shapes) from dY (B,H,Tq,Dv), each only when asked for.</summary>
    (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) ScaledDotProductAttentionBackward(IDeviceBuffer g, IDeviceBuffer q, IDeviceBuffer k,
        IDeviceBuffer v, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats,
        bool needQ, bool needK, bool needV);

    /// <summary>Loss (shape ()) of <see cref="F.CrossEntropy"/> on logits (N,C) with its options.</summary>
    IDeviceBuffer CrossEntropy(IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, Reduction reduction);
    /// <summary>dlogits (N,C) = gLoss·scale·(softmax - (1-ε)·onehot - ε/C), ignored rows 0.</summary>
    IDeviceBuffer CrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, float scale);

    /// <summary>
    /// Loss (shape ()) of CrossEntropy(x W^T + b, targets) with <see cref="F.CrossEntropy"/>'s options; the
    /// logits (N,V) are kept for the backward.
    /// </summary>
    (IDeviceBuffer Loss, IDeviceBuffer Logits) LinearCrossEntropy(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, int[] targets,
        int ignoreIndex, float labelSmoothing, Reduction reduction);
    /// <summary>With A = gLoss·scale·(softmax - (1-ε)·onehot - ε/V), ignored rows 0: dX = A W, dW = Aᵀ X, db = Σrows A.</summary>
    (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearCrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits,
        IDeviceBuffer x, IDeviceBuffer weight, int[] targets, int ignoreIndex, float labelSmoothing, float scale, bool needX, bool needW, bool needB);

    // ---- optimiser ----
    /// <summary>Σ g² in float64 (the gradient norm's share of one tensor).</summary>
    double SumOfSquares(IDeviceBuffer g);
    void ScaleInPlace(IDeviceBuffer x, float alpha);
    /// <summary>
    /// AdamW on one parameter, in place, the arithmetic of <c>Optim.AdamW</c>: m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²;
    /// p ← p·decay - stepSize · m / (√v · invBc2Sqrt + eps); m and v rounded to <paramref name="stateFormat"/> before the
    /// parameter reads them (16-bit optimiser state).
    /// </summary>
    void AdamWUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer m, IDeviceBuffer v, float decay, float beta1, float beta2,
        float stepSize, float invBc2Sqrt, float eps, FloatFormat stateFormat);
    /// <summary>
    /// SGD on one parameter, in place, the arithmetic of <c>Optim.SGD</c>: d = g + wd·p; with momentum, b ← d at the first
    /// step, else μ b + (1 - dampening) d, rounded to <paramref name="stateFormat"/>, and d = b (Nesterov: d + μ b); p ← p - lr·d.
    /// <paramref name="momentumBuffer"/> is null without momentum.
    /// </summary>
    void SgdUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer? momentumBuffer, bool firstStep, float lr, float weightDecay,
        float momentum, float dampening, bool nesterov, FloatFormat stateFormat);
}
