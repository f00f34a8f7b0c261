using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

public class TableTests
{
    [Fact]
    public void Html_and_text_forms()
    {
        var t = Table.From(["run", "loss", "steps"], new object?[][]
        {
            ["cosine <a>", 3.14159265, 200],
            ["wsd", 2.5f, 1000],
            ["diverged", double.NaN, null],
        });
        var bundle = t.ToMimeBundle();
        string html = bundle[MimeBundle.Html];
        Assert.Contains("<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #999\">run</th>", html);
        Assert.Contains("cosine &lt;a&gt;", html);
        Assert.Contains(">3.14159</td>", html);
        Assert.Contains("<td style=\"text-align:right;padding:2px 8px\">1000</td>", html);
        Assert.Equal(
            "run            loss  steps\n" +
            "----------  -------  -----\n" +
            "cosine <a>  3.14159    200\n" +
            "wsd             2.5   1000\n" +
            "diverged        NaN       ",
            bundle[MimeBundle.PlainText]);
    }

    [Fact]
    public void Row_of_wrong_width_is_an_error_naming_the_row()
    {
        var e = Assert.Throws<ArgumentException>(() => Table.From(["a", "b"], new object?[][] { [1, 2], [3] }));
        Assert.Contains("row 1 has 1 cells but there are 2 headers", e.Message);
    }
}
