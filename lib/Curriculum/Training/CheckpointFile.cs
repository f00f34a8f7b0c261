using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Curriculum.Tensors;

namespace Curriculum.Training;

/// <summary>
/// A checkpoint as one safetensors file (readable by <see cref="SafeTensors.Load"/> and by Python's
/// <c>safetensors.torch.load_file</c>): tensors "model.&lt;name&gt;" and "optimizer.&lt;key&gt;" (float32), and
/// <c>__metadata__</c> {"format": "curriculum.checkpoint.v1", "trainer": the <see cref="TrainerState"/> JSON,
/// "sha256": hex SHA-256 of the trainer JSON's UTF-8 bytes followed by the data section}.
/// The hash catches corruption that the format alone cannot (a flipped bit in a weight); the format catches truncation.
/// </summary>
public static class CheckpointFile
{
    public const string Format = "curriculum.checkpoint.v1";
    const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Writes <paramref name="checkpoint"/> to <paramref name="stream"/> (not closed here). Tensors on a device are copied
    /// to the host once, for both the hash and the file: a checkpoint is the same bytes whichever device wrote it.
    /// </summary>
    public static void Write(Stream stream, TrainingCheckpoint checkpoint)
    {
        var entries = new List<(string Name, Tensor Tensor)>();
        foreach (var (n, t) in checkpoint.Model) entries.Add((ModelPrefix + n, OnHost(t)));
        foreach (var (n, t) in checkpoint.Optimizer) entries.Add((OptimizerPrefix + n, OnHost(t)));
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        string trainer = checkpoint.State.ToJson();
        string sha = Hash(trainer, entries);

        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in entries) tensors[name] = t;
        var metadata = new Dictionary<string, string> { ["format"] = Format, ["trainer"] = trainer, ["sha256"] = sha };
        SafeTensors.Write(stream, tensors, metadata: metadata);
    }

    /// <summary>
    /// Reads and verifies a checkpoint file. A truncated, corrupted or foreign file is an
    /// <see cref="InvalidDataException"/> naming <paramref name="path"/> and what is wrong.
    /// </summary>
    public static TrainingCheckpoint Read(string path)
    {
        var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{path}: not a training checkpoint (metadata 'format' is {(format == null ? "missing" : $"'{format}'")}, expected '{Format}').");
        if (!file.Metadata.TryGetValue("trainer", out var trainer) || !file.Metadata.TryGetValue("sha256", out var sha))
            throw new InvalidDataException($"{path}: checkpoint metadata lacks 'trainer' or 'sha256'.");
        if (file.IntTensors.Count > 0)
            throw new InvalidDataException($"{path}: unexpected int32 tensor '{file.IntTensors.Keys.First()}' in a checkpoint.");
        var entries = new List<(string Name, Tensor Tensor)>();
        foreach (var (n, t) in file.Tensors) entries.Add((n, t));
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        string actual = Hash(trainer, entries);
        if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: checksum mismatch (sha256 {actual}, recorded {sha}): the file is corrupted.");
        var model = new Dictionary<string, Tensor>();
        var optimizer = new Dictionary<string, Tensor>();
        foreach (var (n, t) in entries)
        {
            if (n.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[n[ModelPrefix.Length..]] = t;
            else if (n.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) optimizer[n[OptimizerPrefix.Length..]] = t;
            else throw new InvalidDataException($"{path}: tensor '{n}' is neither 'model.*' nor 'optimizer.*'.");
        }
        return new TrainingCheckpoint(model, optimizer, TrainerState.FromJson(trainer, path));
    }

    /// <summary>A tensor on a device (model.to(device)) copied to the host once, for the hash and the file both; a host tensor as it is.</summary>
    static Tensor OnHost(Tensor t) => t.OnDevice ? new Tensor(t.ToArray(), t.ShapeArray) : t;

    static string Hash(string trainer, List<(string Name, Tensor Tensor)> entries)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(trainer));
        foreach (var (_, t) in entries) sha.AppendData(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
