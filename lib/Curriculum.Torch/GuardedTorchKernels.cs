using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.Torch;

/// <summary>
/// The device's kernels as seen by the engine: each call goes to <see cref="TorchKernels"/> with two guards.
/// <list type="bullet">
/// <item>The buffers a call reads stay reachable until libtorch returns, as .NET asks of any object whose native handle is
/// passed on: in optimised code a buffer the caller holds nowhere else (a gradient handed to <c>AddInPlace</c>, say) is
/// collectable once its tensor's handle is loaded, and its finaliser would free the native tensor while libtorch reads it.
/// (Scalars, the other such temporaries, are kept by the kernels themselves: <see cref="TorchKernels"/>.)</item>
/// <item>Where libtorch refuses an allocation (its CPU allocator or CUDA's caching allocator) the call throws
/// <see cref="DeviceOutOfMemoryException"/> naming the device and the bytes asked, instead of libtorch's own error.</item>
/// </list>
/// Every kernel result is allocated inside one of these calls, so this is the one place that sees them all
/// (<see cref="TorchBuffer"/>'s own methods, outside the kernels, guard themselves).
/// </summary>
internal sealed class GuardedTorchKernels(TorchKernels inner, string deviceName) : IDeviceKernels
{
    /// <summary>The kernels behind the guard.</summary>
    public TorchKernels Torch => inner;

    T Guard<T>(Func<T> call, params ReadOnlySpan<object?> inUse)
    {
        try { return call(); }
        catch (Exception e) when (TorchOutOfMemory.IsRefusal(e)) { throw TorchOutOfMemory.Translate(e, deviceName); }
        finally { KeepAlive(inUse); }
    }

    void Guard(Action call, params ReadOnlySpan<object?> inUse)
    {
        try { call(); }
        catch (Exception e) when (TorchOutOfMemory.IsRefusal(e)) { throw TorchOutOfMemory.Translate(e, deviceName); }
        finally { KeepAlive(inUse); }
    }

    static void KeepAlive(ReadOnlySpan<object?> inUse)
    {
        foreach (var o in inUse) GC.KeepAlive(o);
    }

    public IDeviceBuffer FromHost(ReadOnlySpan<float> values, int[] shape)
    {
        try { return inner.FromHost(values, shape); }
        catch (Exception e) when (TorchOutOfMemory.IsRefusal(e)) { throw TorchOutOfMemory.Translate(e, deviceName); }
    }

    public IDeviceBuffer Full(float value, int[] shape) =>
        Guard(() => inner.Full(value, shape));

    public void AddInPlace(IDeviceBuffer accumulator, IDeviceBuffer addend) =>
        Guard(() => inner.AddInPlace(accumulator, addend), accumulator, addend);

    public long? AllocatedBytes => inner.AllocatedBytes;
    public long? PeakAllocatedBytes => inner.PeakAllocatedBytes;
    public void ResetPeakAllocatedBytes() => inner.ResetPeakAllocatedBytes();

    public void RoundInPlace(IDeviceBuffer x, FloatFormat format) =>
        Guard(() => inner.RoundInPlace(x, format), x);

    public bool UnscaleAndCheck(IDeviceBuffer g, float inverse) =>
        Guard(() => inner.UnscaleAndCheck(g, inverse), g);

    public IDeviceBuffer Add(IDeviceBuffer a, IDeviceBuffer b, float alpha) =>
        Guard(() => inner.Add(a, b, alpha), a, b);

    public IDeviceBuffer SumToShape(IDeviceBuffer g, int[] shape, float scale) =>
        Guard(() => inner.SumToShape(g, shape, scale), g);

    public IDeviceBuffer Mul(IDeviceBuffer a, IDeviceBuffer b) =>
        Guard(() => inner.Mul(a, b), a, b);

    public IDeviceBuffer Div(IDeviceBuffer a, IDeviceBuffer b) =>
        Guard(() => inner.Div(a, b), a, b);

    public (IDeviceBuffer? Da, IDeviceBuffer? Db) MulDivBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool divide, bool needA, bool needB) =>
        Guard(() => inner.MulDivBackward(g, a, b, divide, needA, needB), g, a, b);

    public IDeviceBuffer AddScalar(IDeviceBuffer x, float c) =>
        Guard(() => inner.AddScalar(x, c), x);

    public IDeviceBuffer Exp(IDeviceBuffer x) =>
        Guard(() => inner.Exp(x), x);

    public IDeviceBuffer Log(IDeviceBuffer x) =>
        Guard(() => inner.Log(x), x);

    public IDeviceBuffer DropoutMask(int[] shape, float p, ulong seed) =>
        Guard(() => inner.DropoutMask(shape, p, seed));

    public IDeviceBuffer Scale(IDeviceBuffer x, float alpha) =>
        Guard(() => inner.Scale(x, alpha), x);

    public IDeviceBuffer Tanh(IDeviceBuffer x) =>
        Guard(() => inner.Tanh(x), x);

    public IDeviceBuffer TanhBackward(IDeviceBuffer g, IDeviceBuffer y) =>
        Guard(() => inner.TanhBackward(g, y), g, y);

    public IDeviceBuffer Relu(IDeviceBuffer x) =>
        Guard(() => inner.Relu(x), x);

    public IDeviceBuffer ReluBackward(IDeviceBuffer g, IDeviceBuffer x) =>
        Guard(() => inner.ReluBackward(g, x), g, x);

    public IDeviceBuffer Softmax(IDeviceBuffer x, int dim) =>
        Guard(() => inner.Softmax(x, dim), x);

    public IDeviceBuffer SoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim) =>
        Guard(() => inner.SoftmaxBackward(g, y, dim), g, y);

    public IDeviceBuffer LogSoftmax(IDeviceBuffer x, int dim) =>
        Guard(() => inner.LogSoftmax(x, dim), x);

    public IDeviceBuffer LogSoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim) =>
        Guard(() => inner.LogSoftmaxBackward(g, y, dim), g, y);

    public IDeviceBuffer SumAll(IDeviceBuffer x, double factor) =>
        Guard(() => inner.SumAll(x, factor), x);

    public IDeviceBuffer SumDim(IDeviceBuffer x, int dim, bool keepDim, float scale) =>
        Guard(() => inner.SumDim(x, dim, keepDim, scale), x);

    public IDeviceBuffer BroadcastTo(IDeviceBuffer g, int[] shape, float scale) =>
        Guard(() => inner.BroadcastTo(g, shape, scale), g);

    public IDeviceBuffer Permute(IDeviceBuffer x, int[] dims) =>
        Guard(() => inner.Permute(x, dims), x);

    public IDeviceBuffer IndexSelect(IDeviceBuffer x, int dim, int[] index) =>
        Guard(() => inner.IndexSelect(x, dim, index), x);

    public IDeviceBuffer IndexSelectBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index) =>
        Guard(() => inner.IndexSelectBackward(g, xShape, dim, index), g);

    public IDeviceBuffer Gather(IDeviceBuffer x, int dim, int[] index, int[] indexShape) =>
        Guard(() => inner.Gather(x, dim, index, indexShape), x);

    public IDeviceBuffer GatherBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index, int[] indexShape) =>
        Guard(() => inner.GatherBackward(g, xShape, dim, index, indexShape), g);

    public IDeviceBuffer Concat(IReadOnlyList<IDeviceBuffer> parts, int dim) =>
        Guard(() => inner.Concat(parts, dim), parts);

    public IDeviceBuffer Narrow(IDeviceBuffer x, int dim, int start, int length) =>
        Guard(() => inner.Narrow(x, dim, start, length), x);

    public IDeviceBuffer NarrowBackward(IDeviceBuffer g, int[] shape, int dim, int start) =>
        Guard(() => inner.NarrowBackward(g, shape, dim, start), g);

    public IDeviceBuffer MatMul(IDeviceBuffer a, IDeviceBuffer b, FloatFormat products) =>
        Guard(() => inner.MatMul(a, b, products), a, b);

    public (IDeviceBuffer? Da, IDeviceBuffer? Db) MatMulBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool needA, bool needB,
        FloatFormat products) =>
        Guard(() => inner.MatMulBackward(g, a, b, needA, needB, products), g, a, b);

    public IDeviceBuffer Embedding(int[] ids, int[] idsShape, IDeviceBuffer weight) =>
        Guard(() => inner.Embedding(ids, idsShape, weight), weight);

    public IDeviceBuffer EmbeddingBackward(IDeviceBuffer g, int[] ids, int numEmbeddings) =>
        Guard(() => inner.EmbeddingBackward(g, ids, numEmbeddings), g);

    public IDeviceBuffer Linear(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, FloatFormat products) =>
        Guard(() => inner.Linear(x, weight, bias, products), x, weight, bias);

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer weight, bool needX, bool needW, bool needB,
        FloatFormat products) =>
        Guard(() => inner.LinearBackward(g, x, weight, needX, needW, needB, products), g, x, weight);

    public (IDeviceBuffer Y, IDeviceBuffer Mean, IDeviceBuffer Rstd) LayerNorm(IDeviceBuffer x, IDeviceBuffer? weight, IDeviceBuffer? bias, float eps, FloatFormat statsFormat) =>
        Guard(() => inner.LayerNorm(x, weight, bias, eps, statsFormat), x, weight, bias);

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LayerNormBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer? weight, IDeviceBuffer mean, IDeviceBuffer rstd, bool needX, bool needW, bool needB) =>
        Guard(() => inner.LayerNormBackward(g, x, weight, mean, rstd, needX, needW, needB), g, x, weight, mean, rstd);

    public IDeviceBuffer Gelu(IDeviceBuffer x, GeluApproximation approximate) =>
        Guard(() => inner.Gelu(x, approximate), x);

    public IDeviceBuffer GeluBackward(IDeviceBuffer g, IDeviceBuffer x, GeluApproximation approximate) =>
        Guard(() => inner.GeluBackward(g, x, approximate), g, x);

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) SelfAttention(IDeviceBuffer qkv, int numHeads, IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats) =>
        Guard(() => inner.SelfAttention(qkv, numHeads, attnMask, isCausal, dropoutMask, scale, formats), qkv, attnMask, dropoutMask);

    public IDeviceBuffer SelfAttentionBackward(IDeviceBuffer g, IDeviceBuffer qkv, int numHeads, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats) =>
        Guard(() => inner.SelfAttentionBackward(g, qkv, numHeads, p, used, dropoutMask, scale, formats), g, qkv, p, used, dropoutMask);

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) Attention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, int numHeads, IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats) =>
        Guard(() => inner.Attention(q, k, v, numHeads, attnMask, isCausal, dropoutMask, scale, formats), q, k, v, attnMask, dropoutMask);

    public (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) AttentionBackward(IDeviceBuffer g, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, int numHeads, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats, bool needQ, bool needK, bool needV) =>
        Guard(() => inner.AttentionBackward(g, q, k, v, numHeads, p, used, dropoutMask, scale, formats, needQ, needK, needV), g, q, k, v, p, used, dropoutMask);

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) ScaledDotProductAttention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats) =>
        Guard(() => inner.ScaledDotProductAttention(q, k, v, attnMask, isCausal, dropoutMask, scale, formats), q, k, v, attnMask, dropoutMask);

    public (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) ScaledDotProductAttentionBackward(IDeviceBuffer g, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats, bool needQ, bool needK, bool needV) =>
        Guard(() => inner.ScaledDotProductAttentionBackward(g, q, k, v, p, used, dropoutMask, scale, formats, needQ, needK, needV), g, q, k, v, p, used, dropoutMask);

    public IDeviceBuffer CrossEntropy(IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, Reduction reduction) =>
        Guard(() => inner.CrossEntropy(logits, targets, ignoreIndex, labelSmoothing, reduction), logits);

    public IDeviceBuffer CrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, float scale) =>
        Guard(() => inner.CrossEntropyBackward(gLoss, logits, targets, ignoreIndex, labelSmoothing, scale), gLoss, logits);

    public (IDeviceBuffer Loss, IDeviceBuffer Logits) LinearCrossEntropy(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, int[] targets, int ignoreIndex, float labelSmoothing, Reduction reduction) =>
        Guard(() => inner.LinearCrossEntropy(x, weight, bias, targets, ignoreIndex, labelSmoothing, reduction), x, weight, bias);

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearCrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits, IDeviceBuffer x, IDeviceBuffer weight, int[] targets, int ignoreIndex, float labelSmoothing, float scale, bool needX, bool needW, bool needB) =>
        Guard(() => inner.LinearCrossEntropyBackward(gLoss, logits, x, weight, targets, ignoreIndex, labelSmoothing, scale, needX, needW, needB), gLoss, logits, x, weight);

    public double SumOfSquares(IDeviceBuffer g) =>
        Guard(() => inner.SumOfSquares(g), g);

    public void ScaleInPlace(IDeviceBuffer x, float alpha) =>
        Guard(() => inner.ScaleInPlace(x, alpha), x);

    public void AdamWUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer m, IDeviceBuffer v, float decay, float beta1, float beta2, float stepSize, float invBc2Sqrt, float eps, FloatFormat stateFormat) =>
        Guard(() => inner.AdamWUpdate(p, g, m, v, decay, beta1, beta2, stepSize, invBc2Sqrt, eps, stateFormat), p, g, m, v);

    public void SgdUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer? momentumBuffer, bool firstStep, float lr, float weightDecay, float momentum, float dampening, bool nesterov, FloatFormat stateFormat) =>
        Guard(() => inner.SgdUpdate(p, g, momentumBuffer, firstStep, lr, weightDecay, momentum, dampening, nesterov, stateFormat), p, g, momentumBuffer);
}
