using System.Text;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Tests.Pipeline;

/// <summary>`curriculum data prepare --config data.json` on files written here, with a too-short document, an exact
/// and a near duplicate (across sources) and a test-set overlap planted: the report counts exactly those, and the
/// shards hold exactly the documents left, byte for byte.</summary>
public class DataPrepareConfigTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "curriculum-dataprep-" + Guid.NewGuid().ToString("N"));

    public DataPrepareConfigTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    string P(string name) => Path.Combine(_dir, name);

    void Write(string name, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(P(name))!);
        File.WriteAllText(P(name), text);
    }

    const string Lighthouse = "The keeper of the northern lighthouse climbed the spiral stairs every evening, trimmed the wick, polished the great lens and wrote the weather into a leather book that nobody else ever read.";
    const string Orchard = "Apples in the old orchard ripen late in the autumn, and the children gather the fallen fruit into baskets before the first frost arrives.";
    const string Ferry = "The ferry leaves the harbour at dawn and returns at dusk, carrying letters, bread and sleepy passengers across the grey water.";
    const string Glass = "Glassblowers heat the sand until it glows, then shape the molten glass with breath, patience and a long iron pipe.";
    const string Leaked = "Our quarterly invoice for the mountain cabin rental is attached below for your careful review today.";
    const string River = "A slow river winds between the hills, where herons stand still in the reeds and wait for silver fish.";

    // source "a": four documents and one too short for the cleaner (< 20 chars)
    // source "b": an exact repeat of a/1 (case and spacing differ), a near repeat of a/0 (one word changed),
    //             a document quoting a test example, and one clean document
    void WriteSources()
    {
        Write("a/0.txt", Lighthouse);
        Write("a/1.txt", Orchard);
        Write("a/2.txt", Ferry);
        Write("a/3.txt", Glass);
        Write("a/4.txt", "too short");
        Write("b/0.txt", Orchard.ToUpperInvariant().Replace(" ", "   "));
        Write("b/1.txt", Lighthouse.Replace("evening", "night"));
        Write("b/2.txt", "Please note: " + Leaked);
        Write("b/3.txt", River);
        Write("test.jsonl", JsonSerializer.Serialize(new { id = "t0", text = Leaked, label = "spam" }) + "\n");
    }

    string WriteConfig(string body)
    {
        Write("data.json", body);
        return P("data.json");
    }

    const string GoodConfig = """
        {
          "sources": [
            { "name": "a", "inputs": ["a"], "split": "file" },
            { "name": "b", "inputs": ["b"] }
          ],
          "clean": { "nfkc": false },
          "dedup": { "threshold": 0.7 },
          "decontaminate": { "eval": ["test.jsonl"], "n": 8 },
          "shard_tokens": 200
        }
        """;

    /// <summary>Byte-level shards: UTF-8 bytes of each kept document, each followed by EOS 256.</summary>
    static int[] ByteLevel(params string[] docs)
    {
        var ids = new List<int>();
        foreach (var d in docs) { foreach (var b in Encoding.UTF8.GetBytes(d)) ids.Add(b); ids.Add(256); }
        return [.. ids];
    }

    [Fact]
    public void Report_counts_each_planted_removal_and_the_shards_hold_the_rest()
    {
        WriteSources();
        var r = ProcessRunner.Curriculum("data", "prepare", "--config", WriteConfig(GoodConfig), "--out", P("out"));
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);

        var sources = JsonDocument.Parse(File.ReadAllText(P("out/report.json"))).RootElement.GetProperty("sources");
        var a = sources[0];
        var b = sources[1];
        Assert.Equal("a", a.GetProperty("name").GetString());
        Assert.Equal(5, a.GetProperty("documents_read").GetInt64());
        Assert.Equal(1, a.GetProperty("clean").GetProperty("removed").GetInt64());
        Assert.Equal(0, a.GetProperty("dedup").GetProperty("removed").GetInt64());
        Assert.Equal(0, a.GetProperty("decontaminate").GetProperty("removed").GetInt64());
        Assert.Equal(4, a.GetProperty("documents_written").GetInt64());

        Assert.Equal(4, b.GetProperty("documents_read").GetInt64());
        Assert.Equal(0, b.GetProperty("clean").GetProperty("removed").GetInt64());
        Assert.Equal(1, b.GetProperty("dedup").GetProperty("exact").GetInt64());
        Assert.Equal(1, b.GetProperty("dedup").GetProperty("near").GetInt64());
        var examples = b.GetProperty("dedup").GetProperty("examples").EnumerateArray()
            .Select(e => (Path.GetFileName(e.GetProperty("id").GetString()), Path.GetFileName(e.GetProperty("duplicate_of").GetString()))).ToHashSet();
        Assert.Contains(("0.txt", "1.txt"), examples);   // b/0 repeats a/1
        Assert.Contains(("1.txt", "0.txt"), examples);   // b/1 nearly repeats a/0
        var decon = b.GetProperty("decontaminate");
        Assert.Equal(1, decon.GetProperty("removed").GetInt64());
        Assert.Equal("t0", decon.GetProperty("hits")[0].GetProperty("eval_id").GetString());
        Assert.Equal(1, b.GetProperty("documents_written").GetInt64());

        // the shard folders pretrain reads, holding exactly the kept documents in order
        int[] expectA = ByteLevel(Lighthouse, Orchard, Ferry, Glass), expectB = ByteLevel(River);
        Assert.Equal(expectA, TokenShards.ReadTokens(P("out/a")).SelectMany(x => x).ToArray());
        Assert.Equal(expectB, TokenShards.ReadTokens(P("out/b")).SelectMany(x => x).ToArray());
        Assert.Equal(expectA.Length, a.GetProperty("tokens_written").GetInt64());
        Assert.Equal(expectB.Length, b.GetProperty("tokens_written").GetInt64());
        Assert.Equal((expectA.Length + 199) / 200, TokenShards.ReadIndex(P("out/a")).Shards.Length);
        Assert.Contains("a: 5 documents read", r.Stdout);
        Assert.Empty(Directory.GetDirectories(P("out"), ".*"));   // no staging left behind
    }

    [Fact]
    public void Steps_set_to_false_are_skipped()
    {
        WriteSources();
        string cfg = WriteConfig("""
            { "sources": [ { "name": "a", "inputs": ["a"] }, { "name": "b", "inputs": ["b"] } ],
              "clean": false, "dedup": false, "decontaminate": false }
            """);
        var r = ProcessRunner.Curriculum("data", "prepare", "--config", cfg, "--out", P("out"));
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Equal(5, TokenShards.ReadIndex(P("out/a")).Documents);
        Assert.Equal(4, TokenShards.ReadIndex(P("out/b")).Documents);
    }

    [Theory]
    [InlineData("""{ "sources": [ { "name": "a", "inputs": ["a"], "nmae": "x" } ] }""", "$.sources[0].nmae")]
    [InlineData("""{ "sources": [ { "name": "a", "inputs": ["a", "missing-folder"] } ] }""", "$.sources[0].inputs[1]")]
    [InlineData("""{ "sources": [ { "name": "a", "inputs": ["a"] } ], "dedup": { "threshold": -0.5 } }""", "$.dedup.threshold")]
    [InlineData("""{ "sources": [ { "name": "a", "inputs": ["a"] } ], "decontaminate": { "eval": ["nope.jsonl"] } }""", "$.decontaminate.eval[0]")]
    [InlineData("""{ "sources": [ { "name": "a", "inputs": ["a"] } ], "shuffle": true }""", "$.shuffle")]
    public void Bad_configs_exit_2_naming_the_file_and_JSON_path(string json, string path)
    {
        WriteSources();
        var r = ProcessRunner.Curriculum("data", "prepare", "--config", WriteConfig(json), "--out", P("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("data.json: " + path + ":", r.Stderr);
        Assert.False(Directory.Exists(P("out/a")));
    }

    [Fact]
    public void A_failure_in_a_later_source_leaves_no_source_folder()
    {
        WriteSources();
        Write("c/bad.jsonl", "{\"id\": \"x\", \"text\": \"fine text for a document\"}\n{not json\n");
        string cfg = WriteConfig("""{ "sources": [ { "name": "a", "inputs": ["a"] }, { "name": "c", "inputs": ["c"] } ] }""");
        var r = ProcessRunner.Curriculum("data", "prepare", "--config", cfg, "--out", P("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.jsonl", r.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(P("out")));
    }
}
