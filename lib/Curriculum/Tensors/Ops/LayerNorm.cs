using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Layer normalisation over the last dimension (<c>F.layer_norm</c>), fused forward and backward.</summary>
public static partial class F
{
    /// <summary>
    /// x (...,C), weight (C), bias (C) -> (...,C):  y = (x - mean) * rstd * weight + bias,
    /// rstd = 1/sqrt(var + eps) with the biased variance over C.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        int c = x.ShapeArray[^1];
        if (weight != null && (weight.Rank != 1 || weight.Numel != c))
            throw new ArgumentException($"LayerNorm: weight {Shapes.Text(weight.ShapeArray)} does not fit input {Shapes.Text(x.ShapeArray)} (need ({c})).");
        if (bias != null && (bias.Rank != 1 || bias.Numel != c))
            throw new ArgumentException($"LayerNorm: bias {Shapes.Text(bias.ShapeArray)} does not fit input {Shapes.Text(x.ShapeArray)} (need ({c})).");
        int rows = x.Numel / c;
        var y = Tensor.Empty(x.ShapeArray);
        var mean = new float[rows];
        var rstd = new float[rows];
        float[] xd = x.Data, yd = y.Data;
        float[]? wd = weight?.Data, bd = bias?.Data;
        Chunks.For(rows, Chunks.RowsPer(c), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = xd.AsSpan(r * c, c);
                var yr = yd.AsSpan(r * c, c);
                float m = (float)(Elementwise.Sum(xr) / c);
                float v = 0;
                for (int j = 0; j < c; j++) { float d = xr[j] - m; v += d * d; }
                float s = 1f / MathF.Sqrt(v / c + eps);
                mean[r] = m; rstd[r] = s;
                for (int j = 0; j < c; j++)
                {
                    float n = (xr[j] - m) * s;
                    yr[j] = wd != null ? n * wd[j] + (bd != null ? bd[j] : 0f) : n + (bd != null ? bd[j] : 0f);
                }
            }
        });
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Autograd.Record(y, "LayerNorm", inputs.ToArray(), g =>
        {
            // xhat = (x-mean)*rstd, dxhat = g*w:
            // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat*xhat)); dw = Σrows g*xhat; db = Σrows g.
            var gx = Autograd.GradBuffer(x);
            var gw = weight != null ? Autograd.GradBuffer(weight) : null;
            var gb = bias != null ? Autograd.GradBuffer(bias) : null;
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
                {
                    var xr = xd.AsSpan(r * c, c);
                    var gr = g.AsSpan(r * c, c);
                    float m = mean[r], s = rstd[r];
                    float sum1 = 0, sum2 = 0;
                    for (int j = 0; j < c; j++)
                    {
                        float xh = (xr[j] - m) * s;
                        float dh = wd != null ? gr[j] * wd[j] : gr[j];
                        dxhat[j] = dh;
                        sum1 += dh; sum2 += dh * xh;
                        if (partW != null) partW[ci * c + j] += gr[j] * xh;
                        if (partB != null) partB[ci * c + j] += gr[j];
                    }
                    if (gx == null) continue;
                    sum1 /= c; sum2 /= c;
                    var gxr = gx.AsSpan(r * c, c);
                    for (int j = 0; j < c; j++)
                    {
                        float xh = (xr[j] - m) * s;
                        gxr[j] += s * (dxhat[j] - sum1 - xh * sum2);
                    }
                }
            });
            for (int k = 0; k < nChunks; k++)
            {
                if (gw != null) Elementwise.AddInPlace(gw, partW.AsSpan(k * c, c));
                if (gb != null) Elementwise.AddInPlace(gb, partB.AsSpan(k * c, c));
            }
        });
    }
}
