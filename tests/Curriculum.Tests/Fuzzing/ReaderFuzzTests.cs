using System.Text;
using Curriculum.Cli;
using Curriculum.Notebooks;
using Curriculum.Tensors;
using Curriculum.Precision;
using Curriculum.Tokenization;
using Curriculum.Training;

namespace Curriculum.Tests.Fuzzing;

/// <summary>
/// Every reader of a user's file turns damage into its own exception naming the file, never a raw one: a few hundred
/// seeded mutations per format (byte flips and insertions, truncation, keys written twice or deleted, wrong types,
/// numbers out of range), each read with a time limit. A failure lists the mutations that got through.
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    const int Mutations = 300;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "curriculum-fuzz-" + Guid.NewGuid().ToString("N"));

    public ReaderFuzzTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string P(string name) => Path.Combine(_dir, name);

    /// <summary>Writes each mutation of <paramref name="valid"/> to <paramref name="path"/> and reads it back.</summary>
    void Fuzz(string path, byte[] valid, Action<string> read, Type[] expected, ulong seed,
        Func<byte[], Generator, (string What, byte[] Bytes)>? mutate = null)
    {
        read(path.Length > 0 ? Write(path, valid) : path);   // the unmutated file reads
        mutate ??= JsonMutations.Mutate;
        var g = new Generator(seed);
        var failures = new List<string>();
        for (int i = 0; i < Mutations && failures.Count < 10; i++)
        {
            var (what, bytes) = mutate(valid, g);
            Write(path, bytes);
            var reading = Task.Run(() => read(path));
            try
            {
                if (!reading.Wait(TimeSpan.FromSeconds(10))) { failures.Add($"#{i} {what}: no answer within 10 s"); break; }
            }
            catch (AggregateException ae)
            {
                var e = ae.InnerException!;
                if (Array.IndexOf(expected, e.GetType()) < 0) failures.Add($"#{i} {what}: {e.GetType().FullName}: {e.Message}");
                else if (!e.Message.Contains(_dir, StringComparison.Ordinal)) failures.Add($"#{i} {what}: the message names no file: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Ipynb_notebooks() =>
        Fuzz(P("n.ipynb"), Utf8(FuzzSamples.Notebook), p => NotebookDocument.Load(p), [typeof(NotebookFormatException)], seed: 1);

    [Fact]
    public void Ipynb_notebooks_rendered_into_the_book()
    {
        Directory.CreateDirectory(P("executed"));
        Fuzz(P("executed/n.ipynb"), Utf8(FuzzSamples.Notebook), p => BookBuilder.Build(P("executed"), P("book"), null), [typeof(NotebookFormatException)], seed: 9);
    }

    [Fact]
    public void Dib_notebooks() =>
        Fuzz(P("n.dib"), Utf8(FuzzSamples.Dib), p => NotebookDocument.Load(p), [typeof(NotebookFormatException)], seed: 2, FuzzSamples.MutateDib);

    [Fact]
    public void Tokenizer_json_bpe_and_wordpiece()
    {
        var (bpe, wordPiece) = FuzzSamples.Tokenizers(P("bpe.json"), P("wp.json"));
        Fuzz(P("bpe.json"), bpe, p => TokenizerJson.Load(p), [typeof(FormatException)], seed: 3);
        Fuzz(P("wp.json"), wordPiece, p => TokenizerJson.Load(p), [typeof(FormatException)], seed: 4);
    }

    [Fact]
    public void Safetensors_and_model_folders()
    {
        var (weights, _) = FuzzSamples.ModelFolder(_dir);
        Fuzz(P("model.safetensors"), weights, p => SafeTensors.Load(p), [typeof(InvalidDataException)], seed: 5, FuzzSamples.MutateSafetensors);
        Fuzz(P("model.safetensors"), weights, p => ModelDirectory.Load(p), [typeof(InvalidDataException), typeof(FormatException)], seed: 6, FuzzSamples.MutateSafetensors);
    }

    [Fact]
    public void Checkpoint_trainer_state()
    {
        var state = new TrainerState(12, 3072, 0.5, 3, 1, 1, [2.5, 2.4], new System.Text.Json.Nodes.JsonObject { ["position"] = 7 },
            "GptModel", "AdamW", 2, "constant 0.01", "fp16 autocast", new GradScalerState(65536f, 4), 100);
        Fuzz(P("state.json"), Utf8(state.ToJson()), p => TrainerState.FromJson(File.ReadAllText(p), p), [typeof(InvalidDataException)], seed: 10);
    }

    [Fact]
    public void Shard_index()
    {
        Directory.CreateDirectory(P("shards"));
        var index = Utf8("{ \"Shards\": [\"shard-00000.bin\", \"shard-00001.bin\"], \"ShardTokens\": [16, 4], \"Documents\": 3, \"Tokens\": 20, \"EosId\": 0 }");
        Fuzz(P("shards/index.json"), index, _ => Curriculum.Data.TokenShards.ReadIndex(P("shards")), [typeof(Curriculum.Data.DataFormatException)], seed: 11);
    }

    [Fact]
    public void Run_json() =>
        Fuzz(P("run.json"), FuzzSamples.RunJson(_dir), p => RunConfig.Load(p), [typeof(ConfigException), typeof(FormatException)], seed: 7);

    [Fact]
    public void Data_json() =>
        Fuzz(P("data.json"), FuzzSamples.DataJson(_dir), p => DataConfig.Load(p), [typeof(ConfigException)], seed: 8);
}
