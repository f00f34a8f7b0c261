using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>The form of GELU (<c>approximate='none'|'tanh'</c> in PyTorch).</summary>
public enum GeluApproximation { None, Tanh }

/// <summary>Point-wise non-linearities with their derivatives: GELU (erf and tanh forms), ReLU, tanh.</summary>
public static partial class F
{
    const float InvSqrt2 = 0.70710678118654752f;
    const float InvSqrt2Pi = 0.39894228040143268f;
    const float SqrtTwoOverPi = 0.79788456080286536f;

    /// <summary>GELU(x) = x·Φ(x), Φ the standard normal CDF; the tanh form approximates Φ (Hendrycks and Gimpel, 2016).</summary>
    public static Tensor Gelu(Tensor x, GeluApproximation approximate = GeluApproximation.None)
    {
        if (x.OnDevice) return GeluOnDevice(x, approximate);
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        bool tanh = approximate == GeluApproximation.Tanh;
        Chunks.For(xd.Length, 16384, (s, e) => GeluForward(xd.AsSpan(s, e - s), yd.AsSpan(s, e - s), tanh));
        return Autograd.Record(y, "Gelu", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx == null) return;
            Chunks.For(xd.Length, 16384, (s, e) => GeluBackward(xd.AsSpan(s, e - s), yd.AsSpan(s, e - s), g.AsSpan(s, e - s), gx.AsSpan(s, e - s), tanh));
        });
    }

    static Tensor GeluOnDevice(Tensor x, GeluApproximation approximate)
    {
        var k = DeviceOps.KernelsOf("Gelu", x);
        var y = new Tensor(k.Gelu(x.Buffer!, approximate));
        return Autograd.RecordOnDevice(y, "Gelu", [x], g => Autograd.AccumulateOnDevice(x, k.GeluBackward(g, x.Buffer!, approximate)));
    }

    // y = x·Φ(x) (or the tanh form), vectorised with a scalar tail.
    static void GeluForward(ReadOnlySpan<float> x, Span<float> y, bool tanh)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int i = 0; i < vx.Length; i++)
        {
            var v = vx[i];
            vy[i] = tanh ? v * TanhGateVec(v).Gate : v * VectorMath.NormalCdf(v);
        }
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = tanh ? v * TanhGate(v).Gate : v * NormalCdf(v);
        }
    }

    // dx += g · GELU'(x):  Φ(x) + x·φ(x), with Φ(x) = y/x from the forward's y = x·Φ(x) (0.5 at x = 0), so that
    // only φ costs an exponential; or the derivative of the tanh form.
    static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx, bool tanh)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
        var vgx = MemoryMarshal.Cast<float, Vector<float>>(gx);
        var half = new Vector<float>(0.5f);
        for (int i = 0; i < vx.Length; i++)
        {
            var v = vx[i];
            Vector<float> d;
            if (tanh)
            {
                var (s, complement) = TanhGateVec(v);
                d = s + new Vector<float>(2f * SqrtTwoOverPi) * v * s * complement * (Vector<float>.One + new Vector<float>(3f * 0.044715f) * v * v);
            }
            else
            {
                var pdf = VectorMath.Exp(v * v * new Vector<float>(-0.5f)) * new Vector<float>(InvSqrt2Pi);
                var cdf = Vector.ConditionalSelect(Vector.Equals(v, Vector<float>.Zero), half, vy[i] / v);
                d = cdf + v * pdf;
            }
            vgx[i] += vg[i] * d;
        }
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            float v = x[i], d;
            if (tanh)
            {
                var (s, complement) = TanhGate(v);
                d = s + 2f * SqrtTwoOverPi * v * s * complement * (1f + 3f * 0.044715f * v * v);
            }
            else d = (v == 0f ? 0.5f : y[i] / v) + v * InvSqrt2Pi * MathF.Exp(-0.5f * v * v);
            gx[i] += g[i] * d;
        }
    }

    // The tanh form's gate 0.5·(1 + tanh u), u = √(2/π)(x + 0.044715x³), computed as σ(2u) = 1/(1 + e^{-2u}), and
    // 1 - σ(2u) = e^{-2u}·σ(2u): equal to it, without the cancellation of 1 + tanh u near -1 that costs the left
    // tail its precision in float32 (x = -4.5: 4% off, x = -5: 0 instead of -2.3e-7). u is clamped to ±40 (e^80 is finite).
    // The derivative of x·σ(2u) is σ + x·2u'·σ(1 - σ).
    static (Vector<float> Gate, Vector<float> Complement) TanhGateVec(Vector<float> x)
    {
        var u = new Vector<float>(SqrtTwoOverPi) * (x + new Vector<float>(0.044715f) * x * x * x);
        u = Vector.Min(Vector.Max(u, new Vector<float>(-40f)), new Vector<float>(40f));
        var e = VectorMath.Exp(new Vector<float>(-2f) * u);
        var gate = Vector<float>.One / (Vector<float>.One + e);
        return (gate, e * gate);
    }

    static (float Gate, float Complement) TanhGate(float x)
    {
        float u = Math.Clamp(SqrtTwoOverPi * (x + 0.044715f * x * x * x), -40f, 40f);
        float e = MathF.Exp(-2f * u), gate = 1f / (1f + e);
        return (gate, e * gate);
    }

    /// <summary>Φ(x) = erfc(-x/√2)/2, accurate in relative terms in both tails.</summary>
    internal static float NormalCdf(float x) => 0.5f * Erfc(-x * InvSqrt2);

    /// <summary>
    /// Complementary error function, fractional error below 1.2e-7 everywhere
    /// (Chebyshev fit, Press et al., Numerical Recipes, 2nd ed., §6.2, erfcc).
    /// </summary>
    internal static float Erfc(float x)
    {
        float z = MathF.Abs(x);
        float t = 1f / (1f + 0.5f * z);
        float r = t * MathF.Exp(-z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f
            + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f
            + t * (-0.82215223f + t * 0.17087277f)))))))));
        return x >= 0 ? r : 2f - r;
    }

    /// <summary>max(x, 0)</summary>
    public static Tensor Relu(Tensor x)
    {
        if (x.OnDevice) return ReluOnDevice(x);
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < yd.Length; i++) yd[i] = MathF.Max(xd[i], 0f);
        return Autograd.Record(y, "Relu", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) for (int i = 0; i < gx.Length; i++) if (xd[i] > 0f) gx[i] += g[i];
        });
    }

    /// <summary>tanh(x); derivative 1 - tanh².</summary>
    public static Tensor Tanh(Tensor x)
    {
        if (x.OnDevice) return TanhOnDevice(x);
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < yd.Length; i++) yd[i] = MathF.Tanh(xd[i]);
        return Autograd.Record(y, "Tanh", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) for (int i = 0; i < gx.Length; i++) gx[i] += g[i] * (1f - yd[i] * yd[i]);
        });
    }

    static Tensor ReluOnDevice(Tensor x)
    {
        var k = DeviceOps.KernelsOf("Relu", x);
        return Autograd.RecordOnDevice(new Tensor(k.Relu(x.Buffer!)), "Relu", [x],
            g => Autograd.AccumulateOnDevice(x, k.ReluBackward(g, x.Buffer!)));
    }

    static Tensor TanhOnDevice(Tensor x)
    {
        var k = DeviceOps.KernelsOf("Tanh", x);
        var y = new Tensor(k.Tanh(x.Buffer!));
        return Autograd.RecordOnDevice(y, "Tanh", [x], g => Autograd.AccumulateOnDevice(x, k.TanhBackward(g, y.Buffer!)));
    }
}
