using Curriculum.Data;

namespace Curriculum.Tests.Data;

public class CleaningTests
{
    [Theory]
    [InlineData("_\bH_\bi there", "Hi there")]                // nroff underline
    [InlineData("b\bbo\bol\bld\bd", "bold")]                  // nroff bold
    [InlineData("\u001b[32m《静夜思》\u001b[m", "《静夜思》")]   // ANSI colour
    [InlineData("<p>Fish &amp; chips</p><br>&#169; 2002", "Fish & chips\n© 2002")]
    [InlineData("<html><style>p{color:red}</style><b>Buy</b> now</html>", "Buy now")]
    public void MarkupIsStripped(string input, string expected)
    {
        var outcome = new MarkupStripper().Apply(input);
        Assert.Equal(expected, outcome.Text);
        Assert.NotNull(outcome.Reason);
    }

    [Theory]
    [InlineData("Mail me at <joe@example.com> or see <http://example.com/>.")]
    [InlineData("if a < b and c > d then")]
    public void TextThatOnlyLooksLikeMarkupIsKept(string input)
    {
        var outcome = new MarkupStripper().Apply(input);
        Assert.Equal(input, outcome.Text);
        Assert.Null(outcome.Reason);
    }

    [Fact]
    public void NfkcFoldsCompatibilityCharacters()
    {
        // Unicode Standard Annex #15: compatibility decomposition then canonical composition.
        var outcome = new UnicodeNormalizer().Apply("ｆｕｌｌ ﬁne ① x²");
        Assert.Equal("full fine 1 x2", outcome.Text);
        Assert.Null(new UnicodeNormalizer().Apply("plain").Reason);
    }

    [Fact]
    public void NfkcMatchesPythonUnicodedata()
    {
        // tests/fixtures/data/nfkc.jsonl: unicodedata.normalize("NFKC", s) (tools/data/make_nfkc_tables.py):
        // Hangul, combining-mark reordering and composition, ligatures, math letters, half-width kana.
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Fixtures, "data", "nfkc.jsonl")))
        {
            using var j = System.Text.Json.JsonDocument.Parse(line);
            var input = j.RootElement.GetProperty("input").GetString()!;
            Assert.Equal(j.RootElement.GetProperty("nfkc").GetString(), Nfkc.Normalize(input));
        }
    }

    [Fact]
    public void ControlCharactersRemovedNewlinesKept()
    {
        var outcome = new ControlCharacterFilter().Apply("a\u0000b\u0007c\r\nd\te\u200Bf\u007F");
        Assert.Equal("abc\nd\tef", outcome.Text);
        Assert.Contains("U+0000", outcome.Detail);
    }

    [Fact]
    public void LengthAndCharacterClassFilters()
    {
        Assert.True(new LengthFilter(20).Apply("too short").Removed);
        Assert.False(new LengthFilter(5).Apply("long enough").Removed);
        var art = "  /\\_/\\\n ( o.o )\n  > ^ <\n";
        var r = new CharacterClassFilter().Apply(art);
        Assert.True(r.Removed);
        Assert.Equal("few letters", r.Reason);
        Assert.True(new CharacterClassFilter().Apply("Call 555-1234-5678-9012 x99 now").Removed);
        Assert.False(new CharacterClassFilter().Apply("床前明月光，疑是地上霜。").Removed);
    }

    [Fact]
    public void RepeatedLineThresholdsAreGophers()
    {
        // 11 lines, 4 of them repeats of an earlier line: 36% > 30% -> removed. 11 lines, 2 repeats
        // of a short line: 18% of lines, 3% of characters -> kept.
        var lines = Enumerable.Range(0, 6).Select(i => $"distinct line number {i}").Concat(Enumerable.Repeat("buy now", 5));
        Assert.True(new RepeatedLineFilter().Apply(string.Join("\n", lines)).Removed);
        var fewer = Enumerable.Range(0, 8).Select(i => $"distinct line number {i}").Concat(["ok", "ok", "ok"]);
        Assert.False(new RepeatedLineFilter().Apply(string.Join("\n", fewer)).Removed);
    }

    [Fact]
    public void ReportCountsWhatEachFilterDid()
    {
        var docs = new[]
        {
            new Document("a", "<b>Hello</b> world, this is fine text."),
            new Document("b", "short"),
            new Document("c", "#### $$$$ %%%% &&&& **** (((( ))))"),
            new Document("d", "A perfectly ordinary sentence about dogs."),
        };
        var cleaner = Cleaner.Default();
        var kept = cleaner.Clean(docs).ToList();
        Assert.Equal(["a", "d"], kept.Select(d => d.Id));
        Assert.Equal("Hello world, this is fine text.", kept[0].Text);
        var r = cleaner.Report;
        Assert.Equal(4, r.DocumentsIn);
        Assert.Equal(2, r.DocumentsOut);
        var markup = r.Filters.Single(f => f.Name == "markup");
        Assert.Equal(1, markup.Changed);
        Assert.Equal(7, markup.CharsRemoved);
        Assert.Equal("a", markup.Samples.Single().Id);
        Assert.Equal(1, r.Filters.Single(f => f.Name == "length").Reasons["too short"]);
        Assert.Equal(1, r.Filters.Single(f => f.Name == "char-classes").Removed);
        Assert.Contains("too short", r.ToString());
    }

    [Fact]
    public void OnTheShippedNoisyPoolTheCleanerFindsTheNoiseTheBuildCounted()
    {
        // tools/data/build_corpora.py's corpus contains 88 documents with backspace overstriking and
        // 1 with ANSI escapes (data/README.md, counted in Python).
        var docs = JsonlReader.Read(Path.Combine(RepoPaths.Data, "corpora/general.jsonl")).ToList();
        Assert.Equal(88, docs.Count(d => d.Text.Contains('\b')));
        var cleaner = Cleaner.Default();
        var kept = cleaner.Clean(docs).ToList();
        Assert.DoesNotContain(kept, d => d.Text.Contains('\b') || d.Text.Contains('\u001b'));
        var markup = cleaner.Report.Filters.Single(f => f.Name == "markup");
        Assert.True(markup.Changed >= 89, $"markup changed {markup.Changed}");
        Assert.True(cleaner.Report.Filters.Single(f => f.Name == "char-classes").Removed > 0);
        Assert.True(kept.Count < docs.Count);
    }
}
