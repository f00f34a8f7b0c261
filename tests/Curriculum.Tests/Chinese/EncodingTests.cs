using System.Text;
using Curriculum.Data;

namespace Curriculum.Tests.Chinese;

/// <summary>Files from old systems: GBK/GB18030, Big5, UTF-16 are told apart, refused by name, and read when named.</summary>
public class EncodingTests : IDisposable
{
    const string Text = "子曰：“巧言令色，鲜矣仁！”\n席不正，不坐。\n";
    const string Traditional = "子曰：學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？\n";
    readonly string _dir = Directory.CreateTempSubdirectory("curriculum-encodings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static EncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    string Write(string name, byte[] bytes) { var p = Path.Combine(_dir, name); File.WriteAllBytes(p, bytes); return p; }

    [Theory]
    [InlineData("gb18030", "gb18030")]
    [InlineData("big5", "big5")]
    [InlineData("utf-16le-bom", "utf-16")]
    [InlineData("utf-16be-bom", "utf-16")]
    [InlineData("utf-16le", "utf-16")]
    public void TheEncodingIsTold(string written, string expectedOption)
    {
        byte[] bytes = written switch
        {
            "gb18030" => Encoding.GetEncoding(54936).GetBytes(Text),
            "big5" => Encoding.GetEncoding(950).GetBytes(Traditional),
            "utf-16le-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Text)],
            "utf-16be-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(Text)],
            _ => Encoding.Unicode.GetBytes(Text),
        };
        Assert.Equal(expectedOption, TextEncodingDetector.Detect(bytes)?.Option);
    }

    [Fact]
    public void AGbkFileIsAnErrorNamingItAndHowToConvertIt()
    {
        var path = Write("notes.txt", Encoding.GetEncoding(936).GetBytes(Text));
        var e = Assert.Throws<DataFormatException>(() => CorpusReader.Read([_dir], TextSplit.Line).ToList());
        Assert.Equal(path, e.Path);
        Assert.Contains("GB18030/GBK", e.Message);
        Assert.Contains($"iconv -f GB18030 -t UTF-8 {path}", e.Message);
        Assert.Contains("--encoding gb18030", e.Message);
    }

    [Fact]
    public void AUtf16FileIsNotSkippedAsBinary()
    {
        // its NUL bytes made it look binary, and the reader skipped it with a note
        var path = Write("windows.txt", Encoding.Unicode.GetBytes("Notes exported from Windows\r\nsecond line\r\n"));
        var e = Assert.Throws<DataFormatException>(() => CorpusReader.Read([_dir]).ToList());
        Assert.Equal(path, e.Path);
        Assert.Contains("UTF-16LE without a byte-order mark", e.Message);
        Assert.Equal(["Notes exported from Windows", "second line"], CorpusReader.Read(path, TextSplit.Line, encoding: InputEncoding.Get("utf-16")).Select(d => d.Text));
    }

    [Fact]
    public void NamedEncodingsAreRead()
    {
        Write("gbk.txt", Encoding.GetEncoding(936).GetBytes(Text));
        var docs = CorpusReader.Read([_dir], TextSplit.Line, encoding: InputEncoding.Get("gb18030")).Select(d => d.Text).ToList();
        Assert.Equal(["子曰：“巧言令色，鲜矣仁！”", "席不正，不坐。"], docs);

        var jsonl = Write("u16.jsonl", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"id\":\"a\",\"text\":\"席不正，不坐。\"}\n")]);
        Assert.Equal("席不正，不坐。", CorpusReader.Read(jsonl, encoding: InputEncoding.Get("utf-16")).Single().Text);
    }

    [Fact]
    public void AWronglyNamedEncodingIsAnErrorNotReplacementCharacters()
    {
        var path = Write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF, 0x0A]);   // 0xFF starts no GBK character
        var e = Assert.Throws<DataFormatException>(() => CorpusReader.Read(path, encoding: InputEncoding.Get("gbk")).ToList());
        Assert.Equal(path, e.Path);
        Assert.Contains("not valid", e.Message);
    }
}
