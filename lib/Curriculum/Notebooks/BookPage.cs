using System.Text;
using Markdig;

namespace Curriculum.Notebooks;

/// <summary>One chapter's HTML page: markdown cells as prose, code cells with their source, run time and outputs.</summary>
static class BookPage
{
    public static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>The page, and how many figures it draws.</summary>
    public static (string Html, int Figures) Render(BookChapter chapter, int index, IReadOnlyList<BookChapter> all, string bookTitle,
        bool interactiveFigures = true)
    {
        string pageId = "c" + (index + 1);
        var renderer = new BookOutputRenderer(md => Markdig.Markdown.ToHtml(md, Markdown), interactiveFigures);
        var body = new StringBuilder();
        foreach (var cell in chapter.Document.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    body.Append("<div class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(cell.Source, Markdown)).Append("</div>\n");
                    break;
                case CellKind.Code:
                    RenderCode(body, cell, renderer, pageId);
                    break;
            }
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(BookOutputRenderer.Escape(chapter.Title)).Append(" · ").Append(BookOutputRenderer.Escape(bookTitle)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"assets/book.css\">\n");
        if (renderer.FigureCount > 0) html.Append("<script src=\"assets/plotly.min.js\"></script>\n");
        html.Append("</head>\n<body>\n");
        Nav(html, "top", index, all, bookTitle);
        html.Append("<main>\n");
        if (chapter.DurationSeconds is double total)
            html.Append("<p class=\"note\">").Append(BookOutputRenderer.Escape(Path.GetFileName(chapter.SourcePath)))
                .Append(" · ran in ").Append(BookChapter.FormatDuration(total))
                .Append(chapter.Status == "failed" ? " · <span class=\"status-failed\">failed</span>" : "")
                .Append(chapter.ExecutedAt != null ? " · executed " + BookOutputRenderer.Escape(chapter.ExecutedAt) : "")
                .Append("</p>\n");
        html.Append(body).Append("</main>\n");
        Nav(html, "bottom", index, all, bookTitle);
        html.Append("</body>\n</html>\n");
        return (html.ToString(), renderer.FigureCount);
    }

    static void RenderCode(StringBuilder body, NotebookCell cell, BookOutputRenderer renderer, string pageId)
    {
        body.Append("<div class=\"cell code\"><div class=\"cell-meta\"><span>");
        body.Append(cell.ExecutionCount is int n ? $"[{n}]" : "[ ]");
        if (cell.HasTag("parameters")) body.Append(" <span class=\"tag\">parameters</span>");
        body.Append("</span>");
        if (BookChapter.CellDuration(cell) is double d) body.Append("<span class=\"duration\">").Append(BookChapter.FormatDuration(d)).Append("</span>");
        body.Append("</div>\n<pre class=\"source\"><code class=\"language-csharp\">").Append(BookOutputRenderer.Escape(cell.Source)).Append("</code></pre>\n");
        if (cell.Outputs.Count > 0)
        {
            body.Append("<div class=\"outputs\">\n");
            foreach (var output in cell.Outputs) renderer.Render(body, output, pageId);
            body.Append("</div>\n");
        }
        body.Append("</div>\n");
    }

    static void Nav(StringBuilder html, string where, int index, IReadOnlyList<BookChapter> all, string bookTitle)
    {
        html.Append("<nav class=\"").Append(where).Append("\"><span>");
        if (index > 0) html.Append("<a href=\"").Append(all[index - 1].PageFile).Append("\">← ").Append(BookOutputRenderer.Escape(all[index - 1].Title)).Append("</a>");
        html.Append("</span><span><a href=\"index.html\">").Append(BookOutputRenderer.Escape(bookTitle)).Append("</a> · chapter ")
            .Append(index + 1).Append(" of ").Append(all.Count).Append("</span><span>");
        if (index + 1 < all.Count) html.Append("<a href=\"").Append(all[index + 1].PageFile).Append("\">").Append(BookOutputRenderer.Escape(all[index + 1].Title)).Append(" →</a>");
        html.Append("</span></nav>\n");
    }
}
