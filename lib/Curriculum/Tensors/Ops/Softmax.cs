using Curriculum.Precision;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>
/// Softmax and log-softmax along one dimension (<c>F.softmax</c>, <c>F.log_softmax</c>). Under <see cref="Autocast"/>
/// input, output and gradients are rounded to <see cref="OpClass.Softmax"/>'s format (log-softmax: <see cref="OpClass.Loss"/>'s).
/// </summary>
public static partial class F
{
    /// <summary>y = exp(x - max) / Σ exp(x - max) along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor x, int dim = -1) => SoftmaxCore(x, dim, log: false);

    /// <summary>y = x - max - log Σ exp(x - max) along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, int dim = -1) => SoftmaxCore(x, dim, log: true);

    static Tensor SoftmaxCore(Tensor x, int dim, bool log)
    {
        string name = log ? "LogSoftmax" : "Softmax";
        var shape = x.ShapeArray;
        int d = Shapes.NormDim(dim, shape.Length, name);
        if (x.OnDevice) return SoftmaxOnDevice(x, d, log, name);
        // View as (outer, n, inner): elements of one softmax are `inner` apart.
        int outer = Shapes.Prod(shape, 0, d), n = shape[d], inner = Shapes.Prod(shape, d + 1, shape.Length);
        var y = Tensor.Empty(shape);
        var format = Autocast.Policy.FormatFor(log ? OpClass.Loss : OpClass.Softmax);
        float[] xd = Rounding.Copy(x.Data, format), yd = y.Data;
        Chunks.For(outer * inner, Math.Max(1, Chunks.RowsPer(n)), (s, e) =>
        {
            for (int q = s; q < e; q++)
            {
                int o = q / inner, i = q % inner, b = o * n * inner + i;
                if (inner == 1)
                {
                    // Contiguous rows (the usual last-dimension case): vectorised.
                    var xr = xd.AsSpan(b, n);
                    var yr = yd.AsSpan(b, n);
                    float mx = Elementwise.Max(xr);
                    if (log)
                    {
                        float lse = mx + MathF.Log(VectorMath.SumExpShifted(xr, mx));
                        for (int j = 0; j < n; j++) yr[j] = xr[j] - lse;
                    }
                    else Elementwise.Scale(yr, 1f / VectorMath.ExpShifted(xr, mx, yr), yr);
                    continue;
                }
                float m = float.NegativeInfinity;
                for (int j = 0; j < n; j++) m = MathF.Max(m, xd[b + j * inner]);
                float sum = 0;
                for (int j = 0; j < n; j++) sum += MathF.Exp(xd[b + j * inner] - m);
                if (log)
                {
                    float lse = m + MathF.Log(sum);
                    for (int j = 0; j < n; j++) yd[b + j * inner] = xd[b + j * inner] - lse;
                }
                else
                {
                    float inv = 1f / sum;
                    for (int j = 0; j < n; j++) yd[b + j * inner] = MathF.Exp(xd[b + j * inner] - m) * inv;
                }
            }
        });
        FloatRounding.Round(yd, format);
        return Autograd.Record(y, name, [x], g =>
        {
            // softmax: dx = y * (g - Σ g·y);  log-softmax: dx = g - exp(y) * Σ g.
            var gxBuffer = Autograd.GradBuffer(x);
            if (gxBuffer == null) return;
            FloatRounding.Round(g, format);
            var gx = format == FloatFormat.Fp32 ? gxBuffer : new float[gxBuffer.Length];
            Chunks.For(outer * inner, Math.Max(1, Chunks.RowsPer(n)), (s, e) =>
            {
                for (int q = s; q < e; q++)
                {
                    int o = q / inner, i = q % inner, b = o * n * inner + i;
                    float dot = 0;
                    if (log) for (int j = 0; j < n; j++) dot += g[b + j * inner];
                    else for (int j = 0; j < n; j++) dot += g[b + j * inner] * yd[b + j * inner];
                    if (log) for (int j = 0; j < n; j++) gx[b + j * inner] += g[b + j * inner] - MathF.Exp(yd[b + j * inner]) * dot;
                    else for (int j = 0; j < n; j++) gx[b + j * inner] += yd[b + j * inner] * (g[b + j * inner] - dot);
                }
            });
            if (gx != gxBuffer) Rounding.AddRounded(gxBuffer, gx, format);
        });
    }

    // Softmax and log-softmax on a device, rounded at the same points as on cpu.
    static Tensor SoftmaxOnDevice(Tensor x, int dim, bool log, string name)
    {
        var k = DeviceOps.KernelsOf(name, x);
        var format = Autocast.Policy.FormatFor(log ? OpClass.Loss : OpClass.Softmax);
        var input = DeviceOps.Rounded(k, x.Buffer!, format);
        var y = new Tensor(DeviceOps.RoundedResult(k, log ? k.LogSoftmax(input, dim) : k.Softmax(input, dim), format)!);
        if (!ReferenceEquals(input, x.Buffer)) input.Dispose();
        return Autograd.RecordOnDevice(y, name, [x], g =>
        {
            DeviceOps.RoundedResult(k, g, format);
            var gx = log ? k.LogSoftmaxBackward(g, y.Buffer!, dim) : k.SoftmaxBackward(g, y.Buffer!, dim);
            Autograd.AccumulateOnDevice(x, DeviceOps.RoundedResult(k, gx, format));
        });
    }
}
