using Curriculum.Tokenization;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

public sealed class LabelledExamplesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("labelled").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 buy=5 now=6 cheap=7 hello=8
    static readonly WordPieceTokenizer Tokenizer = new(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "buy", "now", "cheap", "hello"]);

    [Fact]
    public void ReadTakesStringAndNumberLabelsAndSkipsBlankLines()
    {
        string path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, "{\"text\": \"buy now\", \"label\": \"spam\"}\n\n{\"text\": \"hello\", \"label\": 0}\n");
        var rows = LabelledExamples.Read(path);
        Assert.Equal([("buy now", "spam"), ("hello", "0")], rows);
    }

    [Theory]
    [InlineData("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": 3, \"label\": \"x\"}\n", "line 2: expected an object")]
    [InlineData("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"\n", "line 2: invalid JSON")]
    [InlineData("\n\n", "no examples")]
    public void BadFilesNameTheFileAndLine(string content, string expected)
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => LabelledExamples.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EncodeKeepsTheStartAndWrapsInClsAndSep()
    {
        var rows = new List<(string, string)> { ("buy now cheap cheap", "spam"), ("hello", "ham") };
        var examples = LabelledExamples.Encode(rows, Tokenizer, ["ham", "spam"], maxTokens: 4, "train.jsonl", cls: 2, sep: 3);
        Assert.Equal([2, 5, 6, 3], examples[0].Ids);   // room for 2 tokens between [CLS] and [SEP]
        Assert.Equal(1, examples[0].Label);
        Assert.Equal([2, 8, 3], examples[1].Ids);
        Assert.Equal(0, examples[1].Label);

        var plain = LabelledExamples.Encode(rows, Tokenizer, ["ham", "spam"], maxTokens: 3, "train.jsonl");
        Assert.Equal([5, 6, 7], plain[0].Ids);
    }

    [Fact]
    public void AnUnknownLabelNamesTheExampleAndTheKnownLabels()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            LabelledExamples.Encode([("hello", "ham"), ("buy", "eggs")], Tokenizer, ["ham", "spam"], 8, "test.jsonl"));
        Assert.Equal("test.jsonl: example 2 has label \"eggs\", not one of the model's labels (ham, spam).", e.Message);
    }

    [Fact]
    public void BatchRightPadsInTheGivenOrderWithLengthsAndMask()
    {
        List<LabelledExample> examples = [new([5, 6, 7], 1), new([8], 0), new([5, 6], 1)];
        var (ids, lengths, labels, mask) = LabelledExamples.Batch(examples, order: [2, 0, 1], start: 1, count: 2, pad: 9);
        Assert.Equal([2, 3], ids.Shape);
        Assert.Equal([5, 6, 7, 8, 9, 9], ids.Data);
        Assert.Equal([3, 1], lengths);
        Assert.Equal([1, 0], labels);
        Assert.Equal([1, 1, 1, 1, 0, 0], mask.Data);
    }
}
