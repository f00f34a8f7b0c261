using Curriculum.Notebooks;

namespace Curriculum.Tests.Notebooks;

/// <summary>Reading notebooks: .dib sections, and malformed files named with the place of the fault.</summary>
public class NotebookReaderTests
{
    [Fact]
    public void Dib_files_are_read_as_sections()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("env.dib", "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"aliases\":[],\"name\":\"csharp\"}]}}\n\n"
            + "#!markdown\n\n# Check\n\nSome *text*.\n\n#!csharp\n\nvar n = 6;\n\n#!csharp\n\nn * 7\n");
        var doc = NotebookDocument.Load(path);
        Assert.Equal([CellKind.Markdown, CellKind.Code, CellKind.Code], doc.Cells.Select(c => c.Kind));
        Assert.Equal("# Check\n\nSome *text*.", doc.Cells[0].Source);
        Assert.Equal("n * 7", doc.Cells[2].Source);
        Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(nb.Write("bad.dib", "var x = 1;\n#!csharp\n")));
    }

    [Theory]
    [InlineData("{\"cells\": [}", "line 1")]
    [InlineData("{\n \"nbformat\": 4,\n \"cells\": [\n  {\"cell_type\": \"code\", \"source\": 5}\n ]\n}", "cell 1: field 'source'")]
    [InlineData("{\"nbformat\": 3, \"cells\": []}", "field 'nbformat'")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"python\", \"source\": \"\"}]}", "cell 1: field 'cell_type'")]
    [InlineData("[1, 2]", "top level")]
    public void Malformed_notebooks_name_the_file_and_the_place(string json, string place)
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("broken.ipynb", json);
        var e = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(place, e.Message);
    }

    [Fact]
    public void Json_errors_give_line_and_byte_of_the_fault()
    {
        using var nb = new NotebookBuilder();
        var path = nb.Write("broken.ipynb", "{\n \"nbformat\": 4,\n \"cells\": [,]\n}");
        var e = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(path));
        Assert.Contains("line 3", e.Message);
    }
}
