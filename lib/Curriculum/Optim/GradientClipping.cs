using Curriculum.Tensors;

namespace Curriculum.Optim;

/// <summary>Gradient clipping and checks (<c>torch.nn.utils.clip_grad_norm_</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// The global L2 norm of all gradients, summed in parameter order in float64 (a gradient on a device adds its own
    /// float64 sum of squares, computed there). If it exceeds
    /// <paramref name="maxNorm"/>, every gradient is scaled by maxNorm / (norm + 1e-6). Returns the norm before
    /// clipping; a NaN or infinite norm is returned as is and nothing is scaled (skip that step).
    /// </summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        var grads = new List<Tensor>();
        foreach (var p in parameters) if (p.Grad != null) grads.Add(p.Grad);
        double sq = 0;
        foreach (var g in grads)
        {
            if (g.Buffer is { } buffer) { sq += buffer.Device.Kernels!.SumOfSquares(buffer); continue; }
            foreach (float v in g.Data) sq += (double)v * v;
        }
        double norm = Math.Sqrt(sq);
        if (!double.IsFinite(norm)) return (float)norm;
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
            foreach (var g in grads)
                if (g.Buffer is { } buffer) buffer.Device.Kernels!.ScaleInPlace(buffer, (float)coef);
                else Tensors.Kernels.Elementwise.Scale(g.Data, (float)coef, g.Data);
        return (float)norm;
    }

    /// <summary>True when every gradient is finite (no NaN or Inf): check before stepping.</summary>
    public static bool GradientsFinite(IEnumerable<Tensor> parameters)
    {
        foreach (var p in parameters) if (p.Grad != null && !p.Grad.AllFinite()) return false;
        return true;
    }
}
