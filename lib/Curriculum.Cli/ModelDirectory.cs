using System.Text.Json;
using Curriculum.Data;
using Curriculum.Models;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Cli;

/// <summary>What a saved model is: a language model to continue or fine-tune, or a classifier to evaluate.</summary>
enum ModelKind { Gpt, Bert, GptClassifier, BertClassifier }

/// <summary>A model read back from a folder: its kind, sizes, weights, class labels (classifiers) and tokenizer.</summary>
sealed record SavedModel(string Directory, ModelKind Kind, GptConfig? Gpt, BertConfig? Bert, IReadOnlyDictionary<string, Tensor> State,
    string[] Labels, int PromptTokens, Tokenizer Tokenizer, CleaningOptions? Cleaning)
{
    public string TokenizerPath => Path.Combine(Directory, ModelDirectory.TokenizerFile);
    public bool IsGpt => Kind is ModelKind.Gpt or ModelKind.GptClassifier;
    public int MaxPositions => IsGpt ? Gpt!.MaxPositions : Bert!.MaxPositions;
}

/// <summary>
/// A model folder, the unit the commands hand each other: <c>model.safetensors</c> (the weights, by state-dict name,
/// with metadata {"format": "curriculum.model.v1", "kind", "config" (the sizes as JSON), "labels", "prompt_tokens",
/// "tokenizer_sha256" (<see cref="TokenizerFingerprint"/>), "cleaning" (the <see cref="CleaningOptions"/> its pre-training
/// text went through, when the shards recorded them)}) and <c>tokenizer.json</c> beside it; loading refuses a
/// tokenizer.json that is not the one the model was saved with. Python's safetensors reads the weights as they are.
/// </summary>
static class ModelDirectory
{
    public const string Format = "curriculum.model.v1";
    public const string WeightsFile = "model.safetensors", TokenizerFile = "tokenizer.json";

    static readonly Dictionary<ModelKind, string> Names = new()
    {
        [ModelKind.Gpt] = "gpt", [ModelKind.Bert] = "bert", [ModelKind.GptClassifier] = "gpt-classifier", [ModelKind.BertClassifier] = "bert-classifier",
    };

    /// <summary>Writes the folder (weights atomically; the tokenizer copied unless it is already there).</summary>
    public static void Save(string directory, ModelKind kind, object config, IReadOnlyDictionary<string, Tensor> state, string tokenizerPath,
        string[]? labels = null, int promptTokens = 0, CleaningOptions? cleaning = null)
    {
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, TokenizerFile);
        if (Path.GetFullPath(tokenizerPath) != Path.GetFullPath(target))
        {
            string tmp = target + ".tmp-" + Environment.ProcessId;
            File.Copy(tokenizerPath, tmp, overwrite: true);
            File.Move(tmp, target, overwrite: true);
        }
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["kind"] = Names[kind],
            ["config"] = JsonSerializer.Serialize(config, config.GetType()),
            ["labels"] = JsonSerializer.Serialize(labels ?? []),
            ["prompt_tokens"] = promptTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tokenizer_sha256"] = TokenizerFingerprint.Of(target),
        };
        if (cleaning != null) metadata["cleaning"] = JsonSerializer.Serialize(cleaning);
        SafeTensors.Save(Path.Combine(directory, WeightsFile), state, metadata: metadata);
    }

    /// <summary>Reads a model folder (or its model.safetensors); errors name the file and what is wrong.</summary>
    public static SavedModel Load(string path)
    {
        string dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string weights = Directory.Exists(path) ? Path.Combine(path, WeightsFile) : path;
        if (!File.Exists(weights))
            throw new FileNotFoundException($"{weights}: no such file; --from/--model takes a model folder written by `curriculum pretrain` or `curriculum finetune` (it holds {WeightsFile} and {TokenizerFile}).");
        var file = SafeTensors.Load(weights);
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{weights}: not a curriculum model (metadata 'format' is {(format == null ? "missing" : $"'{format}'")}, expected '{Format}').");
        string kindName = meta.GetValueOrDefault("kind") ?? "";
        var kind = Names.FirstOrDefault(kv => kv.Value == kindName);
        if (kind.Value == null) throw new InvalidDataException($"{weights}: metadata 'kind' is '{kindName}', expected one of {string.Join(", ", Names.Values)}.");
        string config = meta.GetValueOrDefault("config") ?? throw new InvalidDataException($"{weights}: metadata lacks 'config'.");
        GptConfig? gpt = null;
        BertConfig? bert = null;
        string[] labels;
        try
        {
            if (kind.Key is ModelKind.Gpt or ModelKind.GptClassifier) gpt = JsonSerializer.Deserialize<GptConfig>(config);
            else bert = JsonSerializer.Deserialize<BertConfig>(config);
            labels = JsonSerializer.Deserialize<string[]>(meta.GetValueOrDefault("labels") ?? "[]") ?? [];
        }
        catch (JsonException e) { throw new InvalidDataException($"{weights}: metadata 'config' or 'labels' is not what `curriculum pretrain` writes: {e.Message}"); }
        if (gpt == null && bert == null) throw new InvalidDataException($"{weights}: metadata 'config' is null; expected the model's sizes as a JSON object.");
        if (labels.Any(l => l == null)) throw new InvalidDataException($"{weights}: metadata 'labels' holds a null; expected an array of class names.");
        if (!int.TryParse(meta.GetValueOrDefault("prompt_tokens") ?? "0", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prompt))
            throw new InvalidDataException($"{weights}: metadata 'prompt_tokens' is '{meta["prompt_tokens"]}'; expected a non-negative integer.");
        string tokPath = Path.Combine(dir, TokenizerFile);
        if (!File.Exists(tokPath)) throw new FileNotFoundException($"{tokPath}: no such file; a model folder keeps its tokenizer beside {WeightsFile}.");
        if (meta.TryGetValue("tokenizer_sha256", out var recorded))
            TokenizerFingerprint.Require(recorded, weights, tokPath, m => new InvalidDataException(m), "put the model's own tokenizer.json back beside it.");
        CleaningOptions? cleaning = null;
        if (meta.TryGetValue("cleaning", out var c))
            try { cleaning = JsonSerializer.Deserialize<CleaningOptions>(c); }
            catch (JsonException e) { throw new InvalidDataException($"{weights}: metadata 'cleaning' is not valid: {e.Message}"); }
        return new SavedModel(dir, kind.Key, gpt, bert, file.Tensors, labels, prompt, TokenizerJson.Load(tokPath), cleaning);
    }

    /// <summary>The GPT language model of a saved gpt or gpt-classifier (for a classifier, the "gpt." weights).</summary>
    public static GptModel LoadGpt(SavedModel m)
    {
        var gpt = new GptModel(m.Gpt!);
        gpt.LoadStateDict(m.Kind == ModelKind.Gpt ? m.State : Prefixed(m.State, "gpt."), m.Directory);
        return gpt;
    }

    /// <summary>The BERT encoder of a saved bert (pre-training heads dropped) or bert-classifier.</summary>
    public static BertModel LoadBert(SavedModel m)
    {
        var bert = new BertModel(m.Bert!);
        bert.LoadStateDict(Prefixed(m.State, "bert."), m.Directory);
        return bert;
    }

    static Dictionary<string, Tensor> Prefixed(IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (n, t) in state) if (n.StartsWith(prefix, StringComparison.Ordinal)) d[n[prefix.Length..]] = t;
        return d;
    }
}
