using System.Text;

namespace Curriculum.Notebooks;

/// <summary>What <see cref="BookBuilder.Build"/> wrote.</summary>
public sealed record BookResult(string IndexPath, IReadOnlyList<BookChapter> Chapters, int Figures);

/// <summary>
/// Renders executed notebooks (.ipynb, in file-name order) to a static HTML book: a page per
/// chapter, an index.html listing the chapters with their run times, and assets/ holding the
/// stylesheet and a copy of plotly.min.js, so the figures are interactive with no network.
/// Every notebook is read before anything is written, and the book is written to a temporary
/// folder that replaces the output folder only when complete.
/// </summary>
public static class BookBuilder
{
    public const string DefaultTitle = "Pre-training language models from scratch";

    /// <summary>
    /// Builds the book from the notebooks in <paramref name="inputDir"/> into <paramref name="outputDir"/>.
    /// <paramref name="plotlyJs"/> is the plotly.min.js to copy; null gives a book without it, whose figures
    /// are the static snapshots stored in the notebooks. A notebook that cannot be read raises
    /// <see cref="NotebookFormatException"/> naming it.
    /// </summary>
    public static BookResult Build(string inputDir, string outputDir, string? plotlyJs, string title = DefaultTitle)
    {
        if (!Directory.Exists(inputDir)) throw new DirectoryNotFoundException($"{inputDir}: no such folder of executed notebooks.");
        if (plotlyJs != null && !File.Exists(plotlyJs)) throw new FileNotFoundException($"{plotlyJs}: plotly.js not found.", plotlyJs);
        // Front matter (a name without a chapter number, e.g. environment-check) before the numbered chapters.
        var files = Directory.EnumerateFiles(inputDir, "*.ipynb")
            .OrderBy(f => char.IsDigit(Path.GetFileName(f)[0]) ? 1 : 0).ThenBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"{inputDir}: no .ipynb notebooks to put in the book.");

        var chapters = files.Select(f =>
        {
            var doc = NotebookDocument.Load(f);
            return new BookChapter(f, Path.GetFileNameWithoutExtension(f) + ".html", ChapterTitle(doc, f), doc);
        }).ToList();

        string output = Path.GetFullPath(outputDir).TrimEnd(Path.DirectorySeparatorChar);
        string staging = output + ".tmp-" + Environment.ProcessId;
        string previous = output + ".old-" + Environment.ProcessId;
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        Directory.CreateDirectory(Path.Combine(staging, "assets"));
        int figures = 0;
        try
        {
            if (plotlyJs != null) File.Copy(plotlyJs, Path.Combine(staging, "assets", "plotly.min.js"));
            File.WriteAllText(Path.Combine(staging, "assets", "book.css"), BookStyle.Css);
            for (int i = 0; i < chapters.Count; i++)
            {
                var (html, n) = BookPage.Render(chapters[i], i, chapters, title, interactiveFigures: plotlyJs != null);
                figures += n;
                File.WriteAllText(Path.Combine(staging, chapters[i].PageFile), html);
            }
            File.WriteAllText(Path.Combine(staging, "index.html"), Index(chapters, title));

            if (Directory.Exists(output)) Directory.Move(output, previous);
            Directory.Move(staging, output);
            if (Directory.Exists(previous)) Directory.Delete(previous, true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, true);
            if (Directory.Exists(previous) && !Directory.Exists(output)) Directory.Move(previous, output);
            throw;
        }
        return new BookResult(Path.Combine(output, "index.html"), chapters, figures);
    }

    /// <summary>The first "# " heading of the first markdown cell that has one, else the file name.</summary>
    static string ChapterTitle(NotebookDocument doc, string path)
    {
        foreach (var cell in doc.Cells)
        {
            if (cell.Kind != CellKind.Markdown) continue;
            foreach (var line in cell.Source.Split('\n'))
                if (line.StartsWith("# ", StringComparison.Ordinal)) return line[2..].Trim();
        }
        return Path.GetFileNameWithoutExtension(path);
    }

    static string Index(IReadOnlyList<BookChapter> chapters, string title)
    {
        var html = new StringBuilder();
        string t = BookOutputRenderer.Escape(title);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(t).Append("</title>\n<link rel=\"stylesheet\" href=\"assets/book.css\">\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(t).Append("</h1>\n")
            .Append("<p>The curriculum's notebooks as they ran: prose, code, and every output. ")
            .Append("Figures are interactive (hover, zoom); the page needs no network.</p>\n")
            .Append("<table class=\"chapters\">\n<thead><tr><th>#</th><th>chapter</th><th>notebook</th><th class=\"time\">run time</th><th>status</th></tr></thead>\n<tbody>\n");
        double total = 0;
        for (int i = 0; i < chapters.Count; i++)
        {
            var c = chapters[i];
            total += c.DurationSeconds ?? 0;
            html.Append("<tr><td>").Append(i + 1).Append("</td><td><a href=\"").Append(c.PageFile).Append("\">")
                .Append(BookOutputRenderer.Escape(c.Title)).Append("</a></td><td><code>")
                .Append(BookOutputRenderer.Escape(Path.GetFileName(c.SourcePath))).Append("</code></td><td class=\"time\">")
                .Append(c.DurationSeconds is double d ? BookChapter.FormatDuration(d) : "not run").Append("</td><td class=\"status-")
                .Append(c.Status ?? "unknown").Append("\">").Append(BookOutputRenderer.Escape(c.Status ?? "")).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n<tfoot><tr><td></td><td>total</td><td></td><td class=\"time\">").Append(BookChapter.FormatDuration(total))
            .Append("</td><td></td></tr></tfoot>\n</table>\n");
        var executed = chapters.Select(c => c.ExecutedAt).Where(e => e != null).Order(StringComparer.Ordinal).LastOrDefault();
        if (executed != null) html.Append("<p class=\"note\">Last executed ").Append(BookOutputRenderer.Escape(executed)).Append(".</p>\n");
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}
