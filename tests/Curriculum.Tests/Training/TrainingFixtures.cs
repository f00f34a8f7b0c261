using System.Text.Json.Nodes;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>A one-block causal LM small enough for a test step in milliseconds: ids (B,T) -> mean next-token cross-entropy.</summary>
sealed class TinyLm : Module
{
    public Embedding Tok { get; }
    public Embedding Pos { get; }
    public TransformerBlock Block { get; }
    public LayerNorm Ln { get; }

    public TinyLm(int vocab = 32, int dim = 16, int context = 8, float dropout = 0f, Generator? generator = null)
    {
        generator ??= new Generator(1);
        Tok = RegisterModule("tok", new Embedding(vocab, dim, generator));
        Pos = RegisterModule("pos", new Embedding(context, dim, generator));
        Block = RegisterModule("block", new TransformerBlock(dim, 2, 2 * dim, dropout, generator: generator));
        Ln = RegisterModule("ln", new LayerNorm(dim));
        // Small embeddings so the first losses are near ln(vocab), as in GPT-2's N(0, 0.02) init.
        foreach (var e in new[] { Tok.Weight, Pos.Weight }) for (int i = 0; i < e.Numel; i++) e.Data[i] *= 0.1f;
    }

    public Tensor Loss(IntTensor ids, IntTensor targets)
    {
        var x = Tok.Forward(ids) + Pos.Forward(IntTensor.Arange(ids.Size(1)));
        x = Ln.Forward(Block.Forward(x, isCausal: true));
        return F.LinearCrossEntropy(x, Tok.Weight, null, targets);
    }
}

/// <summary>A batch that knows its place in the stream (for tests that inject a fault at a given batch).</summary>
sealed record IndexedBatch(IntTensor Inputs, IntTensor Targets, int Index) : ITokenBatch
{
    public int Tokens => Inputs.Numel;
}

/// <summary>Batches generated from (seed, index): batch i is the same whenever it is drawn; the state is the index.</summary>
sealed class IndexedBatchSource(int batchSize, int seqLen, int vocab = 32, ulong seed = 7) : IBatchSource<IndexedBatch>
{
    public int Index { get; private set; }
    public List<int> Drawn { get; } = [];

    public IndexedBatch this[int index] => Make(index);

    IndexedBatch Make(int index)
    {
        var g = new Generator(seed * 1_000_003 + (ulong)index);
        // A learnable pattern: each row counts up from a random start, so the next token is predictable.
        var ids = new int[batchSize * (seqLen + 1)];
        for (int b = 0; b < batchSize; b++)
        {
            int start = g.NextInt(vocab);
            for (int t = 0; t <= seqLen; t++) ids[b * (seqLen + 1) + t] = (start + t) % vocab;
        }
        var x = new int[batchSize * seqLen];
        var y = new int[batchSize * seqLen];
        for (int b = 0; b < batchSize; b++)
            for (int t = 0; t < seqLen; t++)
            {
                x[b * seqLen + t] = ids[b * (seqLen + 1) + t];
                y[b * seqLen + t] = ids[b * (seqLen + 1) + t + 1];
            }
        return new IndexedBatch(new IntTensor(x, batchSize, seqLen), new IntTensor(y, batchSize, seqLen), index);
    }

    public IndexedBatch Next(double progress)
    {
        Drawn.Add(Index);
        return Make(Index++);
    }

    public JsonObject SaveState() => new() { ["kind"] = "indexed", ["batch_size"] = batchSize, ["index"] = Index };

    public void LoadState(JsonObject state, string origin)
    {
        int b = state["batch_size"]!.GetValue<int>();
        if (b != batchSize) throw new InvalidDataException($"{origin}: batch_size is {b}, this source has {batchSize}.");
        Index = state["index"]!.GetValue<int>();
    }
}

static class TrainingFixtures
{
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "curriculum-training-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(d);
        return d;
    }

    public static Objective<IndexedBatch> LmObjective(TinyLm model) =>
        Objective.Single<IndexedBatch>(b => model.Loss(b.Inputs, b.Targets));

    public static Trainer<IndexedBatch> Trainer(TinyLm model, IndexedBatchSource source, TrainerOptions options,
        ILearningRateSchedule? schedule = null, Objective<IndexedBatch>? objective = null) =>
        new(model, objective ?? LmObjective(model), source, new AdamW(model.Parameters(), lr: 1e-2f), schedule ?? new ConstantSchedule(1e-2), options);

    public static float[] Flat(Module m)
    {
        var all = new List<float>();
        foreach (var p in m.Parameters()) all.AddRange(p.Data);
        return all.ToArray();
    }
}
