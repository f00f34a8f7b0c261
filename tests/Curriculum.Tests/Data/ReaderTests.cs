using System.Text;
using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class ReaderTests
{
    // Counts printed by tools/data/build_corpora.py and listed in data/README.md.
    [Theory]
    [InlineData("corpora/general.jsonl", 16118)]
    [InlineData("corpora/hq.jsonl", 12000)]
    [InlineData("corpora/zh.jsonl", 2408)]
    [InlineData("tasks/spam-train.jsonl", 1181)]
    [InlineData("tasks/spam-test.jsonl", 319)]
    [InlineData("tasks/wordnet-pos-train.jsonl", 3184)]
    [InlineData("tasks/wordnet-pos-test.jsonl", 816)]
    public void ShippedCorporaHaveTheDocumentCountsOfTheBuild(string file, int expected)
    {
        var docs = JsonlReader.Read(Path.Combine(RepoPaths.Data, file)).ToList();
        Assert.Equal(expected, docs.Count);
        Assert.Equal(docs.Count, docs.Select(d => d.Id).Distinct().Count());
        if (file.StartsWith("tasks/spam")) Assert.All(docs, d => Assert.Contains(d.Label, new[] { "spam", "ham" }));
        if (file.StartsWith("tasks/wordnet-pos")) Assert.All(docs, d => Assert.Contains(d.Label, new[] { "noun", "verb", "adjective", "adverb" }));
    }

    [Fact]
    public void SpamSplitHasTheBuildsLabelCounts()
    {
        var train = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/spam-train.jsonl")).ToList();
        var test = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/spam-test.jsonl")).ToList();
        Assert.Equal(477, train.Count(d => d.Label == "spam"));
        Assert.Equal(123, test.Count(d => d.Label == "spam"));
        Assert.Empty(train.Select(d => d.Id).Intersect(test.Select(d => d.Id)));
    }

    [Fact]
    public void WordNetPosTaskSharesNoEntryAndNoWordWithThePreTrainingPool()
    {
        // hq.jsonl entries read "words (pos): gloss"; the task's read "words: gloss". A test word found among hq's words
        // would put its part of speech into the pre-training text.
        static IEnumerable<string> Words(string head) => head.Split(',').Select(w => w.Trim().ToLowerInvariant());
        var hq = JsonlReader.Read(Path.Combine(RepoPaths.Data, "corpora/hq.jsonl")).ToList();
        var hqWords = hq.SelectMany(d => Words(d.Text[..d.Text.IndexOf(" (", StringComparison.Ordinal)])).ToHashSet();
        var train = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/wordnet-pos-train.jsonl")).ToList();
        var test = JsonlReader.Read(Path.Combine(RepoPaths.Data, "tasks/wordnet-pos-test.jsonl")).ToList();
        Assert.Empty(train.Select(d => d.Id).Intersect(test.Select(d => d.Id)));
        Assert.Empty(test.Select(d => d.Id).Intersect(hq.Select(d => d.Id)));
        Assert.All(test.Concat(train), d => Assert.DoesNotContain(Words(d.Text[..d.Text.IndexOf(": ", StringComparison.Ordinal)]), hqWords.Contains));
        Assert.Equal([191, 203, 207, 215], test.GroupBy(d => d.Label).Select(g => g.Count()).Order());
    }

    [Fact]
    public void BadJsonlLineNamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.jsonl", "{\"id\":\"a\",\"text\":\"ok\"}\n\n{\"id\":\"b\",\"text\":\n");
        var e = Assert.Throws<DataFormatException>(() => JsonlReader.Read(path).ToList());
        Assert.Equal(3, e.Line);
        Assert.Contains("bad.jsonl:3", e.Message);

        var noText = dir.Write("notext.jsonl", "{\"id\":\"a\",\"body\":\"x\"}\n");
        var e2 = Assert.Throws<DataFormatException>(() => JsonlReader.Read(noText).ToList());
        Assert.Contains("\"text\"", e2.Message);
        Assert.Equal(1, e2.Line);
    }

    [Fact]
    public void NonUtf8JsonlLineIsAnErrorWithItsLine()
    {
        using var dir = new TempDir();
        var path = dir.WriteBytes("latin1.jsonl", [.. Encoding.UTF8.GetBytes("{\"text\":\"a\"}\n{\"text\":\"caf"), 0xE9, .. Encoding.UTF8.GetBytes("\"}\n")]);
        var e = Assert.Throws<DataFormatException>(() => JsonlReader.Read(path).ToList());
        Assert.Equal(2, e.Line);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void BinaryAndEmptyFilesAreSkippedAndNamed()
    {
        using var dir = new TempDir();
        dir.Write("a.txt", "first doc\n%\nsecond doc\n");
        dir.WriteBytes("b.bin", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x10]);
        dir.Write("d.txt", "");
        dir.Write("e.txt", "  \n\n");
        var report = new ReadReport();
        var docs = CorpusReader.Read([dir.Path], TextSplit.Separator, "%", report).ToList();
        Assert.Equal(["first doc", "second doc"], docs.Select(d => d.Text));
        Assert.Single(report.BinaryFiles, f => f.EndsWith("b.bin"));
        Assert.Equal(2, report.EmptyFiles.Count);
        Assert.Equal(1, report.FilesRead);
        Assert.Contains("b.bin", report.ToString());
    }

    [Fact]
    public void NonUtf8FileStopsTheReadNamingIt()
    {
        using var dir = new TempDir();
        dir.Write("a.txt", "first doc\n");
        var latin1 = dir.WriteBytes("c.txt", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x0A]); // "café " in Latin-1
        var e = Assert.Throws<DataFormatException>(() => CorpusReader.Read([dir.Path]).ToList());
        Assert.Equal(latin1, e.Path);
        Assert.Contains("not UTF-8", e.Message);
        Assert.Contains("--encoding", e.Message);
    }

    [Fact]
    public void MissingFilesAreAllNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CorpusReader.Read(["/nonexistent/x.txt", "/nonexistent/y.jsonl"]).ToList());
        Assert.Contains("x.txt", e.Message);
        Assert.Contains("y.jsonl", e.Message);
    }

    [Fact]
    public void LineAndFileSplits()
    {
        using var dir = new TempDir();
        var path = dir.Write("t.txt", "one\r\n\r\ntwo\nthree\n");
        Assert.Equal(["one", "two", "three"], CorpusReader.Read(path, TextSplit.Line).Select(d => d.Text));
        Assert.Equal($"{path}:4", CorpusReader.Read(path, TextSplit.Line).Last().Id);
        Assert.Equal("one\n\ntwo\nthree", Assert.Single(CorpusReader.Read(path, TextSplit.File)).Text);
    }

    [Fact]
    public void FortuneFileSplitsLikeTheBuildScript()
    {
        // The first entries of general.jsonl are fortunes/art/0, 1, ...: the same text read back
        // through the separator reader gives the same documents.
        var art = JsonlReader.Read(Path.Combine(RepoPaths.Data, "corpora/general.jsonl")).TakeWhile(d => d.Id.StartsWith("fortunes/art/")).ToList();
        Assert.True(art.Count > 100);
        using var dir = new TempDir();
        var path = dir.Write("art", string.Join("\n%\n", art.Select(d => d.Text)) + "\n%\n");
        var back = CorpusReader.Read(path, TextSplit.Separator).ToList();
        Assert.Equal(art.Select(d => d.Text), back.Select(d => d.Text));
    }

    [Fact]
    public void WriterRoundTripsAndLeavesNoTempFileOnFailure()
    {
        using var dir = new TempDir();
        var path = System.IO.Path.Combine(dir.Path, "out.jsonl");
        var docs = new[] { new Document("a", "x\n\"quoted\"\u001b[1m 中文"), new Document("b", "y", "spam") };
        Assert.Equal(2, JsonlWriter.WriteAll(path, docs));
        Assert.Equal(docs, JsonlReader.Read(path).ToArray());

        var path2 = System.IO.Path.Combine(dir.Path, "never.jsonl");
        IEnumerable<Document> Failing() { yield return docs[0]; throw new IOException("source failed"); }
        Assert.Throws<IOException>(() => JsonlWriter.WriteAll(path2, Failing()));
        Assert.False(File.Exists(path2));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("curriculum-data-").FullName;
    public string Write(string name, string text) { var p = System.IO.Path.Combine(Path, name); File.WriteAllText(p, text); return p; }
    public string WriteBytes(string name, byte[] bytes) { var p = System.IO.Path.Combine(Path, name); File.WriteAllBytes(p, bytes); return p; }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
