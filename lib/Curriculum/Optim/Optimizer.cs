using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.Optim;

/// <summary>
/// Base of the optimisers (<c>torch.optim.Optimizer</c>): parameter groups, <see cref="Step"/>, <see cref="ZeroGrad"/>,
/// and a state dict of named tensors ("state.{i}.{name}", i counting parameters across groups in order) that a
/// checkpoint saves beside the model's.
/// </summary>
public abstract class Optimizer
{
    public IReadOnlyList<ParamGroup> ParamGroups { get; }

    protected Optimizer(IEnumerable<ParamGroup> groups, float lr, float weightDecay)
    {
        ParamGroups = groups.ToList();
        if (ParamGroups.Count == 0) throw new ArgumentException($"{GetType().Name}: no parameters to optimise.");
        foreach (var g in ParamGroups)
        {
            g.Lr ??= lr;
            g.WeightDecay ??= weightDecay;
        }
    }

    /// <summary>
    /// The format the per-parameter state (AdamW's exp_avg and exp_avg_sq, SGD's momentum buffer) is stored in:
    /// PyTorch keeps it in the parameter's dtype, so bf16 parameters get bf16 moments. Each step rounds the new state
    /// to this format before the parameter update reads it; <see cref="FloatFormat.Fp32"/> (the default) rounds nothing.
    /// A <c>Trainer</c> whose precision policy has 16-bit master weights sets it to their format.
    /// </summary>
    public FloatFormat StateFormat { get; set; } = FloatFormat.Fp32;

    protected static IEnumerable<ParamGroup> OneGroup(IEnumerable<Tensor> parameters) => [new ParamGroup(parameters)];

    /// <summary>Every parameter in group order, with its group.</summary>
    protected IEnumerable<(int Index, Tensor Param, ParamGroup Group)> All()
    {
        int i = 0;
        foreach (var g in ParamGroups)
            foreach (var p in g.Params) yield return (i++, p, g);
    }

    /// <summary>Updates every parameter that has a gradient; parameters without one (frozen, unused) are skipped.</summary>
    public abstract void Step();

    /// <summary>Sets every parameter's gradient to null (<c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var g in ParamGroups) foreach (var p in g.Params) p.Grad = null;
    }

    /// <summary>The optimiser's per-parameter state, as tensors (copies).</summary>
    public abstract Dictionary<string, Tensor> StateDict();

    /// <summary>Restores <see cref="StateDict"/>'s output; checks every entry before changing anything.</summary>
    public abstract void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "optimizer state");

    public void Save(string path) => SafeTensors.Save(path, StateDict());
    public void Load(string path) => LoadStateDict(SafeTensors.Load(path).Tensors, path);

    /// <summary>Checks that <paramref name="state"/> holds exactly the expected names and shapes, else throws naming them.</summary>
    protected static void Validate(IReadOnlyDictionary<string, Tensor> state, Dictionary<string, int[]> expected, string source, string optimizer)
    {
        var problems = new List<string>();
        foreach (var (n, shape) in expected)
        {
            if (!state.TryGetValue(n, out var t)) problems.Add($"missing '{n}'");
            else if (!Shapes.Equal(t.ShapeArray, shape)) problems.Add($"'{n}' is {Shapes.Text(t.ShapeArray)}, expected {Shapes.Text(shape)}");
        }
        foreach (var k in state.Keys) if (!expected.ContainsKey(k)) problems.Add($"unexpected '{k}'");
        if (problems.Count > 0)
            throw new InvalidDataException($"{source}: does not match this {optimizer} ({string.Join("; ", problems)}); nothing was loaded.");
    }
}
