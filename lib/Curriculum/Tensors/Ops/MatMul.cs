using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Matrix products (<c>torch.matmul</c>) through the GEMM kernel.</summary>
public static partial class F
{
    /// <summary>
    /// a (...,M,K) @ b (K,N) -> (...,M,N), or batched a (...,M,K) @ b (...,K,N) with equal batch dimensions.
    /// Under <see cref="Autocast"/> the operands are rounded to <see cref="OpClass.MatMulInput"/> and the result to
    /// <see cref="OpClass.MatMulOutput"/>, as in <see cref="Linear"/>.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        int[] sa = a.ShapeArray, sb = b.ShapeArray;
        if (sa.Length < 2 || sb.Length < 2 || sa[^1] != sb[^2] || (sb.Length > 2 && (sa.Length != sb.Length || !sa.AsSpan(0, sa.Length - 2).SequenceEqual(sb.AsSpan(0, sb.Length - 2)))))
            throw new ArgumentException($"MatMul: shapes {Shapes.Text(sa)} and {Shapes.Text(sb)} do not fit (need (...,M,K) @ (K,N) or equal batch dimensions).");
        if (a.OnDevice || b.OnDevice) return MatMulOnDevice(a, b);
        int m = sa[^2], k = sa[^1], n = sb[^1];
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var shape = (int[])sa.Clone();
        shape[^1] = n;
        var y = Tensor.Empty(shape);
        float[] ad = Rounding.Copy(a.Data, mm), bd = Rounding.Copy(b.Data, mm);
        bool fp32 = mm == FloatFormat.Fp32;
        if (sb.Length == 2)
        {
            // One product with the batch folded into the rows: (R,K) @ (K,N), R = prod(...)*M.
            int rows = a.Numel / k;
            Gemm.Multiply(false, false, rows, n, k, 1f, ad, k, bd, n, 0f, y.Data, n);
            policy.Round(y.Data, OpClass.MatMulOutput);
            return Autograd.Record(y, "MatMul", [a, b], g =>
            {
                var (ga, gb) = (Autograd.GradBuffer(a), Autograd.GradBuffer(b));
                if (!fp32) FloatRounding.Round(g, mm);
                var ta = fp32 || ga == null ? ga : new float[ga.Length];
                var tb = fp32 || gb == null ? gb : new float[gb.Length];
                if (ta != null) Gemm.Multiply(false, true, rows, k, n, 1f, g, n, bd, n, 1f, ta, k);   // dA = dY B^T
                if (tb != null) Gemm.Multiply(true, false, k, n, rows, 1f, ad, k, g, n, 1f, tb, n);   // dB = A^T dY
                if (!fp32) AddRoundedGradients(ga, ta, gb, tb, mm);
            });
        }
        int batch = a.Numel / (m * k);
        Gemm.MultiplyBatched(batch, false, false, m, n, k, 1f, ad, k, m * k, bd, n, k * n, 0f, y.Data, n, m * n);
        policy.Round(y.Data, OpClass.MatMulOutput);
        return Autograd.Record(y, "MatMul", [a, b], g =>
        {
            var (ga, gb) = (Autograd.GradBuffer(a), Autograd.GradBuffer(b));
            if (!fp32) FloatRounding.Round(g, mm);
            var ta = fp32 || ga == null ? ga : new float[ga.Length];
            var tb = fp32 || gb == null ? gb : new float[gb.Length];
            if (ta != null) Gemm.MultiplyBatched(batch, false, true, m, k, n, 1f, g, n, m * n, bd, n, k * n, 1f, ta, k, m * k);
            if (tb != null) Gemm.MultiplyBatched(batch, true, false, k, n, m, 1f, ad, k, m * k, g, n, m * n, 1f, tb, n, k * n);
            if (!fp32) AddRoundedGradients(ga, ta, gb, tb, mm);
        });
    }

    static Tensor MatMulOnDevice(Tensor a, Tensor b)
    {
        var k = DeviceOps.KernelsOf("MatMul", a, b);
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        IDeviceBuffer ar = DeviceOps.Rounded(k, a.Buffer!, mm), br = DeviceOps.Rounded(k, b.Buffer!, mm);
        var y = new Tensor(DeviceOps.RoundedResult(k, k.MatMul(ar, br, DeviceOps.ProductFormat(policy)), policy.FormatFor(OpClass.MatMulOutput))!);
        return Autograd.RecordOnDevice(y, "MatMul", [a, b], g =>
        {
            DeviceOps.RoundedResult(k, g, mm);
            var (da, db) = k.MatMulBackward(g, ar, br, a.RequiresGrad, b.RequiresGrad, DeviceOps.ProductFormat(policy));
            Autograd.AccumulateOnDevice(a, DeviceOps.RoundedResult(k, da, mm));
            Autograd.AccumulateOnDevice(b, DeviceOps.RoundedResult(k, db, mm));
        });
    }

    // With 16-bit operands the products' gradients were summed into fresh buffers: round them, then accumulate.
    static void AddRoundedGradients(float[]? ga, float[]? ta, float[]? gb, float[]? tb, FloatFormat format)
    {
        if (ga != null && ta != null) Rounding.AddRounded(ga, ta, format);
        if (gb != null && tb != null) Rounding.AddRounded(gb, tb, format);
    }
}
