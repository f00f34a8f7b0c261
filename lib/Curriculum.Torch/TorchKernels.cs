using System.Runtime.InteropServices;
using Curriculum.Precision;
using Curriculum.Tensors;
using TorchSharp;
using static TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Curriculum.Torch;

/// <summary>
/// The coarse ops of <see cref="IDeviceKernels"/> written with libtorch ops on one torch device (CPU or CUDA). No tensor
/// here requires a gradient, so libtorch records no graph: the engine's tape calls the backward pieces below, which are
/// the same formulas as the managed ops' backward (e.g. linear: dX = dY W, dW = dYᵀ X, db = Σrows dY). Temporaries live in
/// a dispose scope per call and are freed when it returns; the results leave the scope inside a <see cref="TorchBuffer"/>.
/// </summary>
internal sealed class TorchKernels(torch.Device torchDevice) : IDeviceKernels
{
    Device? _device;

    /// <summary>The engine's device these kernels belong to (set once, when the device is made).</summary>
    internal Device Device { get => _device!; set => _device = value; }

    static TT T(IDeviceBuffer b) => ((TorchBuffer)b).Value;
    static TT? T0(IDeviceBuffer? b) => b == null ? null : ((TorchBuffer)b).Value;
    IDeviceBuffer Wrap(TT t) => new TorchBuffer(Device, t.MoveToOuterDisposeScope());
    IDeviceBuffer? WrapIf(TT? t) => t is null ? null : Wrap(t);
    static long[] Dims(IReadOnlyList<int> shape) => shape.Select(d => (long)d).ToArray();
    TT Long(int[] values) => torch.tensor(Array.ConvertAll(values, v => (long)v), device: torchDevice);

    // Every scalar handed to libtorch is an explicit Scalar that outlives the call: a constant below, or a `using` local.
    // TorchSharp's implicit float -> Scalar makes a temporary that its finaliser may free while libtorch still reads it;
    // its add(x) is add(x, 1) with such a temporary, so additions here name their alpha (NoImplicitTorchScalarsTests).
    static readonly Scalar Zero = 0.ToScalar(), One = 1.ToScalar(), Two = 2.ToScalar(), Three = 3.ToScalar();
    static readonly Scalar PointFive = 0.5.ToScalar(), MinusPointFive = (-0.5).ToScalar(), NegativeInfinity = float.NegativeInfinity.ToScalar();

    // ---- memory ----
    public IDeviceBuffer FromHost(ReadOnlySpan<float> values, int[] shape)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(torch.tensor(values.ToArray(), Dims(shape), device: torchDevice));
    }

    public IDeviceBuffer Full(float value, int[] shape)
    {
        using var scope = torch.NewDisposeScope();
        using var fill = value.ToScalar();
        return Wrap(torch.full(Dims(shape), fill, dtype: torch.ScalarType.Float32, device: torchDevice));
    }

    public void AddInPlace(IDeviceBuffer accumulator, IDeviceBuffer addend) => T(accumulator).add_(T(addend), One);

    /// <summary>The bytes this device's live buffers hold (<see cref="TorchMemoryCounter"/>).</summary>
    internal TorchMemoryCounter Memory { get; } = new();
    public long? AllocatedBytes => Memory.AllocatedBytes;
    public long? PeakAllocatedBytes => Memory.PeakAllocatedBytes;
    public void ResetPeakAllocatedBytes() => Memory.ResetPeak();

    // ---- precision ----
    public void RoundInPlace(IDeviceBuffer x, FloatFormat format) => Round(T(x), format);

    /// <summary>
    /// t (float32, contiguous, owning its elements) rounded in place. In CPU memory: <see cref="FloatRounding"/> itself on
    /// the elements, so bit for bit the managed device's rounding. On a GPU: libtorch's casts, which round to nearest
    /// even with the same overflow and subnormals; a NaN is kept as it was (FloatRounding also clears its low payload bits).
    /// </summary>
    static void Round(TT t, FloatFormat format)
    {
        if (format == FloatFormat.Fp32) return;
        if (!t.is_contiguous())
        {
            using var dense = t.contiguous();
            Round(dense, format);
            t.copy_(dense);
            return;
        }
        if (t.device_type == DeviceType.CPU)
        {
            FloatRounding.Round(MemoryMarshal.Cast<byte, float>(t.bytes), format);
            GC.KeepAlive(t);                   // the span points into t's memory: t must outlive the writes
            return;
        }
        using var scope = torch.NewDisposeScope();
        var low = format == FloatFormat.Bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float16;
        t.copy_(t.to_type(low).to_type(torch.ScalarType.Float32).where(t.isnan().logical_not(), t));
    }

    // A rounded copy of t (t itself for fp32): an operand as a 16-bit cast would hold it; the master copy is untouched.
    static TT Rounded(TT t, FloatFormat format)
    {
        if (format == FloatFormat.Fp32) return t;
        var copy = t.contiguous().clone();
        Round(copy, format);
        return copy;
    }

    // A fresh result rounded in place and returned.
    static TT RoundedResult(TT t, FloatFormat format)
    {
        Round(t, format);
        return t;
    }

    /// <summary>
    /// Whether a product in a 16-bit format (the autocast shape: operands and result in that format) runs natively: operands cast
    /// to bf16/fp16 (exact: they are already rounded to it), libtorch's 16-bit GEMM (cuBLAS on CUDA: tensor cores, fp32
    /// accumulation), the result rounded to the format once and cast back to float32, where the emulation keeps its
    /// rounded fp32 copy. True on CUDA. False on CPU, where libtorch's 16-bit GEMMs are slow: the product runs in fp32 on
    /// the rounded operands and the caller rounds the result, bit for bit the managed device. Tests set it on torch-cpu.
    /// </summary>
    internal bool NativeHalfProducts { get; set; } = torchDevice.type == DeviceType.CUDA;

    /// <summary>The kernels of a libtorch device (behind its guards, <see cref="GuardedTorchKernels"/>).</summary>
    internal static TorchKernels Of(Device device) => ((GuardedTorchKernels)device.Kernels!).Torch;

    // The dtype a product in `products` computes in: the 16-bit type on the native path, null for float32.
    torch.ScalarType? NativeType(FloatFormat products) => !NativeHalfProducts ? null : products switch
    {
        FloatFormat.Bf16 => torch.ScalarType.BFloat16,
        FloatFormat.Fp16 => torch.ScalarType.Float16,
        _ => null,
    };

    // a @ b (torch.matmul), natively in `products` or in float32; float32 out.
    TT Product(TT a, TT b, FloatFormat products) => NativeType(products) is { } low
        ? GuardedMatMul(a.to_type(low), b.to_type(low)).to_type(torch.ScalarType.Float32)
        : GuardedMatMul(a, b);

    public bool UnscaleAndCheck(IDeviceBuffer g, float inverse)
    {
        using var scope = torch.NewDisposeScope();
        var t = T(g);
        using var by = inverse.ToScalar();
        bool found = !t.isfinite().all().item<bool>();
        t.mul_(by);
        return found;
    }

    // ---- element-wise ----
    public IDeviceBuffer Add(IDeviceBuffer a, IDeviceBuffer b, float alpha)
    {
        using var scope = torch.NewDisposeScope();
        using var a1 = alpha.ToScalar();
        return Wrap(T(a).add(T(b), a1));
    }

    public IDeviceBuffer SumToShape(IDeviceBuffer g, int[] shape, float scale)
    {
        using var scope = torch.NewDisposeScope();
        using var by = scale.ToScalar();
        return Wrap(SumTo(T(g), shape).mul(by));
    }

    // t summed over the leading dimensions broadcasting added and the ones it stretched from 1, reshaped to shape.
    static TT SumTo(TT t, IReadOnlyList<int> shape)
    {
        int lead = (int)t.dim() - shape.Count;
        if (lead > 0) t = t.sum(Enumerable.Range(0, lead).Select(i => (long)i).ToArray());
        var stretched = Enumerable.Range(0, shape.Count).Where(i => shape[i] == 1 && t.shape[i] != 1).Select(i => (long)i).ToArray();
        if (stretched.Length > 0) t = t.sum(stretched, keepdim: true);
        return t.reshape(Dims(shape));
    }

    public IDeviceBuffer Mul(IDeviceBuffer a, IDeviceBuffer b)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(a).mul(T(b)));
    }

    public IDeviceBuffer Div(IDeviceBuffer a, IDeviceBuffer b)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(a).div(T(b)));
    }

    public (IDeviceBuffer? Da, IDeviceBuffer? Db) MulDivBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool divide,
        bool needA, bool needB)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), at = T(a), bt = T(b);
        var da = !needA ? null : divide ? gt.div(bt) : gt.mul(bt);                       // g/b or g·b
        var db = !needB ? null : divide ? gt.mul(at).div(bt.mul(bt)).neg() : gt.mul(at);   // -g·a/b² or g·a
        return (WrapIf(da is null ? null : SumTo(da, a.Shape)), WrapIf(db is null ? null : SumTo(db, b.Shape)));
    }

    public IDeviceBuffer AddScalar(IDeviceBuffer x, float c)
    {
        using var scope = torch.NewDisposeScope();
        using var c1 = c.ToScalar();
        return Wrap(T(x).add(c1, One));
    }

    public IDeviceBuffer Exp(IDeviceBuffer x)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).exp());
    }

    public IDeviceBuffer Log(IDeviceBuffer x)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).log());
    }

    public IDeviceBuffer DropoutMask(int[] shape, float p, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(seed, torchDevice);
        var u = torch.rand(Dims(shape), dtype: torch.ScalarType.Float32, device: torchDevice, generator: generator);
        // Dropped where u < p, as the managed mask; kept elements scaled by 1/(1-p).
        using var p1 = p.ToScalar();
        using var keptScale = (1f / (1f - p)).ToScalar();
        return Wrap(u.ge(p1).to_type(torch.ScalarType.Float32).mul(keptScale));
    }

    public IDeviceBuffer Scale(IDeviceBuffer x, float alpha)
    {
        using var scope = torch.NewDisposeScope();
        using var by = alpha.ToScalar();
        return Wrap(T(x).mul(by));
    }

    public IDeviceBuffer Tanh(IDeviceBuffer x)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).tanh());
    }

    public IDeviceBuffer TanhBackward(IDeviceBuffer g, IDeviceBuffer y)
    {
        using var scope = torch.NewDisposeScope();
        var yt = T(y);
        return Wrap(T(g).mul(yt.mul(yt).neg().add(One, One)));
    }

    public IDeviceBuffer Relu(IDeviceBuffer x)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(relu(T(x)));
    }

    public IDeviceBuffer ReluBackward(IDeviceBuffer g, IDeviceBuffer x)
    {
        using var scope = torch.NewDisposeScope();
        var gt = T(g);
        return Wrap(gt.where(T(x).gt(Zero), torch.zeros_like(gt)));
    }

    public IDeviceBuffer Softmax(IDeviceBuffer x, int dim)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(softmax(T(x), dim));
    }

    public IDeviceBuffer SoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), yt = T(y);
        return Wrap(yt.mul(gt.sub(gt.mul(yt).sum([(long)dim], keepdim: true))));
    }

    public IDeviceBuffer LogSoftmax(IDeviceBuffer x, int dim)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(log_softmax(T(x), dim));
    }

    public IDeviceBuffer LogSoftmaxBackward(IDeviceBuffer g, IDeviceBuffer y, int dim)
    {
        using var scope = torch.NewDisposeScope();
        var gt = T(g);
        return Wrap(gt.sub(T(y).exp().mul(gt.sum([(long)dim], keepdim: true))));
    }

    // ---- reductions ----
    public IDeviceBuffer SumAll(IDeviceBuffer x, double factor)
    {
        using var scope = torch.NewDisposeScope();
        using var by = factor.ToScalar();
        return Wrap(T(x).sum(type: torch.ScalarType.Float64).mul(by).to_type(torch.ScalarType.Float32));
    }

    public IDeviceBuffer SumDim(IDeviceBuffer x, int dim, bool keepDim, float scale)
    {
        using var scope = torch.NewDisposeScope();
        var sum = T(x).sum([(long)dim], keepdim: keepDim);
        using var by = scale.ToScalar();
        return Wrap(scale == 1f ? sum : sum.mul(by));
    }

    public IDeviceBuffer BroadcastTo(IDeviceBuffer g, int[] shape, float scale)
    {
        using var scope = torch.NewDisposeScope();
        using var by = scale.ToScalar();
        return Wrap(T(g).mul(by).expand(Dims(shape)).contiguous());
    }

    // ---- shapes and indexing ----
    public IDeviceBuffer Permute(IDeviceBuffer x, int[] dims)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).permute(Array.ConvertAll(dims, d => (long)d)).contiguous());
    }

    public IDeviceBuffer IndexSelect(IDeviceBuffer x, int dim, int[] index)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).index_select(dim, Long(index)));
    }

    public IDeviceBuffer IndexSelectBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index)
    {
        using var scope = torch.NewDisposeScope();
        var dx = torch.zeros(Dims(xShape), dtype: torch.ScalarType.Float32, device: torchDevice);
        return Wrap(dx.index_add_(dim, Long(index), T(g), One));
    }

    public IDeviceBuffer Gather(IDeviceBuffer x, int dim, int[] index, int[] indexShape)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).gather(dim, Long(index).reshape(Dims(indexShape))));
    }

    public IDeviceBuffer GatherBackward(IDeviceBuffer g, int[] xShape, int dim, int[] index, int[] indexShape)
    {
        using var scope = torch.NewDisposeScope();
        var dx = torch.zeros(Dims(xShape), dtype: torch.ScalarType.Float32, device: torchDevice);
        return Wrap(dx.scatter_add_(dim, Long(index).reshape(Dims(indexShape)), T(g)));
    }

    public IDeviceBuffer Concat(IReadOnlyList<IDeviceBuffer> parts, int dim)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(torch.cat(parts.Select(T).ToArray(), dim));
    }

    public IDeviceBuffer Narrow(IDeviceBuffer x, int dim, int start, int length)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(T(x).narrow(dim, start, length).contiguous());
    }

    public IDeviceBuffer NarrowBackward(IDeviceBuffer g, int[] shape, int dim, int start)
    {
        using var scope = torch.NewDisposeScope();
        var gt = T(g);
        var dx = torch.zeros(Dims(shape), dtype: torch.ScalarType.Float32, device: torchDevice);
        dx.narrow(dim, start, gt.shape[dim]).copy_(gt);
        return Wrap(dx);
    }

    // ---- products ----
    /// <summary>
    /// a (...,M,K) @ b (K,N) or b (...,K,N) with a's batch dimensions, through mm and bmm: TorchSharp's native matmul
    /// (0.107) lets a libtorch error such as a refused allocation escape as a C++ exception, which ends the process; mm
    /// and bmm hand it to .NET as an exception.
    /// </summary>
    static TT GuardedMatMul(TT a, TT b)
    {
        long k = a.shape[^1], n = b.shape[^1];
        if (a.dim() == 2 && b.dim() == 2) return a.mm(b);
        long[] result = [.. a.shape[..^1], n];
        if (b.dim() == 2) return a.reshape(-1, k).mm(b).reshape(result);
        return a.reshape(-1, a.shape[^2], k).bmm(b.reshape(-1, k, n)).reshape(result);
    }

    public IDeviceBuffer MatMul(IDeviceBuffer a, IDeviceBuffer b, FloatFormat products)
    {
        using var scope = torch.NewDisposeScope();
        return Wrap(Product(T(a), T(b), products));
    }

    public (IDeviceBuffer? Da, IDeviceBuffer? Db) MatMulBackward(IDeviceBuffer g, IDeviceBuffer a, IDeviceBuffer b, bool needA, bool needB,
        FloatFormat products)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), at = T(a), bt = T(b);
        var da = needA ? Product(gt, bt.transpose(-2, -1), products) : null;            // (...,M,K) = dY Bᵀ
        TT? db = null;
        if (needB)
            db = bt.dim() == 2
                ? Product(at.reshape(-1, at.shape[^1]).t(), gt.reshape(-1, gt.shape[^1]), products)   // (K,N) = Aᵀ dY, the batch folded into rows
                : Product(at.transpose(-2, -1), gt, products);                                       // (...,K,N) per batch
        return (WrapIf(da), WrapIf(db));
    }

    // ---- layers ----
    public IDeviceBuffer Embedding(int[] ids, int[] idsShape, IDeviceBuffer weight)
    {
        using var scope = torch.NewDisposeScope();
        var w = T(weight);
        var rows = w.index_select(0, Long(ids));
        return Wrap(rows.reshape([.. Dims(idsShape), w.shape[1]]));
    }

    public IDeviceBuffer EmbeddingBackward(IDeviceBuffer g, int[] ids, int numEmbeddings)
    {
        using var scope = torch.NewDisposeScope();
        var gt = T(g);
        long c = gt.shape[^1];
        var dw = torch.zeros([numEmbeddings, c], dtype: torch.ScalarType.Float32, device: torchDevice);
        return Wrap(dw.index_add_(0, Long(ids), gt.reshape(-1, c), One));
    }

    public IDeviceBuffer Linear(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, FloatFormat products)
    {
        using var scope = torch.NewDisposeScope();
        if (NativeType(products) is not { } low) return Wrap(linear(T(x), T(weight), T0(bias)));
        // The bias joins in the GEMM's epilogue (fp32), as the emulation's bias is its GEMM's starting sum.
        return Wrap(linear(T(x).to_type(low), T(weight).to_type(low), T0(bias)?.to_type(low)).to_type(torch.ScalarType.Float32));
    }

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer weight,
        bool needX, bool needW, bool needB, FloatFormat products)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), w = T(weight);
        var g2 = gt.reshape(-1, w.shape[0]);                              // (R,Out)
        var dx = needX ? Product(gt, w, products) : null;                 // (...,In) = dY W
        var dw = needW ? Product(g2.t(), T(x).reshape(-1, w.shape[1]), products) : null;   // (Out,In) = dYᵀ X
        var db = needB ? g2.sum([0L]) : null;                                // (Out)
        return (WrapIf(dx), WrapIf(dw), WrapIf(db));
    }

    public (IDeviceBuffer Y, IDeviceBuffer Mean, IDeviceBuffer Rstd) LayerNorm(IDeviceBuffer x, IDeviceBuffer? weight, IDeviceBuffer? bias, float eps,
        FloatFormat statsFormat)
    {
        using var scope = torch.NewDisposeScope();
        var xt = T(x);
        var mean = xt.mean([-1L], keepdim: true);                         // (...,1)
        var xc = xt.sub(mean);
        using var eps1 = eps.ToScalar();
        var rstd = xc.mul(xc).mean([-1L], keepdim: true).add(eps1, One).rsqrt();   // 1/sqrt(biased var + eps)
        if (statsFormat != FloatFormat.Fp32)
        {
            // The managed kernel rounds the row statistics, then normalises with them: x - mean again with the rounded mean.
            Round(mean, statsFormat);
            Round(rstd, statsFormat);
            xc = xt.sub(mean);
        }
        var y = xc.mul(rstd);
        if (weight != null) y = y.mul(T(weight));
        if (bias != null) y = y.add(T(bias), One);
        return (Wrap(y), Wrap(mean), Wrap(rstd));
    }

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LayerNormBackward(IDeviceBuffer g, IDeviceBuffer x, IDeviceBuffer? weight,
        IDeviceBuffer mean, IDeviceBuffer rstd, bool needX, bool needW, bool needB)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), r = T(rstd);
        long c = gt.shape[^1];
        var xhat = T(x).sub(T(mean)).mul(r);
        TT? dx = null, dw = null, db = null;
        if (needX)
        {
            // dx = rstd · (dxhat - mean(dxhat) - xhat · mean(dxhat · xhat)),  dxhat = g · w
            var dxhat = weight != null ? gt.mul(T(weight)) : gt;
            dx = dxhat.sub(dxhat.mean([-1L], keepdim: true)).sub(xhat.mul(dxhat.mul(xhat).mean([-1L], keepdim: true))).mul(r);
        }
        if (needW) dw = gt.mul(xhat).reshape(-1, c).sum([0L]);
        if (needB) db = gt.reshape(-1, c).sum([0L]);
        return (WrapIf(dx), WrapIf(dw), WrapIf(db));
    }

    const double SqrtTwoOverPi = 0.79788456080286536;
    static readonly Scalar InvSqrt2Pi = 0.39894228040143268.ToScalar(), InvSqrt2 = (1 / Math.Sqrt(2)).ToScalar();
    static readonly Scalar TanhCubic = 0.044715.ToScalar(), TanhCubicSlope = (3 * 0.044715).ToScalar(), TwoSqrtTwoOverPi = (2 * SqrtTwoOverPi).ToScalar();

    // The tanh form's gate 0.5·(1 + tanh u) as σ(2u), u = √(2/π)(x + 0.044715x³): the managed op's form, exact in the left tail.
    static TT TanhGateArgument(TT x) => x.add(x.pow(Three).mul(TanhCubic), One).mul(TwoSqrtTwoOverPi);

    public IDeviceBuffer Gelu(IDeviceBuffer x, GeluApproximation approximate)
    {
        using var scope = torch.NewDisposeScope();
        var xt = T(x);
        return Wrap(approximate == GeluApproximation.Tanh ? xt.mul(TanhGateArgument(xt).sigmoid()) : gelu(xt));
    }

    public IDeviceBuffer GeluBackward(IDeviceBuffer g, IDeviceBuffer x, GeluApproximation approximate)
    {
        using var scope = torch.NewDisposeScope();
        var xt = T(x);
        TT d;
        if (approximate == GeluApproximation.Tanh)
        {
            // d/dx x·σ(2u) = σ + x·2u'·σ(1 - σ), 1 - σ(2u) = σ(-2u), u' = √(2/π)(1 + 3·0.044715x²)
            var a = TanhGateArgument(xt);
            var s = a.sigmoid();
            var du2 = xt.pow(Two).mul(TanhCubicSlope).add(One, One).mul(TwoSqrtTwoOverPi);
            d = s.add(xt.mul(du2).mul(s).mul(a.neg().sigmoid()), One);
        }
        else
        {
            // Φ(x) + x·φ(x), in place after the first op of each factor (fewer (B,T,F) temporaries)
            var cdf = xt.mul(InvSqrt2).erf_().add_(One, One).mul_(PointFive);
            d = xt.pow(Two).mul_(MinusPointFive).exp_().mul_(InvSqrt2Pi).mul_(xt).add_(cdf, One);
        }
        return Wrap(d.mul_(T(g)));
    }

    // (B,T,C) -> (B,H,T,D) and back.
    static TT Heads(TT x, int h) => x.reshape(x.shape[0], x.shape[1], h, x.shape[2] / h).transpose(1, 2);
    static TT Merge(TT x) => x.transpose(1, 2).reshape(x.shape[0], x.shape[2], x.shape[1] * x.shape[3]);

    // softmax(scale·Q Kᵀ + mask [causal]) (P ∘ dropout) V on heads (B,H,T,D) of operands already rounded to f.MatMulInput;
    // -> Y (B,H,Tq,Dv), P, P ∘ dropout as the P·V operand. Rounded where the managed op rounds: the scores to MatMulOutput
    // then Softmax (before the mask), P to Softmax, the P·V operand to MatMulInput, Y to MatMulOutput.
    (TT Y, TT P, TT Used) Attend(TT q, TT k, TT v, TT? attnMask, bool isCausal, TT? dropoutMask, float scale, AttentionFormats f)
    {
        long tq = q.shape[2], tk = k.shape[2];
        using var by = scale.ToScalar();
        var s = Product(q, k.transpose(-2, -1), f.Products).mul(by);      // (B,H,Tq,Tk)
        Round(s, f.MatMulOutput);
        Round(s, f.Softmax);
        if (attnMask is not null) s = s.add(attnMask, One);
        if (isCausal)
            s = s.masked_fill(torch.ones([tq, tk], dtype: torch.ScalarType.Bool, device: torchDevice).triu(1), NegativeInfinity);
        var p = softmax(s, -1);
        if (attnMask is not null) p = p.nan_to_num(0);                    // a fully masked row: zeros, as the managed op
        Round(p, f.Softmax);
        var used = dropoutMask is not null ? RoundedResult(p.mul(dropoutMask), f.Softmax) : p;
        if (f.MatMulInput != f.Softmax) used = Rounded(used, f.MatMulInput);
        return (RoundedResult(Product(used, v, f.Products), f.MatMulOutput), p, used);
    }

    // dQ, dK, dV on heads (B,H,T,D) from dO (B,H,Tq,Dv), operands rounded as in the forward; dP rounded to MatMulOutput,
    // dS to Softmax then MatMulInput, as the managed op.
    (TT Dq, TT Dk, TT Dv) AttendBackward(TT gh, TT q, TT k, TT v, TT p, TT used, TT? dropoutMask, float scale, AttentionFormats f)
    {
        var dv = Product(used.transpose(-2, -1), gh, f.Products);         // Pᵀ dO
        var dp = Product(gh, v.transpose(-2, -1), f.Products);            // dO Vᵀ
        Round(dp, f.MatMulOutput);
        if (dropoutMask is not null) dp = dp.mul(dropoutMask);
        var ds = p.mul(dp.sub(dp.mul(p).sum([-1L], keepdim: true)));      // P ∘ (dP - Σ_j dP·P)
        Round(ds, f.Softmax);
        Round(ds, f.MatMulInput);
        using var by = scale.ToScalar();
        return (Product(ds, k, f.Products).mul(by), Product(ds.transpose(-2, -1), q, f.Products).mul(by), dv);
    }

    // Y with the heads merged back into channels (B,Tq,H·Dv), or kept (B,H,Tq,Dv) as SDPA returns it.
    (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) WrapAttention((TT Y, TT P, TT Used) r, bool mergeHeads = true)
    {
        var pb = Wrap(r.P);
        return (Wrap(mergeHeads ? Merge(r.Y) : r.Y), pb, ReferenceEquals(r.Used, r.P) ? pb : Wrap(r.Used));
    }

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) SelfAttention(IDeviceBuffer qkv, int numHeads, IDeviceBuffer? attnMask,
        bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats)
    {
        using var scope = torch.NewDisposeScope();
        var parts = Rounded(T(qkv), formats.MatMulInput).chunk(3, 2);
        return WrapAttention(Attend(Heads(parts[0], numHeads), Heads(parts[1], numHeads), Heads(parts[2], numHeads),
            T0(attnMask), isCausal, T0(dropoutMask), scale, formats));
    }

    public IDeviceBuffer SelfAttentionBackward(IDeviceBuffer g, IDeviceBuffer qkv, int numHeads, IDeviceBuffer p, IDeviceBuffer used,
        IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats)
    {
        using var scope = torch.NewDisposeScope();
        Round(T(g), formats.MatMulInput);
        var parts = Rounded(T(qkv), formats.MatMulInput).chunk(3, 2);
        var (dq, dk, dv) = AttendBackward(Heads(T(g), numHeads), Heads(parts[0], numHeads), Heads(parts[1], numHeads),
            Heads(parts[2], numHeads), T(p), T(used), T0(dropoutMask), scale, formats);
        return Wrap(RoundedResult(torch.cat([Merge(dq), Merge(dk), Merge(dv)], 2), formats.MatMulInput));
    }

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) ScaledDotProductAttention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v,
        IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats)
    {
        using var scope = torch.NewDisposeScope();
        var mm = formats.MatMulInput;
        return WrapAttention(Attend(Rounded(T(q), mm), Rounded(T(k), mm), Rounded(T(v), mm), T0(attnMask), isCausal, T0(dropoutMask),
            scale, formats), mergeHeads: false);
    }

    public (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) ScaledDotProductAttentionBackward(IDeviceBuffer g, IDeviceBuffer q,
        IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats,
        bool needQ, bool needK, bool needV)
    {
        using var scope = torch.NewDisposeScope();
        var mm = formats.MatMulInput;
        Round(T(g), mm);
        var (dq, dk, dv) = AttendBackward(T(g), Rounded(T(q), mm), Rounded(T(k), mm), Rounded(T(v), mm), T(p), T(used), T0(dropoutMask),
            scale, formats);
        return (needQ ? Wrap(RoundedResult(dq, mm)) : null, needK ? Wrap(RoundedResult(dk, mm)) : null, needV ? Wrap(RoundedResult(dv, mm)) : null);
    }

    public (IDeviceBuffer Y, IDeviceBuffer P, IDeviceBuffer Used) Attention(IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, int numHeads,
        IDeviceBuffer? attnMask, bool isCausal, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats)
    {
        using var scope = torch.NewDisposeScope();
        var mm = formats.MatMulInput;
        return WrapAttention(Attend(Heads(Rounded(T(q), mm), numHeads), Heads(Rounded(T(k), mm), numHeads), Heads(Rounded(T(v), mm), numHeads),
            T0(attnMask), isCausal, T0(dropoutMask), scale, formats));
    }

    public (IDeviceBuffer? Dq, IDeviceBuffer? Dk, IDeviceBuffer? Dv) AttentionBackward(IDeviceBuffer g, IDeviceBuffer q, IDeviceBuffer k,
        IDeviceBuffer v, int numHeads, IDeviceBuffer p, IDeviceBuffer used, IDeviceBuffer? dropoutMask, float scale, AttentionFormats formats,
        bool needQ, bool needK, bool needV)
    {
        using var scope = torch.NewDisposeScope();
        var mm = formats.MatMulInput;
        Round(T(g), mm);
        var (dq, dk, dv) = AttendBackward(Heads(T(g), numHeads), Heads(Rounded(T(q), mm), numHeads), Heads(Rounded(T(k), mm), numHeads),
            Heads(Rounded(T(v), mm), numHeads), T(p), T(used), T0(dropoutMask), scale, formats);
        return (needQ ? Wrap(RoundedResult(Merge(dq), mm)) : null, needK ? Wrap(RoundedResult(Merge(dk), mm)) : null,
            needV ? Wrap(RoundedResult(Merge(dv), mm)) : null);
    }

    public IDeviceBuffer CrossEntropy(IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, Reduction reduction)
    {
        using var scope = torch.NewDisposeScope();
        var z = T(logits);
        return Wrap(cross_entropy(z.reshape(-1, z.shape[^1]), Long(targets), ignore_index: ignoreIndex,
            reduction: reduction == Reduction.Mean ? torch.nn.Reduction.Mean : torch.nn.Reduction.Sum, label_smoothing: labelSmoothing));
    }

    public IDeviceBuffer CrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits, int[] targets, int ignoreIndex, float labelSmoothing, float scale)
    {
        using var scope = torch.NewDisposeScope();
        var z = T(logits);
        return Wrap(CrossEntropyGradient(T(gLoss), z.reshape(-1, z.shape[^1]), targets, ignoreIndex, labelSmoothing, scale).reshape(z.shape));
    }

    // A (N,V) = gLoss·scale·(softmax(z) - (1-ε)·onehot - ε/V), ignored rows 0. In place on the softmax: one pass over
    // (N,V) for it and one for the scale; the one-hot part touches N elements (a dense one-hot cost 4 more passes).
    TT CrossEntropyGradient(TT gLoss, TT z, int[] targets, int ignoreIndex, float labelSmoothing, float scale)
    {
        long v = z.shape[1];
        var a = softmax(z, 1);
        using var spread = (labelSmoothing / v).ToScalar();
        using var target = (-(1 - labelSmoothing)).ToScalar();
        using var by = scale.ToScalar();
        if (labelSmoothing != 0) a.sub_(spread);
        var ignored = new List<long>();
        var safe = new long[targets.Length];                               // ignored rows point at class 0, then are zeroed
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] == ignoreIndex) ignored.Add(i);
            else safe[i] = targets[i];
        a.scatter_add_(1, torch.tensor(safe, device: torchDevice).unsqueeze(1),
            torch.full([targets.Length, 1], target, device: torchDevice));
        if (ignored.Count > 0) a.index_fill_(0, torch.tensor(ignored.ToArray(), device: torchDevice), Zero);
        return a.mul_(gLoss.mul(by));
    }

    public (IDeviceBuffer Loss, IDeviceBuffer Logits) LinearCrossEntropy(IDeviceBuffer x, IDeviceBuffer weight, IDeviceBuffer? bias, int[] targets,
        int ignoreIndex, float labelSmoothing, Reduction reduction)
    {
        using var scope = torch.NewDisposeScope();
        var w = T(weight);
        var logits = linear(T(x).reshape(-1, w.shape[1]), w, T0(bias));   // (N,V)
        var loss = cross_entropy(logits, Long(targets), ignore_index: ignoreIndex,
            reduction: reduction == Reduction.Mean ? torch.nn.Reduction.Mean : torch.nn.Reduction.Sum, label_smoothing: labelSmoothing);
        return (Wrap(loss), Wrap(logits));
    }

    public (IDeviceBuffer? Dx, IDeviceBuffer? Dw, IDeviceBuffer? Db) LinearCrossEntropyBackward(IDeviceBuffer gLoss, IDeviceBuffer logits,
        IDeviceBuffer x, IDeviceBuffer weight, int[] targets, int ignoreIndex, float labelSmoothing, float scale, bool needX, bool needW, bool needB)
    {
        using var scope = torch.NewDisposeScope();
        TT w = T(weight), xt = T(x);
        var a = CrossEntropyGradient(T(gLoss), T(logits), targets, ignoreIndex, labelSmoothing, scale);
        var x2 = xt.reshape(-1, w.shape[1]);
        var dx = needX ? GuardedMatMul(a, w).reshape(xt.shape) : null;
        var dw = needW ? GuardedMatMul(a.t(), x2) : null;
        var db = needB ? a.sum([0L]) : null;
        return (WrapIf(dx), WrapIf(dw), WrapIf(db));
    }

    // ---- optimiser ----
    public double SumOfSquares(IDeviceBuffer g)
    {
        using var scope = torch.NewDisposeScope();
        var d = T(g).to_type(torch.ScalarType.Float64);
        return d.mul(d).sum().item<double>();
    }

    public void ScaleInPlace(IDeviceBuffer x, float alpha)
    {
        using var by = alpha.ToScalar();
        T(x).mul_(by);
    }

    public void AdamWUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer m, IDeviceBuffer v, float decay, float beta1, float beta2,
        float stepSize, float invBc2Sqrt, float eps, FloatFormat stateFormat)
    {
        using var scope = torch.NewDisposeScope();
        TT gt = T(g), mt = T(m), vt = T(v);
        using Scalar b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(), b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar();
        using Scalar bc2 = invBc2Sqrt.ToScalar(), eps1 = eps.ToScalar(), keep = decay.ToScalar(), step = (-stepSize).ToScalar();
        mt.mul_(b1).add_(gt, oneMinusB1);
        vt.mul_(b2).addcmul_(gt, gt, oneMinusB2);
        Round(mt, stateFormat);
        Round(vt, stateFormat);
        var denom = vt.sqrt().mul_(bc2).add_(eps1, One);
        T(p).mul_(keep).addcdiv_(mt, denom, step);
    }

    public void SgdUpdate(IDeviceBuffer p, IDeviceBuffer g, IDeviceBuffer? momentumBuffer, bool firstStep, float lr, float weightDecay,
        float momentum, float dampening, bool nesterov, FloatFormat stateFormat)
    {
        using var scope = torch.NewDisposeScope();
        TT pt = T(p), d = T(g);
        using Scalar wd = weightDecay.ToScalar(), mu = momentum.ToScalar(), oneMinusDampening = (1 - dampening).ToScalar(), step = (-lr).ToScalar();
        if (weightDecay != 0f) d = d.add(pt, wd);                        // a new tensor: the gradient stays as it was
        if (momentumBuffer != null)
        {
            var b = T(momentumBuffer);
            if (firstStep) b.copy_(d);
            else b.mul_(mu).add_(d, oneMinusDampening);
            Round(b, stateFormat);
            d = nesterov ? d.add(b, mu) : b;
        }
        pt.add_(d, step);
    }
}
