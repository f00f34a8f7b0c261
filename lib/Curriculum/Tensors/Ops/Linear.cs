using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Affine map y = x W^T + b (<c>F.linear</c>), fused: the bias is the GEMM's starting C.</summary>
public static partial class F
{
    /// <summary>
    /// x (...,In), weight (Out,In), bias (Out) or null -> (...,Out). Under <see cref="Autocast"/>: x, W and b enter as
    /// copies rounded to <see cref="OpClass.MatMulInput"/>, the fp32 sum is rounded to <see cref="OpClass.MatMulOutput"/>;
    /// in backward dY is rounded to MatMulInput and dX, dW, db are rounded to it before they are accumulated.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        int[] sx = x.ShapeArray, sw = weight.ShapeArray;
        if (sw.Length != 2 || sx.Length < 1 || sx[^1] != sw[1])
            throw new ArgumentException($"Linear: input {Shapes.Text(sx)} and weight {Shapes.Text(sw)} do not fit (need (...,In) and (Out,In)).");
        int nIn = sw[1], nOut = sw[0];
        if (bias != null && (bias.Rank != 1 || bias.Numel != nOut))
            throw new ArgumentException($"Linear: bias {Shapes.Text(bias.ShapeArray)} does not fit weight {Shapes.Text(sw)} (need ({nOut})).");
        if (x.OnDevice || weight.OnDevice || (bias?.OnDevice ?? false)) return LinearOnDevice(x, weight, bias);
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        var shape = (int[])sx.Clone();
        shape[^1] = nOut;
        var y = Tensor.Empty(shape);
        int rows = x.Numel / Math.Max(1, nIn);
        float[] xd = Rounding.Copy(x.Data, mm), wd = Rounding.Copy(weight.Data, mm), yd = y.Data;
        float[]? bd = bias != null ? Rounding.Copy(bias.Data, mm) : null;
        if (bd != null) for (int r = 0; r < rows; r++) bd.CopyTo(yd, r * nOut);
        Gemm.Multiply(false, true, rows, nOut, nIn, 1f, xd, nIn, wd, nIn, bd != null ? 1f : 0f, yd, nOut);
        policy.Round(yd, OpClass.MatMulOutput);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Autograd.Record(y, "Linear", inputs, g =>
        {
            // g is dY (R,Out); dX (R,In) = dY W; dW (Out,In) = dY^T X; db (Out) = column sums of dY.
            var gx = Autograd.GradBuffer(x);
            var gw = Autograd.GradBuffer(weight);
            var gb = bias != null ? Autograd.GradBuffer(bias) : null;
            if (mm == FloatFormat.Fp32)
            {
                if (gx != null) Gemm.Multiply(false, false, rows, nIn, nOut, 1f, g, nOut, wd, nIn, 1f, gx, nIn);
                if (gw != null) Gemm.Multiply(true, false, nOut, nIn, rows, 1f, g, nOut, xd, nIn, 1f, gw, nIn);
                if (gb != null) for (int r = 0; r < rows; r++) Elementwise.AddInPlace(gb, g.AsSpan(r * nOut, nOut));
                return;
            }
            FloatRounding.Round(g, mm);
            if (gx != null)
            {
                var t = BufferPool.Rent(gx.Length);
                Gemm.Multiply(false, false, rows, nIn, nOut, 1f, g, nOut, wd, nIn, 0f, t, nIn);
                Rounding.AddRounded(gx, t, mm);
                BufferPool.Return(t);
            }
            if (gw != null)
            {
                var t = new float[gw.Length];
                Gemm.Multiply(true, false, nOut, nIn, rows, 1f, g, nOut, xd, nIn, 0f, t, nIn);
                Rounding.AddRounded(gw, t, mm);
            }
            if (gb != null)
            {
                var t = new float[nOut];
                for (int r = 0; r < rows; r++) Elementwise.AddInPlace(t, g.AsSpan(r * nOut, nOut));
                Rounding.AddRounded(gb, t, mm);
            }
        });
    }

    // The same op on a device: the device's kernels, our tape, the same rounding points as above.
    static Tensor LinearOnDevice(Tensor x, Tensor weight, Tensor? bias)
    {
        var k = DeviceOps.KernelsOf("Linear", x, weight, bias);
        var policy = Autocast.Policy;
        var mm = policy.FormatFor(OpClass.MatMulInput);
        IDeviceBuffer xr = DeviceOps.Rounded(k, x.Buffer!, mm), wr = DeviceOps.Rounded(k, weight.Buffer!, mm);
        var br = bias != null ? DeviceOps.Rounded(k, bias.Buffer!, mm) : null;
        var y = new Tensor(DeviceOps.RoundedResult(k, k.Linear(xr, wr, br, DeviceOps.ProductFormat(policy)), policy.FormatFor(OpClass.MatMulOutput))!);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Autograd.RecordOnDevice(y, "Linear", inputs, g =>
        {
            DeviceOps.RoundedResult(k, g, mm);
            var (dx, dw, db) = k.LinearBackward(g, xr, wr, x.RequiresGrad, weight.RequiresGrad, bias?.RequiresGrad ?? false,
                DeviceOps.ProductFormat(policy));
            Autograd.AccumulateOnDevice(x, DeviceOps.RoundedResult(k, dx, mm));
            Autograd.AccumulateOnDevice(weight, DeviceOps.RoundedResult(k, dw, mm));
            if (bias != null) Autograd.AccumulateOnDevice(bias, DeviceOps.RoundedResult(k, db, mm));
        });
    }
}
