namespace Curriculum.NN;

/// <summary>
/// Switches gradient checkpointing per Transformer block across a whole model (Hugging Face:
/// <c>model.gradient_checkpointing_enable()</c>): <c>GradientCheckpointing.Enable(model)</c>.
/// </summary>
public static class GradientCheckpointing
{
    /// <summary>Sets <see cref="CheckpointableBlock.GradientCheckpointing"/> on every block inside <paramref name="model"/> (pre-LN,
    /// post-LN, T5 encoder and decoder blocks); returns how many.</summary>
    public static int Enable(Module model, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        int count = 0;
        if (model is CheckpointableBlock block)
        {
            block.GradientCheckpointing = enabled;
            count++;
        }
        foreach (var (_, child) in model.NamedChildren()) count += Enable(child, enabled);
        return count;
    }
}
