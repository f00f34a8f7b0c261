using System.Numerics;
using System.Runtime.InteropServices;
using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter, 2019; <c>torch.optim.AdamW</c>), per parameter:
///   p ← p·(1 - lr·wd);  m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;
///   p ← p - (lr / (1-β1ᵗ)) · m / (√v / √(1-β2ᵗ) + ε).
/// With a 16-bit <see cref="Optimizer.StateFormat"/>, m and v are rounded to it before the parameter update reads them.
/// A parameter on a device keeps its moments on that device and is updated by the device's kernel, 16-bit state rounded there.
/// </summary>
public sealed class AdamW : Optimizer
{
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    readonly Dictionary<int, (float[] M, float[] V)> _moments = [];
    readonly Dictionary<int, (IDeviceBuffer M, IDeviceBuffer V)> _deviceMoments = [];
    readonly Dictionary<int, int> _steps = [];

    public AdamW(IEnumerable<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0.01f)
        : this(OneGroup(parameters), lr, beta1, beta2, eps, weightDecay) { }

    public AdamW(IEnumerable<ParamGroup> groups, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0.01f)
        : base(groups, lr, weightDecay)
    {
        Beta1 = beta1; Beta2 = beta2; Eps = eps;
    }

    public override void Step()
    {
        using var _ = Autograd.NoGrad();
        foreach (var (i, p, g) in All())
        {
            if (p.Grad == null) continue;
            int t = _steps[i] = _steps.GetValueOrDefault(i) + 1;
            double lr = g.Lr!.Value, wd = g.WeightDecay!.Value;
            double bc1 = 1 - Math.Pow(Beta1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
            float decay = (float)(1 - lr * wd), stepSize = (float)(lr / bc1), invBc2Sqrt = (float)(1 / bc2Sqrt);
            if (p.Buffer is { } buffer)
            {
                StepOnDevice(i, p, buffer, decay, stepSize, invBc2Sqrt);
                continue;
            }
            if (!_moments.TryGetValue(i, out var mv))
                _moments[i] = mv = _deviceMoments.Remove(i, out var dm)
                    ? (dm.M.ToArray(), dm.V.ToArray())                  // the parameter came back from a device
                    : (new float[p.Numel], new float[p.Numel]);
            if (StateFormat == FloatFormat.Fp32) Update(p.Data, p.Grad.Data, mv.M, mv.V, decay, Beta1, Beta2, stepSize, invBc2Sqrt, Eps);
            else
            {
                UpdateMoments(p.Grad.Data, mv.M, mv.V, Beta1, Beta2);
                FloatRounding.Round(mv.M, StateFormat);
                FloatRounding.Round(mv.V, StateFormat);
                UpdateParameters(p.Data, mv.M, mv.V, decay, stepSize, invBc2Sqrt, Eps);
            }
        }
    }

    void StepOnDevice(int i, Tensor p, IDeviceBuffer buffer, float decay, float stepSize, float invBc2Sqrt)
    {
        var kernels = buffer.Device.Kernels!;
        var grad = p.Grad!.Buffer ?? throw new InvalidOperationException($"AdamW: parameter {i} is on device '{buffer.Device.Name}' but its gradient is on cpu.");
        if (!_deviceMoments.TryGetValue(i, out var mv))
        {
            // Moments loaded from a state dict (host arrays) move to the parameter's device on their first step.
            mv = _moments.Remove(i, out var host)
                ? (kernels.FromHost(host.M, p.ShapeArray), kernels.FromHost(host.V, p.ShapeArray))
                : (kernels.Full(0f, p.ShapeArray), kernels.Full(0f, p.ShapeArray));
            _deviceMoments[i] = mv;
        }
        kernels.AdamWUpdate(buffer, grad, mv.M, mv.V, decay, Beta1, Beta2, stepSize, invBc2Sqrt, Eps, StateFormat);
    }

    // The fused update of fp32 state: moments and parameter in one pass.
    static void Update(Span<float> p, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float decay, float b1, float b2,
        float stepSize, float invBc2Sqrt, float eps)
    {
        int w = Vector<float>.Count, n = p.Length, vec = n / w * w;
        var vp = MemoryMarshal.Cast<float, Vector<float>>(p);
        var vg = MemoryMarshal.Cast<float, Vector<float>>(grad);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        Vector<float> d = new(decay), c1 = new(b1), c1m = new(1 - b1), c2 = new(b2), c2m = new(1 - b2), s = new(stepSize), ib = new(invBc2Sqrt), e = new(eps);
        for (int k = 0; k < vp.Length; k++)
        {
            var gk = vg[k];
            vm[k] = c1 * vm[k] + c1m * gk;
            vv[k] = c2 * vv[k] + c2m * gk * gk;
            vp[k] = vp[k] * d - s * vm[k] / (Vector.SquareRoot(vv[k]) * ib + e);
        }
        for (int k = vec; k < n; k++)
        {
            float gk = grad[k];
            m[k] = b1 * m[k] + (1 - b1) * gk;
            v[k] = b2 * v[k] + (1 - b2) * gk * gk;
            p[k] = p[k] * decay - stepSize * m[k] / (MathF.Sqrt(v[k]) * invBc2Sqrt + eps);
        }
    }

    // The two halves of Update, for 16-bit state rounded in between: the same arithmetic per element.
    static void UpdateMoments(ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float b1, float b2)
    {
        int w = Vector<float>.Count, n = grad.Length, vec = n / w * w;
        var vg = MemoryMarshal.Cast<float, Vector<float>>(grad);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        Vector<float> c1 = new(b1), c1m = new(1 - b1), c2 = new(b2), c2m = new(1 - b2);
        for (int k = 0; k < vg.Length; k++)
        {
            var gk = vg[k];
            vm[k] = c1 * vm[k] + c1m * gk;
            vv[k] = c2 * vv[k] + c2m * gk * gk;
        }
        for (int k = vec; k < n; k++)
        {
            float gk = grad[k];
            m[k] = b1 * m[k] + (1 - b1) * gk;
            v[k] = b2 * v[k] + (1 - b2) * gk * gk;
        }
    }

    static void UpdateParameters(Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> v, float decay, float stepSize, float invBc2Sqrt, float eps)
    {
        int w = Vector<float>.Count, n = p.Length, vec = n / w * w;
        var vp = MemoryMarshal.Cast<float, Vector<float>>(p);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        Vector<float> d = new(decay), s = new(stepSize), ib = new(invBc2Sqrt), e = new(eps);
        for (int k = 0; k < vp.Length; k++) vp[k] = vp[k] * d - s * vm[k] / (Vector.SquareRoot(vv[k]) * ib + e);
        for (int k = vec; k < n; k++) p[k] = p[k] * decay - stepSize * m[k] / (MathF.Sqrt(v[k]) * invBc2Sqrt + eps);
    }

    /// <summary>"state.{i}.exp_avg", "state.{i}.exp_avg_sq" (the parameter's shape) and "state.{i}.step" (1) per parameter that has state.</summary>
    public override Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (i, p, _) in All())
        {
            if (_deviceMoments.TryGetValue(i, out var dm))
            {
                d[$"state.{i}.exp_avg"] = new Tensor(dm.M.ToArray(), p.ShapeArray);       // copied to the host
                d[$"state.{i}.exp_avg_sq"] = new Tensor(dm.V.ToArray(), p.ShapeArray);
            }
            else if (_moments.TryGetValue(i, out var mv))
            {
                d[$"state.{i}.exp_avg"] = new Tensor((float[])mv.M.Clone(), p.ShapeArray);
                d[$"state.{i}.exp_avg_sq"] = new Tensor((float[])mv.V.Clone(), p.ShapeArray);
            }
            else continue;
            d[$"state.{i}.step"] = new Tensor([_steps[i]], 1);
        }
        return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "optimizer state")
    {
        var expected = new Dictionary<string, int[]>();
        foreach (var (i, p, _) in All())
        {
            if (!state.ContainsKey($"state.{i}.step")) continue;   // a parameter that never had a gradient has no state
            expected[$"state.{i}.exp_avg"] = p.ShapeArray;
            expected[$"state.{i}.exp_avg_sq"] = p.ShapeArray;
            expected[$"state.{i}.step"] = [1];
        }
        Validate(state, expected, source, "AdamW");
        _moments.Clear();
        foreach (var (m, v) in _deviceMoments.Values) { m.Dispose(); v.Dispose(); }
        _deviceMoments.Clear();
        _steps.Clear();
        foreach (var (i, _, _) in All())
        {
            if (!state.TryGetValue($"state.{i}.step", out var st)) continue;
            _moments[i] = (state[$"state.{i}.exp_avg"].ToArray(), state[$"state.{i}.exp_avg_sq"].ToArray());
            _steps[i] = (int)st.Data[0];
        }
    }
}
