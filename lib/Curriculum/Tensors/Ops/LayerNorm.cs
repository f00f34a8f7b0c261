using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Layer normalisation over the last dimension (<c>F.layer_norm</c>), fused forward and backward.</summary>
public static partial class F
{
    /// <summary>
    /// x (...,C), weight (C), bias (C) -> (...,C):  y = (x - mean) * rstd * weight + bias,
    /// rstd = 1/sqrt(var + eps) with the biased variance over C. Under <see cref="Autocast"/> the input, weight, bias,
    /// mean, rstd, output and every gradient are rounded to <see cref="OpClass.LayerNorm"/>'s format (the arithmetic between
    /// them stays fp32).
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        int c = x.ShapeArray[^1];
        if (weight != null && (weight.Rank != 1 || weight.Numel != c))
            throw new ArgumentException($"LayerNorm: weight {Shapes.Text(weight.ShapeArray)} does not fit input {Shapes.Text(x.ShapeArray)} (need ({c})).");
        if (bias != null && (bias.Rank != 1 || bias.Numel != c))
            throw new ArgumentException($"LayerNorm: bias {Shapes.Text(bias.ShapeArray)} does not fit input {Shapes.Text(x.ShapeArray)} (need ({c})).");
        if (x.OnDevice || (weight?.OnDevice ?? false) || (bias?.OnDevice ?? false)) return LayerNormOnDevice(x, weight, bias, eps);
        int rows = x.Numel / c;
        var y = Tensor.Empty(x.ShapeArray);
        var mean = new float[rows];
        var rstd = new float[rows];
        var format = Autocast.Policy.FormatFor(OpClass.LayerNorm);
        bool fp32 = format == FloatFormat.Fp32;
        float[] xd = Rounding.Copy(x.Data, format), yd = y.Data;
        float[]? wd = weight != null ? Rounding.Copy(weight.Data, format) : null, bd = bias != null ? Rounding.Copy(bias.Data, format) : null;
        Chunks.For(rows, Chunks.RowsPer(c), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = xd.AsSpan(r * c, c);
                var (m, s) = LayerNormRows.Stats(xr, eps);
                if (!fp32) { m = FloatRounding.Round(m, format); s = FloatRounding.Round(s, format); }
                mean[r] = m; rstd[r] = s;
                LayerNormRows.Normalize(xr, yd.AsSpan(r * c, c), wd, bd, m, s);
            }
        });
        FloatRounding.Round(yd, format);
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Autograd.Record(y, "LayerNorm", inputs.ToArray(), g =>
        {
            // xhat = (x-mean)*rstd, dxhat = g*w:
            // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat*xhat)); dw = Σrows g*xhat; db = Σrows g.
            FloatRounding.Round(g, format);
            var gxBuffer = Autograd.GradBuffer(x);
            var gw = weight != null ? Autograd.GradBuffer(weight) : null;
            var gb = bias != null ? Autograd.GradBuffer(bias) : null;
            var gx = fp32 || gxBuffer == null ? gxBuffer : new float[gxBuffer.Length];
            int chunk = Chunks.RowsPer(c);
            int nChunks = (rows + chunk - 1) / chunk;
            // Per-chunk partial sums for dw/db, combined in chunk order: deterministic for any thread count.
            var partW = gw != null ? new float[nChunks * c] : null;
            var partB = gb != null ? new float[nChunks * c] : null;
            Chunks.For(rows, chunk, (r0, r1) =>
            {
                int ci = r0 / chunk;
                Span<float> dxhat = c <= 4096 ? stackalloc float[c] : new float[c];
                for (int r = r0; r < r1; r++)
                    LayerNormRows.Backward(xd.AsSpan(r * c, c), g.AsSpan(r * c, c), wd, mean[r], rstd[r],
                        gx != null ? gx.AsSpan(r * c, c) : default, partW != null ? partW.AsSpan(ci * c, c) : default,
                        partB != null ? partB.AsSpan(ci * c, c) : default, dxhat);
            });
            var sumW = fp32 || gw == null ? gw : new float[c];
            var sumB = fp32 || gb == null ? gb : new float[c];
            for (int k = 0; k < nChunks; k++)
            {
                if (sumW != null) Elementwise.AddInPlace(sumW, partW.AsSpan(k * c, c));
                if (sumB != null) Elementwise.AddInPlace(sumB, partB.AsSpan(k * c, c));
            }
            if (fp32) return;
            if (gx != null) Rounding.AddRounded(gxBuffer!, gx, format);
            if (sumW != null) Rounding.AddRounded(gw!, sumW, format);
            if (sumB != null) Rounding.AddRounded(gb!, sumB, format);
        });
    }

    // Rounded at the managed kernel's points: the operands, the row statistics (inside the kernel), y, dY and each gradient.
    static Tensor LayerNormOnDevice(Tensor x, Tensor? weight, Tensor? bias, float eps)
    {
        var k = DeviceOps.KernelsOf("LayerNorm", x, weight, bias);
        var format = Autocast.Policy.FormatFor(OpClass.LayerNorm);
        var xr = DeviceOps.Rounded(k, x.Buffer!, format);
        var wr = weight != null ? DeviceOps.Rounded(k, weight.Buffer!, format) : null;
        var br = bias != null ? DeviceOps.Rounded(k, bias.Buffer!, format) : null;
        var (y, mean, rstd) = k.LayerNorm(xr, wr, br, eps, format);
        DeviceOps.RoundedResult(k, y, format);
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Autograd.RecordOnDevice(new Tensor(y), "LayerNorm", inputs.ToArray(), g =>
        {
            DeviceOps.RoundedResult(k, g, format);
            var (dx, dw, db) = k.LayerNormBackward(g, xr, wr, mean, rstd,
                x.RequiresGrad, weight?.RequiresGrad ?? false, bias?.RequiresGrad ?? false);
            Autograd.AccumulateOnDevice(x, DeviceOps.RoundedResult(k, dx, format));
            if (weight != null) Autograd.AccumulateOnDevice(weight, DeviceOps.RoundedResult(k, dw, format));
            if (bias != null) Autograd.AccumulateOnDevice(bias, DeviceOps.RoundedResult(k, db, format));
        });
    }
}
