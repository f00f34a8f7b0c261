using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Base of every layer and model (<c>torch.nn.Module</c>): named parameters and child modules, registered in
/// order, so names come out hierarchical as in PyTorch's state_dict ("blocks.0.ln1.weight"); train/eval mode;
/// state dict save/load in safetensors. Each subclass defines its own <c>Forward(...)</c>.
/// </summary>
public abstract class Module
{
    readonly List<(string Name, Tensor Tensor)> _parameters = [];
    readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (dropout active), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Adds a parameter under <paramref name="name"/>; it requires a gradient.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Adds a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"Module: name '{name}' must be non-empty and contain no '.'.");
        foreach (var (n, _) in _parameters) if (n == name) throw new ArgumentException($"Module: name '{name}' is already registered.");
        foreach (var (n, _) in _children) if (n == name) throw new ArgumentException($"Module: name '{name}' is already registered.");
    }

    /// <summary>Every parameter with its dotted name, depth first in registration order (<c>named_parameters()</c>).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var list = new List<(string, Tensor)>();
        Collect("", list);
        return list;
    }

    void Collect(string prefix, List<(string, Tensor)> list)
    {
        foreach (var (n, t) in _parameters) list.Add((prefix + n, t));
        foreach (var (n, m) in _children) m.Collect(prefix + n + ".", list);
    }

    public IEnumerable<Tensor> Parameters()
    {
        foreach (var (_, p) in NamedParameters()) yield return p;
    }

    /// <summary>Direct children with their names (<c>named_children()</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Total number of parameter elements.</summary>
    public long NumParameters()
    {
        long n = 0;
        foreach (var p in Parameters()) n += p.Numel;
        return n;
    }

    /// <summary>Sets training mode here and in every child (<c>train(mode)</c>); returns this module.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, m) in _children) m.Train(mode);
        return this;
    }

    /// <summary>Evaluation mode: dropout off (<c>eval()</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Moves every parameter (and its gradient) to <paramref name="device"/> in place (<c>module.to(device)</c>): the
    /// parameter objects stay the same, so optimisers built on them keep working. Returns this module.
    /// </summary>
    public Module To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (var p in Parameters()) p.MoveTo(device);
        return this;
    }

    /// <summary>Clears every parameter's gradient (<c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Name -> parameter (sharing its data, on its device), in <see cref="NamedParameters"/> order (<c>state_dict()</c>).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (n, p) in NamedParameters()) d[n] = p.Detach();
        return d;
    }

    /// <summary>
    /// Copies values into the parameters (<c>load_state_dict(strict=True)</c>), from whatever device they are on to the
    /// parameters' device. Everything is checked first: a missing or unexpected name or a wrong shape throws and leaves
    /// the module unchanged.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "state dict")
    {
        var named = NamedParameters().ToList();
        var missing = new List<string>();
        var wrong = new List<string>();
        var known = new HashSet<string>();
        foreach (var (n, p) in named)
        {
            known.Add(n);
            if (!state.TryGetValue(n, out var t)) missing.Add(n);
            else if (!Shapes.Equal(t.ShapeArray, p.ShapeArray)) wrong.Add($"'{n}' is {Shapes.Text(t.ShapeArray)}, expected {Shapes.Text(p.ShapeArray)}");
        }
        var extra = state.Keys.Where(k => !known.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0 || wrong.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing: " + string.Join(", ", missing));
            if (extra.Count > 0) parts.Add("unexpected: " + string.Join(", ", extra));
            if (wrong.Count > 0) parts.Add("wrong shape: " + string.Join("; ", wrong));
            throw new InvalidDataException($"{source}: does not match {GetType().Name} ({string.Join(" | ", parts)}); nothing was loaded.");
        }
        foreach (var (n, p) in named)
        {
            var values = state[n].Device == Device.Cpu ? state[n].Data : state[n].ToArray();
            if (p.Buffer is { } buffer) buffer.CopyFrom(values);
            else values.AsSpan().CopyTo(p.Data);
        }
    }

    /// <summary>Writes the state dict as a safetensors file (atomically).</summary>
    public void Save(string path) => SafeTensors.Save(path, StateDict());

    /// <summary>Reads a safetensors file written by <see cref="Save"/> (or by PyTorch's safetensors) into the parameters.</summary>
    public void Load(string path) => LoadStateDict(SafeTensors.Load(path).Tensors, path);
}
