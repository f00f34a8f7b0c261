namespace Curriculum.Tensors;

/// <summary>
/// One recorded op: the tensors it read and a closure that, given the gradient of its output,
/// adds the gradients of its inputs (the "grad_fn" of PyTorch). Released after it has run once.
/// The closure takes the gradient where the output lives: a host array (cpu) or a device buffer.
/// </summary>
internal sealed class Node
{
    public Node(string op, Tensor[] inputs, Action<float[]> backward) => (Op, Inputs, Backward) = (op, inputs, backward);
    public Node(string op, Tensor[] inputs, Action<IDeviceBuffer> backward) => (Op, Inputs, DeviceBackward) = (op, inputs, backward);

    public string Op { get; }
    public Tensor[] Inputs { get; private set; }
    public Action<float[]>? Backward { get; private set; }
    /// <summary>The backward of an op whose output is on a device; it must not keep the gradient it is given.</summary>
    public Action<IDeviceBuffer>? DeviceBackward { get; private set; }

    /// <summary>Drops the saved tensors so the graph's memory can be reclaimed.</summary>
    public void Release()
    {
        Inputs = [];
        Backward = null;
        DeviceBackward = null;
    }
}

/// <summary>
/// Define-by-run autograd: ops record <see cref="Node"/>s while grad mode is on;
/// <see cref="Tensor.Backward"/> walks them in reverse topological order.
/// </summary>
public static class Autograd
{
    [ThreadStatic] static int _noGradDepth;

    /// <summary>False inside a <see cref="NoGrad"/> scope: ops then record nothing.</summary>
    public static bool IsGradEnabled => _noGradDepth == 0;

    /// <summary><c>with torch.no_grad():</c> as <c>using (Autograd.NoGrad()) { ... }</c>.</summary>
    public static IDisposable NoGrad() => new NoGradScope();

    sealed class NoGradScope : IDisposable
    {
        bool _done;
        public NoGradScope() => _noGradDepth++;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _noGradDepth--;
        }
    }

    /// <summary>
    /// Grad mode on until disposed, even inside a <see cref="NoGrad"/> scope (<c>torch.enable_grad()</c>): a checkpointed
    /// block's recomputation records its graph whatever mode the backward pass was started in.
    /// </summary>
    internal static IDisposable EnableGrad() => new EnableGradScope();

    sealed class EnableGradScope : IDisposable
    {
        readonly int _saved;
        bool _done;
        public EnableGradScope()
        {
            _saved = _noGradDepth;
            _noGradDepth = 0;
        }
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _noGradDepth = _saved;
        }
    }

    /// <summary>Whether an op on these inputs must be recorded.</summary>
    internal static bool Needs(Tensor a) => IsGradEnabled && a.RequiresGrad;
    internal static bool Needs(Tensor a, Tensor b) => IsGradEnabled && (a.RequiresGrad || b.RequiresGrad);
    internal static bool Needs(Tensor a, Tensor b, Tensor? c) => IsGradEnabled && (a.RequiresGrad || b.RequiresGrad || (c?.RequiresGrad ?? false));

    /// <summary>Attaches a backward closure to <paramref name="output"/> if any input requires a gradient.</summary>
    internal static Tensor Record(Tensor output, string op, Tensor[] inputs, Action<float[]> backward)
    {
        if (MustRecord(op, inputs)) output.SetGradFn(new Node(op, inputs, backward));
        return output;
    }

    /// <summary>As <see cref="Record"/> for an output on a device: <paramref name="backward"/> receives dY as a device buffer.</summary>
    internal static Tensor RecordOnDevice(Tensor output, string op, Tensor[] inputs, Action<IDeviceBuffer> backward)
    {
        if (MustRecord(op, inputs)) output.SetGradFn(new Node(op, inputs, backward));
        return output;
    }

    // Counts the op for the profiler; true in grad mode when any input requires a gradient.
    static bool MustRecord(string op, Tensor[] inputs)
    {
        if (OpProfiler.Enabled) OpProfiler.Forward(op);
        if (!IsGradEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Adds <paramref name="g"/> (on <paramref name="t"/>'s device) to the gradient of <paramref name="t"/>, taking the
    /// buffer itself when there is none yet; otherwise it is added and disposed. Disposed when no gradient is needed.
    /// </summary>
    internal static void AccumulateOnDevice(Tensor t, IDeviceBuffer? g)
    {
        if (g == null) return;
        if (!t.RequiresGrad) { g.Dispose(); return; }
        if (t.IsLeaf)
        {
            if (t.Grad == null) { t.Grad = new Tensor(g); return; }
            g.Device.Kernels!.AddInPlace(t.Grad.Buffer!, g);
        }
        else
        {
            if (t.PendingDeviceGrad == null) { t.PendingDeviceGrad = g; return; }
            g.Device.Kernels!.AddInPlace(t.PendingDeviceGrad, g);
        }
        g.Dispose();
    }

    /// <summary>
    /// The buffer into which the gradient of <paramref name="t"/> accumulates, allocated as zeros on first use;
    /// null when <paramref name="t"/> needs no gradient.
    /// </summary>
    internal static float[]? GradBuffer(Tensor t)
    {
        if (!t.RequiresGrad) return null;
        if (t.IsLeaf)
        {
            t.Grad ??= Tensor.Zeros(t.ShapeArray);
            return t.Grad.Data;
        }
        return t.PendingGrad ??= BufferPool.RentZeroed(t.Numel);
    }

    /// <summary>Adds <paramref name="g"/> to the gradient of <paramref name="t"/>, taking the array itself when it has none yet.</summary>
    internal static void AccumulateOwned(Tensor t, float[] g)
    {
        if (!t.RequiresGrad) return;
        if (t.IsLeaf)
        {
            if (t.Grad == null) t.Grad = new Tensor(g, t.ShapeArray);
            else Kernels.Elementwise.AddInPlace(t.Grad.Data, g);
        }
        else if (t.PendingGrad == null) t.PendingGrad = g;
        else
        {
            Kernels.Elementwise.AddInPlace(t.PendingGrad, g);
            return;
        }
        _lastTaken = g;
    }

    // The gradient array most recently adopted by AccumulateOwned: it must not go back to the pool.
    [ThreadStatic] static float[]? _lastTaken;

    internal static void Run(Tensor root, float[] seed)
    {
        var order = ReverseOrder(root);
        AccumulateOwned(root, seed);
        RunNodes(order);
    }

    /// <summary><see cref="Run"/> from a root on a device, seeded with a buffer on that device.</summary>
    internal static void RunFromDevice(Tensor root, IDeviceBuffer seed)
    {
        var order = ReverseOrder(root);
        AccumulateOnDevice(root, seed);
        RunNodes(order);
    }

    static List<Tensor> ReverseOrder(Tensor root)
    {
        // Reverse topological order by an iterative depth-first search over tensors with a grad_fn.
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor T, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.GradFn != null && visited.Add(child)) stack.Push((child, 0));
            }
            else order.Add(t);
        }
        return order;
    }

    static void RunNodes(List<Tensor> order)
    {
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.GradFn!;
            if (node.Backward == null && node.DeviceBackward == null)
                throw new InvalidOperationException($"Backward: the graph through '{node.Op}' was already used by an earlier Backward() and has been freed.");
            if (t.OnDevice)
            {
                var dg = t.PendingDeviceGrad;
                t.PendingDeviceGrad = null;
                if (dg != null)
                {
                    long begin = OpProfiler.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                    node.DeviceBackward!(dg);
                    if (OpProfiler.Enabled) OpProfiler.Backward(node.Op, begin);
                    dg.Dispose();
                }
                node.Release();
                continue;
            }
            var g = t.PendingGrad;
            t.PendingGrad = null;
            if (g != null)
            {
                _lastTaken = null;
                long start = OpProfiler.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                node.Backward!(g);
                if (OpProfiler.Enabled) OpProfiler.Backward(node.Op, start);
                // Nothing keeps an output's gradient once its node has run, unless an input adopted the array.
                if (!ReferenceEquals(_lastTaken, g)) BufferPool.Return(g);
            }
            node.Release();
        }
    }
}
