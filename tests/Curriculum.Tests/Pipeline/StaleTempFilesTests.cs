using System.Diagnostics;
using Curriculum.Training;

namespace Curriculum.Tests.Pipeline;

/// <summary>
/// The temporary files of writes a killed run never finished (<c>model.safetensors.tmp-PID</c>,
/// <c>metrics.jsonl.tmp-PID</c>, a checkpoint's, the book's staging folder) are removed when the next command writes
/// there, unless their process still runs.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class StaleTempFilesTests(PretrainData data) : IClassFixture<PretrainData>
{
    // The id of a process that has exited (ids are not reused this quickly).
    static int ExitedProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void Pretrain_removes_the_leftovers_of_a_killed_run_but_not_of_a_running_one()
    {
        int dead = ExitedProcessId(), alive = Environment.ProcessId;
        string model = data.P("leftovers"), checkpoints = Path.Combine(model, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        string[] stale = [Path.Combine(model, $"model.safetensors.tmp-{dead}"), Path.Combine(model, $"metrics.jsonl.tmp-{dead}"),
            Path.Combine(model, $"tokenizer.json.tmp-{dead}"), Path.Combine(checkpoints, $".ckpt-00000002.safetensors.tmp-{dead}")];
        string inProgress = Path.Combine(model, $"model.safetensors.tmp-{alive}"), userFile = Path.Combine(model, "notes.tmp-draft");
        foreach (var f in stale.Append(inProgress).Append(userFile)) File.WriteAllText(f, "partial");

        string run = PretrainRun.Write(data, "leftovers.json", "gpt", "fp32", steps: 4, checkpointEvery: 2, @out: "leftovers");
        PretrainRun.Ok("pretrain", "--config", run);

        Assert.All(stale, f => Assert.False(File.Exists(f), f + " was left"));
        Assert.True(File.Exists(inProgress));   // its writer still runs
        Assert.True(File.Exists(userFile));     // not a writer's temporary name
    }

    [Fact]
    public void Book_removes_the_staging_folder_of_a_killed_build()
    {
        string notebooks = data.P("book-in"), staging = data.P($"book.tmp-{ExitedProcessId()}");
        Directory.CreateDirectory(notebooks);
        File.WriteAllText(Path.Combine(notebooks, "01-one.ipynb"), """{ "cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5 }""");
        Directory.CreateDirectory(Path.Combine(staging, "assets"));
        File.WriteAllText(Path.Combine(staging, "index.html"), "<html>partial");

        PretrainRun.Ok("book", "--in", notebooks, "--out", data.P("book"));
        Assert.False(Directory.Exists(staging));
        Assert.True(File.Exists(data.P("book/index.html")));
    }

    [Theory]
    [InlineData("model.safetensors.tmp-1234", 1234)]
    [InlineData(".ckpt-00000010.safetensors.tmp-77", 77)]
    [InlineData("model.safetensors.tmp-", null)]
    [InlineData("notes.tmp-draft", null)]
    [InlineData("model.safetensors", null)]
    public void The_writer_is_read_from_the_name(string name, int? pid) => Assert.Equal(pid, StaleTempFiles.WriterId(name));
}
