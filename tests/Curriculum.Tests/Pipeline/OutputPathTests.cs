namespace Curriculum.Tests.Pipeline;

/// <summary>
/// Where a command writes is checked before it works: a parent that is a file, a target that is a folder (or a
/// file where a folder is wanted), an output that is one of the inputs are exit 2 naming the path and the reason,
/// with nothing written; a missing parent folder is created. (Runs as root too, so "not writable" is a parent path
/// that runs through a file: no permission bits involved.)
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class OutputPathTests(PretrainData data) : IClassFixture<PretrainData>
{
    string Text => Directory.GetFiles(data.P("texts"))[0];

    static void Refused(ProcessRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}:\n{r.Stderr}");
        foreach (var e in expected) Assert.True(r.Stderr.Contains(e, StringComparison.Ordinal), $"expected \"{e}\" in:\n{r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stderr);   // a message, not a stack trace
    }

    [Fact]
    public void Tokenizer_encode_checks_ids_out_before_encoding()
    {
        string under = Path.Combine(Text, "ids.json");
        Refused(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", under),
            $"--ids-out {under}: {Text} is a file, not a folder");
        Refused(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", data.P("texts")),
            $"--ids-out {data.P("texts")}: is a folder");

        string before = File.ReadAllText(Text);
        Refused(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", Text),
            $"--ids-out {Text}: is also an input");
        Assert.Equal(before, File.ReadAllText(Text));
        Refused(ProcessRunner.Curriculum("tokenizer", "encode", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", data.P("tokenizer.json")),
            "is also an input");

        string deep = data.P("encoded/new/ids.json");
        PretrainRun.Ok("tokenizer", "encode", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", deep);
        Assert.StartsWith("[", File.ReadAllText(deep));
    }

    [Fact]
    public void Bench_tokenizer_checks_ids_out_before_measuring()
    {
        string under = Path.Combine(Text, "ids.json");
        Refused(ProcessRunner.Curriculum("bench", "tokenizer", "--tokenizer", data.P("tokenizer.json"), "--file", Text, "--ids-out", under),
            $"--ids-out {under}: {Text} is a file, not a folder");
    }

    [Fact]
    public void Book_refuses_to_replace_its_own_input_folder_or_a_file()
    {
        string notebooks = data.P("executed");
        Directory.CreateDirectory(notebooks);
        string notebook = Path.Combine(notebooks, "01-one.ipynb");
        File.WriteAllText(notebook, """{ "cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5 }""");

        Refused(ProcessRunner.Curriculum("book", "--in", notebooks, "--out", notebooks), $"--out {notebooks}: holds an input");
        Assert.True(File.Exists(notebook));
        Refused(ProcessRunner.Curriculum("book", "--in", notebooks, "--out", data.P(".")), "holds an input");
        Refused(ProcessRunner.Curriculum("book", "--in", notebooks, "--out", notebook), $"--out {notebook}: is a file; expected a folder");
        Assert.True(File.Exists(notebook));
    }

    [Fact]
    public void Pretrain_checks_its_model_and_checkpoint_folders_before_training()
    {
        string run = PretrainRun.Write(data, "outputs.json", "gpt", "fp32", steps: 4, checkpointEvery: 2, @out: "tokenizer.json/model");
        Refused(ProcessRunner.Curriculum("pretrain", "--config", run), "outputs.json: $.out", $"{data.P("tokenizer.json")} is a file, not a folder");

        File.WriteAllText(run, File.ReadAllText(run).Replace("\"every\": 2", "\"every\": 2, \"dir\": \"tokenizer.json\"").Replace("tokenizer.json/model", "first"));
        Refused(ProcessRunner.Curriculum("pretrain", "--config", run), "outputs.json: $.checkpoint.dir", "is a file; expected a folder");
        Assert.Empty(Directory.GetFileSystemEntries(data.P("first")));   // refused before anything was written (the checked folder is made)

        // continuing a model into its own folder would overwrite the weights it started from
        PretrainRun.Write(data, "outputs.json", "gpt", "fp32", steps: 4, checkpointEvery: 2, @out: "first");
        PretrainRun.Ok("pretrain", "--config", run);
        var weights = File.ReadAllBytes(data.P("first/model.safetensors"));
        Refused(ProcessRunner.Curriculum("pretrain", "--config", run, "--from", data.P("first")), "outputs.json: $.out", "is also an input");
        Assert.Equal(weights, File.ReadAllBytes(data.P("first/model.safetensors")));
    }
}
