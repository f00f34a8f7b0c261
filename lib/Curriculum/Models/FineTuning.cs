using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>
/// Full fine-tuning versus a linear probe: freeze a module (every parameter's RequiresGrad = false, as
/// <c>p.requires_grad_(False)</c>) so that only the head learns; hand the optimiser <see cref="TrainableParameters"/>.
/// </summary>
public static class FineTuning
{
    public static void Freeze(Module module)
    {
        foreach (var p in module.Parameters()) { p.RequiresGrad = false; p.Grad = null; }
    }

    public static void Unfreeze(Module module)
    {
        foreach (var p in module.Parameters()) p.RequiresGrad = true;
    }

    /// <summary>The parameters that still require a gradient (<c>filter(lambda p: p.requires_grad, m.parameters())</c>).</summary>
    public static List<Tensor> TrainableParameters(Module module)
    {
        var list = new List<Tensor>();
        foreach (var p in module.Parameters()) if (p.RequiresGrad) list.Add(p);
        return list;
    }

    /// <summary>Share of rows of logits (B,K) whose argmax equals the label.</summary>
    public static double Accuracy(Tensor logits, ReadOnlySpan<int> labels)
    {
        if (logits.Rank != 2 || logits.Size(0) != labels.Length)
            throw new ArgumentException($"Accuracy: logits {Shapes.Text(logits.ShapeArray)} do not match {labels.Length} labels.");
        int k = logits.Size(1), correct = 0;
        float[] values = logits.HostData();   // a device's logits are copied once
        for (int r = 0; r < labels.Length; r++)
            if (NextTokenPicker.ArgMax(values.AsSpan(r * k, k)) == labels[r]) correct++;
        return labels.Length == 0 ? double.NaN : (double)correct / labels.Length;
    }
}
