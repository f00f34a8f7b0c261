using System.Text.Json.Nodes;

namespace Curriculum.Training;

/// <summary>
/// The data stream a <see cref="Trainer{TBatch}"/> draws micro-batches from (PyTorch: a <c>DataLoader</c> iterator
/// plus its <c>state_dict</c>, as in torchdata's <c>StatefulDataLoader</c>). Its position is saved in every
/// checkpoint, so a resumed run draws exactly the batches the uninterrupted run would have drawn.
/// </summary>
public interface IBatchSource<TBatch> where TBatch : ITokenBatch
{
    /// <summary>The next micro-batch; <paramref name="progress"/> in [0, 1] is the share of the run's steps done (a mixture schedule reads it).</summary>
    TBatch Next(double progress);

    /// <summary>The position in the stream as JSON (everything <see cref="LoadState"/> needs to continue from here).</summary>
    JsonObject SaveState();

    /// <summary>Continues from a position saved by <see cref="SaveState"/>; a state from a differently configured source is an error naming the field.</summary>
    void LoadState(JsonObject state, string origin);
}
