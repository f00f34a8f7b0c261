namespace Curriculum.Tensors;

public sealed partial class Tensor
{
    bool _requiresGrad;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (parameters); false freezes a parameter.
    /// Results of ops require a gradient when any input does and grad mode is on.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf) throw new InvalidOperationException("RequiresGrad can only be set on a leaf tensor; use Detach() for a non-leaf.");
            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of a leaf after <see cref="Backward"/> (<c>.grad</c>); null until then.</summary>
    public Tensor? Grad { get; set; }

    internal Node? GradFn { get; private set; }
    internal float[]? PendingGrad { get; set; }
    /// <summary>The gradient being summed for a non-leaf on a device (its <see cref="PendingGrad"/>).</summary>
    internal IDeviceBuffer? PendingDeviceGrad { get; set; }

    /// <summary>True for tensors not produced by a recorded op (parameters, inputs).</summary>
    public bool IsLeaf => GradFn == null;

    internal void SetGradFn(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
    }

    /// <summary>Marks this leaf as needing a gradient and returns it (<c>requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires one and adds it to
    /// their <see cref="Grad"/> (so micro-batches accumulate). A non-scalar tensor needs <paramref name="gradient"/>
    /// of its own shape (the vector of the vector-Jacobian product). The graph is freed afterwards.
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad) throw new InvalidOperationException("Backward: this tensor does not require a gradient (no input required one, or it was computed under NoGrad).");
        if (gradient != null && !Shapes.Equal(gradient._shape, _shape))
            throw new ArgumentException($"Backward: gradient shape {Shapes.Text(gradient._shape)} differs from the tensor's shape {Shapes.Text(_shape)}.");
        if (_buffer != null)
        {
            BackwardOnDevice(gradient);
            return;
        }
        float[] seed;
        if (gradient == null)
        {
            if (Numel != 1) throw new InvalidOperationException($"Backward: a gradient is needed for a non-scalar tensor of shape {Shapes.Text(_shape)}.");
            seed = [1f];
        }
        else seed = gradient.ToArray();
        if (IsLeaf) { Autograd.AccumulateOwned(this, seed); return; }
        Autograd.Run(this, seed);
    }

    // The seed is made on this tensor's device: ones, or a copy of the given gradient from wherever it lives.
    void BackwardOnDevice(Tensor? gradient)
    {
        var kernels = Device.Kernels!;
        IDeviceBuffer seed;
        if (gradient == null)
        {
            if (Numel != 1) throw new InvalidOperationException($"Backward: a gradient is needed for a non-scalar tensor of shape {Shapes.Text(_shape)}.");
            seed = kernels.Full(1f, _shape);
        }
        else seed = gradient.Device == Device ? gradient._buffer!.Clone() : kernels.FromHost(gradient.ToArray(), _shape);
        if (IsLeaf) { Autograd.AccumulateOnDevice(this, seed); return; }
        Autograd.RunFromDevice(this, seed);
    }

    /// <summary>Sets the gradient to null (<c>grad = None</c>).</summary>
    public void ZeroGrad() => Grad = null;
}
