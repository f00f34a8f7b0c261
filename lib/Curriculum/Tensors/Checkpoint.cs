namespace Curriculum.Tensors;

/// <summary>
/// Gradient checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost";
/// <c>torch.utils.checkpoint.checkpoint</c>): run a function without recording its graph, keep only its inputs,
/// and in backward run it again with recording from those inputs, then backpropagate through it. Per Transformer
/// block this keeps one (B,T,C) tensor per block instead of every tensor the block saves, for one more forward pass.
/// <code>
/// y = Checkpoint.Run(t => block.Forward(t[0]), [x], block.Parameters().ToList(), generator);
/// </code>
/// The gradients are bit-identical to the run without it: the recomputation uses the same kernels in the same order,
/// the same <see cref="Autocast"/> policy, and replays the same random numbers (the generator's state is saved before the
/// forward pass and restored for the recomputation, then put back), so dropout draws the same masks.
/// </summary>
public static class Checkpoint
{
    /// <summary>
    /// <paramref name="function"/>(<paramref name="inputs"/>), recomputed in backward. <paramref name="parameters"/> are the
    /// leaves the function reads besides its inputs (a module's parameters): they receive gradients in the recomputation.
    /// <paramref name="generator"/> is the random stream the function draws from (null: <see cref="Generator.Default"/>).
    /// Outside grad mode it simply calls the function.
    /// </summary>
    public static Tensor Run(Func<Tensor[], Tensor> function, Tensor[] inputs, IReadOnlyList<Tensor> parameters, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Autograd.IsGradEnabled) return function(inputs);
        var rng = generator ?? Generator.Default;
        var rngBefore = rng.GetState();
        var policy = Autocast.Policy;
        Tensor result;
        using (Autograd.NoGrad()) result = function(inputs);
        var recorded = new Tensor[inputs.Length + parameters.Count];
        inputs.CopyTo(recorded, 0);
        for (int i = 0; i < parameters.Count; i++) recorded[inputs.Length + i] = parameters[i];

        // Rebuild the graph from detached copies of the inputs, with the forward's random stream and policy.
        (Tensor Recomputed, Tensor[] Leaves) Recompute()
        {
            var leaves = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                leaves[i] = inputs[i].Detach();
                if (inputs[i].RequiresGrad) leaves[i].RequiresGrad = true;
            }
            var rngNow = rng.GetState();
            rng.SetState(rngBefore);
            try
            {
                using (Autograd.EnableGrad())
                using (Autocast.Enter(policy))
                    return (function(leaves), leaves);
            }
            finally { rng.SetState(rngNow); }
        }

        // On a device: the same, with the seed gradient and the inputs' gradients as device buffers.
        if (result.Buffer is { } buffer)
            return Autograd.RecordOnDevice(new Tensor(buffer.Clone()), "Checkpoint", recorded, g =>
            {
                var (recomputed, leaves) = Recompute();
                if (recomputed.RequiresGrad)
                {
                    var seed = g.Clone();   // the outer pass still owns g
                    if (recomputed.IsLeaf) Autograd.AccumulateOnDevice(recomputed, seed);
                    else Autograd.RunFromDevice(recomputed, seed);
                }
                for (int i = 0; i < inputs.Length; i++)
                    if (leaves[i].Grad is { } grad) Autograd.AccumulateOnDevice(inputs[i], grad.Buffer);
            });

        var output = new Tensor(result.Data, result.ShapeArray);   // a fresh tensor, even if the function returned an input
        return Autograd.Record(output, "Checkpoint", recorded, g =>
        {
            var (recomputed, leaves) = Recompute();
            ActivationMemoryProbe.SampleActive();
            if (recomputed.RequiresGrad)
            {
                var seed = BufferPool.Rent(g.Length);   // the outer pass still owns g
                g.AsSpan().CopyTo(seed);
                if (recomputed.IsLeaf) Autograd.AccumulateOwned(recomputed, seed);
                else Autograd.Run(recomputed, seed);
            }
            for (int i = 0; i < inputs.Length; i++)
                if (leaves[i].Grad is { } grad) Autograd.AccumulateOwned(inputs[i], grad.Data);
        });
    }
}
