using Curriculum.Precision;
using Curriculum.Tensors;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Optim;

/// <summary>
/// Stochastic gradient descent with momentum (<c>torch.optim.SGD</c>):
///   g ← g + wd·p;  b ← μ b + (1 - dampening) g (b = g at the first step);  p ← p - lr·(nesterov ? g + μ b : b).
/// With a 16-bit <see cref="Optimizer.StateFormat"/>, b is rounded to it before the update reads it.
/// A parameter on a device keeps its momentum buffer on that device and is updated by the device's kernel.
/// </summary>
public sealed class SGD : Optimizer
{
    public float Momentum { get; }
    public float Dampening { get; }
    public bool Nesterov { get; }
    readonly Dictionary<int, float[]> _buffers = [];
    readonly Dictionary<int, IDeviceBuffer> _deviceBuffers = [];

    public SGD(IEnumerable<Tensor> parameters, float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : this(OneGroup(parameters), lr, momentum, dampening, weightDecay, nesterov) { }

    public SGD(IEnumerable<ParamGroup> groups, float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(groups, lr, weightDecay)
    {
        if (nesterov && (momentum <= 0f || dampening != 0f)) throw new ArgumentException("SGD: Nesterov momentum needs momentum > 0 and no dampening.");
        Momentum = momentum; Dampening = dampening; Nesterov = nesterov;
    }

    public override void Step()
    {
        using var _ = Autograd.NoGrad();
        foreach (var (i, p, g) in All())
        {
            if (p.Grad == null) continue;
            float lr = g.Lr!.Value, wd = g.WeightDecay!.Value;
            if (p.Buffer is { } buffer)
            {
                StepOnDevice(i, p, buffer, lr, wd);
                continue;
            }
            if (_deviceBuffers.Remove(i, out var moved)) _buffers[i] = moved.ToArray();   // the parameter came back from a device
            var d = (float[])p.Grad.Data.Clone();
            if (wd != 0f) Elementwise.AddScaledInPlace(d, p.Data, wd);
            if (Momentum != 0f)
            {
                if (!_buffers.TryGetValue(i, out var buf)) _buffers[i] = buf = (float[])d.Clone();
                else for (int k = 0; k < buf.Length; k++) buf[k] = Momentum * buf[k] + (1 - Dampening) * d[k];
                FloatRounding.Round(buf, StateFormat);   // fp32: unchanged
                if (Nesterov) Elementwise.AddScaledInPlace(d, buf, Momentum);
                else d = buf;
            }
            Elementwise.AddScaledInPlace(p.Data, d, -lr);
        }
    }

    // The momentum buffer stays on the parameter's device; one loaded from a state dict moves there on its first step.
    void StepOnDevice(int i, Tensor p, IDeviceBuffer buffer, float lr, float wd)
    {
        var kernels = buffer.Device.Kernels!;
        var grad = p.Grad!.Buffer ?? throw new InvalidOperationException($"SGD: parameter {i} is on device '{buffer.Device.Name}' but its gradient is on cpu.");
        IDeviceBuffer? momentum = null;
        bool first = false;
        if (Momentum != 0f && !_deviceBuffers.TryGetValue(i, out momentum))
        {
            first = !_buffers.Remove(i, out var host);
            _deviceBuffers[i] = momentum = first ? kernels.Full(0f, p.ShapeArray) : kernels.FromHost(host, p.ShapeArray);
        }
        kernels.SgdUpdate(buffer, grad, momentum, first, lr, wd, Momentum, Dampening, Nesterov, StateFormat);
    }

    /// <summary>"state.{i}.momentum_buffer" per parameter that has one.</summary>
    public override Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (i, p, _) in All())
            if (_deviceBuffers.TryGetValue(i, out var db)) d[$"state.{i}.momentum_buffer"] = new Tensor(db.ToArray(), p.ShapeArray);   // copied to the host
            else if (_buffers.TryGetValue(i, out var b)) d[$"state.{i}.momentum_buffer"] = new Tensor((float[])b.Clone(), p.ShapeArray);
        return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "optimizer state")
    {
        var expected = new Dictionary<string, int[]>();
        foreach (var (i, p, _) in All())
            if (state.ContainsKey($"state.{i}.momentum_buffer")) expected[$"state.{i}.momentum_buffer"] = p.ShapeArray;
        Validate(state, expected, source, "SGD");
        _buffers.Clear();
        foreach (var b in _deviceBuffers.Values) b.Dispose();
        _deviceBuffers.Clear();
        foreach (var (i, _, _) in All())
            if (state.TryGetValue($"state.{i}.momentum_buffer", out var t)) _buffers[i] = (float[])t.Data.Clone();
    }
}
