using Curriculum.Tensors;

namespace Curriculum.NN;

/// <summary>
/// Puts LoRA on a model (PEFT's <c>get_peft_model</c>): freezes every parameter, attaches a <see cref="LoraAdapter"/>
/// to each Linear layer whose name matches a target, and leaves only the adapters (and the modules named in
/// <see cref="LoraConfig.Trainable"/>) trainable. Merge for inference, or export a plain state dict with ΔW folded in.
/// </summary>
public static class Lora
{
    /// <summary>Adapts <paramref name="model"/> in place; returns the adapted layers' names and adapters, in model order.</summary>
    public static List<(string Name, LoraAdapter Adapter)> Apply(Module model, LoraConfig config, Generator? generator = null)
    {
        if (config.Targets.Count == 0) throw new ArgumentException("Lora.Apply: no target layers given (e.g. [\"qkv\", \"proj\"]).", nameof(config));
        var modules = ModuleTree.NamedModules(model);
        var linears = new List<(string Name, Linear Layer)>();
        foreach (var (n, m) in modules) if (m is Linear l) linears.Add((n, l));
        var chosen = new List<(string, Linear)>();
        foreach (var target in config.Targets)
        {
            bool any = false;
            foreach (var (n, l) in linears) if (ModuleTree.Matches(n, target)) { any = true; if (!chosen.Contains((n, l))) chosen.Add((n, l)); }
            if (!any) throw new ArgumentException($"Lora.Apply: target '{target}' matches no Linear layer; the Linear layers are: {string.Join(", ", linears.ConvertAll(x => x.Name))}.", nameof(config));
        }
        foreach (var p in model.Parameters()) { p.RequiresGrad = false; p.Grad = null; }
        var result = new List<(string, LoraAdapter)>();
        foreach (var (n, l) in linears)
        {
            if (!chosen.Contains((n, l))) continue;
            if (l.Adapter != null) throw new InvalidOperationException($"Lora.Apply: '{n}' already has an adapter.");
            var adapter = new LoraAdapter(l, config.Rank, config.Alpha, config.Init, config.Dropout, generator);
            l.AttachAdapter("lora", adapter);
            result.Add((n, adapter));
        }
        foreach (var name in config.Trainable)
        {
            bool any = false;
            foreach (var (n, m) in modules)
                if (n.Length > 0 && ModuleTree.Matches(n, name)) { any = true; foreach (var p in m.Parameters()) p.RequiresGrad = true; }
            if (!any) throw new ArgumentException($"Lora.Apply: trainable module '{name}' is not in the model.", nameof(config));
        }
        return result;
    }

    /// <summary>Every attached adapter in <paramref name="model"/> with its layer's name.</summary>
    public static List<(string Name, LoraAdapter Adapter)> Adapters(Module model)
    {
        var list = new List<(string, LoraAdapter)>();
        foreach (var (n, m) in ModuleTree.NamedModules(model))
            if (m is Linear { Adapter: LoraAdapter a }) list.Add((n, a));
        return list;
    }

    /// <summary>Folds every adapter into its weight (<c>merge_adapter()</c>).</summary>
    public static void Merge(Module model)
    {
        foreach (var (_, a) in Adapters(model)) a.Merge();
    }

    /// <summary>Takes every adapter back out of its weight (<c>unmerge_adapter()</c>).</summary>
    public static void Unmerge(Module model)
    {
        foreach (var (_, a) in Adapters(model)) a.Unmerge();
    }

    /// <summary>
    /// The state dict of the model as if merged and unloaded (<c>merge_and_unload().state_dict()</c>): each adapted
    /// weight is W + ΔW and the adapters' own entries are gone, so it loads into the model without LoRA.
    /// The model itself is not changed.
    /// </summary>
    public static Dictionary<string, Tensor> MergedStateDict(Module model)
    {
        var state = model.StateDict();
        foreach (var (n, a) in Adapters(model))
        {
            string prefix = n.Length == 0 ? "" : n + ".";
            state.Remove(prefix + "lora.A");
            state.Remove(prefix + "lora.B");
            if (a.Merged) continue;
            var w = a.Layer.Weight.Clone();
            var delta = a.DeltaWeight().Data;
            var wd = w.Data;
            for (int i = 0; i < delta.Length; i++) wd[i] += delta[i];
            state[prefix + "weight"] = w;
        }
        return state;
    }
}
