using System.Text.Json.Nodes;
using Curriculum.Data;
using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>
/// Causal-LM micro-batches of <see cref="BatchSize"/> rows from one or more token streams. Stream i is cut into
/// windows of T+1 tokens starting every T tokens (inputs = window[0..T), targets = window[1..T]); each epoch
/// visits its windows in a fresh shuffled order. The stream of each row is drawn with the weights of
/// <see cref="Mixture"/> at the current progress, so a late-HQ schedule (MiniCPM) switches the mix during the decay.
/// The position (the draw generator, each stream's epoch and place in it) is saved with the checkpoint.
/// </summary>
public sealed class TokenWindowSource : IBatchSource<LmBatch>
{
    readonly int[][] _streams;
    readonly int[] _windows;          // windows per stream
    readonly int[][] _order;          // this epoch's window order, per stream
    readonly long[] _epoch, _position, _rows;
    readonly SplitMix64 _draw;
    readonly ulong _seed;

    public int BatchSize { get; }
    public int SeqLen { get; }
    public MixtureSchedule Mixture { get; }
    public IReadOnlyList<string> Names { get; }

    /// <param name="streams">Token ids per stream (e.g. documents joined with EOS).</param>
    /// <param name="batchSize">Rows per micro-batch (B).</param>
    /// <param name="seqLen">Positions per row (T).</param>
    /// <param name="mixture">Weights by progress; null for a single stream (or equal weights).</param>
    /// <param name="seed">Seeds the per-row stream draws and the epoch shuffles.</param>
    /// <param name="names">A name per stream (for errors and the saved state).</param>
    public TokenWindowSource(IReadOnlyList<int[]> streams, int batchSize, int seqLen, MixtureSchedule? mixture = null,
        ulong seed = 0, IReadOnlyList<string>? names = null)
    {
        if (streams.Count == 0) throw new ArgumentException("TokenWindowSource: no streams.", nameof(streams));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "TokenWindowSource: batchSize must be at least 1.");
        if (seqLen < 1) throw new ArgumentOutOfRangeException(nameof(seqLen), seqLen, "TokenWindowSource: seqLen must be at least 1.");
        Names = names?.ToArray() ?? Enumerable.Range(0, streams.Count).Select(i => $"stream{i}").ToArray();
        if (Names.Count != streams.Count) throw new ArgumentException($"TokenWindowSource: {Names.Count} names for {streams.Count} streams.", nameof(names));
        Mixture = mixture ?? MixtureSchedule.Constant(Enumerable.Repeat(1.0, streams.Count).ToArray());
        if (Mixture.Sources != streams.Count)
            throw new ArgumentException($"TokenWindowSource: the mixture has {Mixture.Sources} sources, there are {streams.Count} streams.", nameof(mixture));
        (BatchSize, SeqLen, _seed) = (batchSize, seqLen, seed);
        int n = streams.Count;
        _streams = streams.ToArray();
        _windows = new int[n];
        _order = new int[n][];
        (_epoch, _position, _rows) = (new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++)
        {
            _windows[i] = (_streams[i].Length - 1) / seqLen;
            if (_windows[i] < 1)
                throw new ArgumentException($"TokenWindowSource: stream '{Names[i]}' has {_streams[i].Length} tokens, fewer than one window of {seqLen + 1}.", nameof(streams));
            _order[i] = Shuffled(i, 0);
        }
        _draw = new SplitMix64(seed);
    }

    /// <summary>Windows of T+1 tokens in stream <paramref name="i"/>: one epoch.</summary>
    public int WindowsIn(int i) => _windows[i];

    /// <summary>Rows drawn from stream <paramref name="i"/> so far.</summary>
    public long RowsDrawn(int i) => _rows[i];

    /// <summary>Epochs of stream <paramref name="i"/> seen so far: rows drawn / windows in the stream.</summary>
    public double Epochs(int i) => (double)_rows[i] / _windows[i];

    // The window order of stream i in epoch e: a Fisher-Yates shuffle seeded by (seed, i, e).
    int[] Shuffled(int stream, long epoch)
    {
        var order = new int[_windows[stream]];
        for (int j = 0; j < order.Length; j++) order[j] = j;
        var rng = new SplitMix64(_seed ^ (0xD1B54A32D192ED03UL * (ulong)(stream + 1)) ^ (0x8CB92BA72F3D8DD7UL * (ulong)(epoch + 1)));
        rng.Shuffle(order.AsSpan());
        return order;
    }

    public LmBatch Next(double progress)
    {
        var w = Mixture.WeightsAt(progress);
        int t = SeqLen;
        var inputs = new int[BatchSize * t];
        var targets = new int[BatchSize * t];
        var sources = new int[BatchSize];
        for (int b = 0; b < BatchSize; b++)
        {
            int s = Pick(w);
            sources[b] = s;
            if (_position[s] == _windows[s])
            {
                _epoch[s]++;
                _position[s] = 0;
                _order[s] = Shuffled(s, _epoch[s]);
            }
            int start = _order[s][_position[s]++] * t;
            _rows[s]++;
            var window = _streams[s].AsSpan(start, t + 1);
            window[..t].CopyTo(inputs.AsSpan(b * t, t));
            window[1..].CopyTo(targets.AsSpan(b * t, t));
        }
        return new LmBatch(new IntTensor(inputs, BatchSize, t), new IntTensor(targets, BatchSize, t), sources);
    }

    // Stream i with probability w[i], from a generator whose state is saved; one stream needs no draw.
    int Pick(double[] w) => w.Length == 1 ? 0 : MixtureSampler.Pick(w, _draw.NextDouble());

    public JsonObject SaveState()
    {
        var streams = new JsonArray();
        for (int i = 0; i < _streams.Length; i++)
            streams.Add(new JsonObject
            {
                ["name"] = Names[i],
                ["tokens"] = _streams[i].Length,
                ["epoch"] = _epoch[i],
                ["position"] = _position[i],
                ["rows"] = _rows[i],
            });
        return new JsonObject
        {
            ["kind"] = nameof(TokenWindowSource),
            ["batch_size"] = BatchSize,
            ["seq_len"] = SeqLen,
            ["seed"] = _seed,
            ["draw_state"] = _draw.State,
            ["streams"] = streams,
        };
    }

    public void LoadState(JsonObject state, string origin)
    {
        string where = $"{origin}: data stream state";
        T Get<T>(JsonObject o, string field, string at)
        {
            try { return o[field] is JsonNode n ? n.GetValue<T>() : throw new InvalidDataException($"{at}: field '{field}' is missing."); }
            catch (Exception e) when (e is FormatException or InvalidOperationException) { throw new InvalidDataException($"{at}: field '{field}' is not a {typeof(T).Name}.", e); }
        }
        void Same<T>(string field, T expected) where T : IEquatable<T>
        {
            var got = Get<T>(state, field, where);
            if (!got.Equals(expected)) throw new InvalidDataException($"{where}: {field} is {got}, this source has {expected}.");
        }
        if (Get<string>(state, "kind", where) != nameof(TokenWindowSource))
            throw new InvalidDataException($"{where}: kind is '{state["kind"]}', this source is a {nameof(TokenWindowSource)}.");
        Same("batch_size", BatchSize);
        Same("seq_len", SeqLen);
        Same("seed", _seed);
        var streams = state["streams"] as JsonArray ?? throw new InvalidDataException($"{where}: field 'streams' is missing or not an array.");
        if (streams.Count != _streams.Length) throw new InvalidDataException($"{where}: {streams.Count} streams, this source has {_streams.Length}.");
        int n = _streams.Length;
        var (epoch, position, rows) = (new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++)
        {
            string at = $"{where}, stream {i} ('{Names[i]}')";
            var o = streams[i] as JsonObject ?? throw new InvalidDataException($"{at}: not an object.");
            int tokens = Get<int>(o, "tokens", at);
            if (tokens != _streams[i].Length) throw new InvalidDataException($"{at}: {tokens} tokens, this stream has {_streams[i].Length}.");
            (epoch[i], position[i], rows[i]) = (Get<long>(o, "epoch", at), Get<long>(o, "position", at), Get<long>(o, "rows", at));
            if (position[i] < 0 || position[i] > _windows[i] || epoch[i] < 0)
                throw new InvalidDataException($"{at}: epoch {epoch[i]}, position {position[i]} outside the {_windows[i]} windows.");
        }
        ulong draw = Get<ulong>(state, "draw_state", where);
        for (int i = 0; i < n; i++)
        {
            if (epoch[i] != _epoch[i]) _order[i] = Shuffled(i, epoch[i]);
            (_epoch[i], _position[i], _rows[i]) = (epoch[i], position[i], rows[i]);
        }
        _draw.State = draw;
    }
}
