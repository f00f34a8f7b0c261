using System.Buffers.Binary;
using System.Text;
using Curriculum.Cli;
using Curriculum.Models;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Fuzzing;

/// <summary>Small valid files of each format for <see cref="ReaderFuzzTests"/> to damage, and the format-aware mutations.</summary>
static class FuzzSamples
{
    public const string Notebook = """
        {
         "cells": [
          { "cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# Title\n", "text"] },
          { "cell_type": "code", "id": "b2", "execution_count": 3,
            "metadata": { "polyglot_notebook": { "kernelName": "csharp" }, "tags": ["parameters"] },
            "source": ["int steps = 2;\n", "steps"],
            "outputs": [
             { "output_type": "stream", "name": "stdout", "text": ["hello\n"] },
             { "output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": { "text/plain": ["2"], "application/json": { "a": 1 } } },
             { "output_type": "display_data", "metadata": {}, "data": { "text/html": "<b>x</b>" } },
             { "output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t1", "t2"] }
            ] },
          { "cell_type": "raw", "metadata": {}, "source": "raw" }
         ],
         "metadata": { "kernelspec": { "name": ".net-csharp", "language": "C#" },
                       "polyglot_notebook": { "kernelInfo": { "defaultKernelName": "csharp", "items": [ { "name": "csharp", "aliases": [] } ] } } },
         "nbformat": 4,
         "nbformat_minor": 5
        }
        """;

    public const string DibMeta = """{"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}""";

    public static string Dib => $"#!meta\n\n{DibMeta}\n\n#!markdown\n\n# Title\n\n#!csharp\n\nint steps = 2;\nsteps\n\n#!fsharp\n\nlet x = 1\n";

    /// <summary>Half the time the #!meta JSON is damaged, half the time the text.</summary>
    public static (string, byte[]) MutateDib(byte[] dib, Generator g)
    {
        if (g.NextInt(2) == 0) return JsonMutations.MutateBytes(dib, g);
        var (w, meta) = JsonMutations.Mutate(Encoding.UTF8.GetBytes(DibMeta), g);
        return ("#!meta " + w, Encoding.UTF8.GetBytes(Dib.Replace(DibMeta, Encoding.UTF8.GetString(meta))));
    }

    public static (byte[] Bpe, byte[] WordPiece) Tokenizers(string bpePath, string wordPiecePath)
    {
        const string text = "the cat sat on the mat; the dog sat on the log. Cats and dogs, mats and logs: 12 345 6789!";
        var bpe = new BpeTrainer(new BpeTrainerOptions(280, SpecialTokens: ["<|endoftext|>"]));
        for (int i = 0; i < 20; i++) bpe.AddText(text);
        TokenizerJson.Save(bpe.Train(), bpePath);
        var wp = new WordPieceTrainer(new WordPieceTrainerOptions(120, MaxAlphabetSize: 100));
        for (int i = 0; i < 20; i++) wp.AddText(text);
        TokenizerJson.Save(wp.Train(), wordPiecePath);
        return (File.ReadAllBytes(bpePath), File.ReadAllBytes(wordPiecePath));
    }

    /// <summary>A saved nano GPT with a tiny vocabulary (the bytes of model.safetensors) beside its tokenizer.</summary>
    public static (byte[] Weights, string Tokenizer) ModelFolder(string dir)
    {
        string tokenizer = Path.Combine(dir, ModelDirectory.TokenizerFile);
        Tokenizers(tokenizer, Path.Combine(dir, "unused-wp.json"));
        var config = GptConfig.Nano with { VocabSize = 280, MaxPositions = 8, Dim = 8, Heads = 2, Layers = 1, FfnDim = 16 };
        ModelDirectory.Save(dir, ModelKind.Gpt, config, new GptModel(config, new Generator(1)).StateDict(), tokenizer);
        return (File.ReadAllBytes(Path.Combine(dir, ModelDirectory.WeightsFile)), tokenizer);
    }

    /// <summary>The header's JSON (its length re-written to fit), or the file's raw bytes, length field included.</summary>
    public static (string, byte[]) MutateSafetensors(byte[] file, Generator g)
    {
        if (g.NextInt(3) == 0) { var (w, b) = JsonMutations.MutateBytes(file, g); return ("raw: " + w, b); }
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var (what, header) = JsonMutations.Mutate(file[8..(8 + n)], g);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        return ("header: " + what, [.. length, .. header, .. file[(8 + n)..]]);
    }

    /// <summary>A GPT run.json over a tokenizer and two (index-only) shard folders in <paramref name="dir"/>.</summary>
    public static byte[] RunJson(string dir)
    {
        Tokenizers(Path.Combine(dir, "tokenizer.json"), Path.Combine(dir, "unused-wp.json"));
        foreach (var shards in new[] { "shards/train", "shards/held", "shards/web" })
        {
            Directory.CreateDirectory(Path.Combine(dir, shards));
            File.WriteAllText(Path.Combine(dir, shards, Curriculum.Data.TokenShards.IndexFile), "{}");
        }
        return Encoding.UTF8.GetBytes("""
            {
              "model": { "type": "gpt", "size": "nano", "context": 32, "dropout": 0.1 },
              "tokenizer": "tokenizer.json",
              "data": { "sources": [ { "name": "texts", "shards": "shards/train", "weight": 1 }, { "name": "web", "shards": "shards/web", "weight": 2 } ],
                        "schedule": [ { "start": 0.5, "weights": [1, 1] } ], "held_out": "shards/held" },
              "objectives": [ { "name": "causal_lm", "weight": 1 } ],
              "training": { "batch_size": 4, "seq_len": 32, "steps": 30, "accumulation": 2, "max_grad_norm": 1.0, "seed": 3 },
              "optimizer": { "lr": 0.01, "weight_decay": 0.0, "beta1": 0.9, "beta2": 0.95 },
              "lr_schedule": { "type": "wsd", "warmup_steps": 3, "min_lr": 0.001, "decay_fraction": 0.2 },
              "precision": "bf16",
              "checkpoint": { "every": 15, "keep": 2, "dir": "ckpt" },
              "eval_every": 15,
              "out": "model"
            }
            """);
    }

    /// <summary>A data.json with every step over files in <paramref name="dir"/>.</summary>
    public static byte[] DataJson(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "notes"));
        File.WriteAllText(Path.Combine(dir, "notes", "a.txt"), "a note");
        File.WriteAllText(Path.Combine(dir, "eval.jsonl"), "{\"text\": \"an eval text\"}\n");
        File.WriteAllText(Path.Combine(dir, "tok.json"), "{}");
        return Encoding.UTF8.GetBytes("""
            {
              "sources": [ { "name": "notes", "inputs": ["notes"], "split": "separator", "separator": "%" },
                           { "name": "more", "inputs": ["notes/a.txt"], "split": "line" } ],
              "clean": { "nfkc": true, "min_chars": 2, "max_chars": 1000 },
              "dedup": { "threshold": 0.8, "shingle": 3, "permutations": 64 },
              "decontaminate": { "eval": ["eval.jsonl"], "n": 13, "min_matches": 1 },
              "tokenizer": "tok.json",
              "shard_tokens": 16777216
            }
            """);
    }
}
