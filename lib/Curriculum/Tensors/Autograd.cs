namespace Curriculum.Tensors;

/// <summary>
/// One recorded op: the tensors it read and a closure that, given the gradient of its output,
/// adds the gradients of its inputs (the "grad_fn" of PyTorch). Released after it has run once.
/// </summary>
internal sealed class Node(string op, Tensor[] inputs, Action<float[]> backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; private set; } = inputs;
    public Action<float[]>? Backward { get; private set; } = backward;

    /// <summary>Drops the saved tensors so the graph's memory can be reclaimed.</summary>
    public void Release()
    {
        Inputs = [];
        Backward = null;
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
        if (OpProfiler.Enabled) OpProfiler.Forward(op);
        if (!IsGradEnabled) return output;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return output;
        output.SetGradFn(new Node(op, inputs, backward));
        return output;
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
        AccumulateOwned(root, seed);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.GradFn!;
            var g = t.PendingGrad;
            t.PendingGrad = null;
            if (node.Backward == null)
                throw new InvalidOperationException($"Backward: the graph through '{node.Op}' was already used by an earlier Backward() and has been freed.");
            if (g != null)
            {
                _lastTaken = null;
                long start = OpProfiler.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                node.Backward(g);
                if (OpProfiler.Enabled) OpProfiler.Backward(node.Op, start);
                // Nothing keeps an output's gradient once its node has run, unless an input adopted the array.
                if (!ReferenceEquals(_lastTaken, g)) BufferPool.Return(g);
            }
            node.Release();
        }
    }
}
