using System.Globalization;
using System.Text;

namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// The feedback a student reads, one self-contained HTML file: the score, each test's points and message, the teacher's
/// flags, then the exercise cells as they ran (the student's answers, the visible tests, outputs and errors; hidden tests
/// show their outcome but not their code). Drawn with the book's renderer and stylesheet.
/// </summary>
public static class FeedbackPage
{
    public static string Render(SubmissionGrade grade, NotebookDocument key, string keyPath, NotebookDocument? executed)
    {
        static string E(string s) => BookOutputRenderer.Escape(s);
        static string N(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);
        var renderer = new BookOutputRenderer(md => Markdig.Markdown.ToHtml(md, BookPage.Markdown), interactiveFigures: false);
        var results = grade.Tests.ToDictionary(t => t.GradeId, StringComparer.Ordinal);
        string title = $"{grade.Student} · {Path.GetFileNameWithoutExtension(keyPath)}";

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Feedback: ").Append(E(title))
            .Append("</title>\n<style>\n").Append(BookStyle.Css).Append("\n.passed { color: #1a7f37; font-weight: 600; } .failed { color: var(--bad); font-weight: 600; }\n</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>Feedback: ").Append(E(title)).Append("</h1>\n<p><strong>Score: ").Append(N(grade.Score)).Append(" / ").Append(N(grade.Max))
            .Append("</strong> · submission ").Append(E(Path.GetFileName(grade.Submission))).Append("</p>\n");
        if (grade.Flags.Count > 0)
        {
            html.Append("<div class=\"output error\"><div class=\"error-name\">Notes for the teacher</div><ul>\n");
            foreach (var f in grade.Flags) html.Append("<li>").Append(E(f)).Append("</li>\n");
            html.Append("</ul></div>\n");
        }
        html.Append("<table>\n<tr><th>test</th><th>points</th><th>result</th></tr>\n");
        foreach (var t in grade.Tests)
            html.Append("<tr><td><code>").Append(E(t.GradeId)).Append("</code></td><td>").Append(N(t.Points)).Append(" / ").Append(N(t.Max))
                .Append("</td><td class=\"").Append(t.Passed ? "passed" : "failed").Append("\">").Append(E(t.Message)).Append("</td></tr>\n");
        html.Append("</table>\n<h2>The exercises as they ran</h2>\n");

        int exercise = 0;
        foreach (var (index, info) in NbgraderCell.All(key, keyPath))
        {
            var keyCell = key.Cells[index];
            if (info.Solution) exercise++;
            if (keyCell.Kind == CellKind.Markdown)
            {
                // A written answer shows what the student wrote, never the key's reference answer.
                string text = !info.Solution ? keyCell.Source
                    : executed?.Cells[index].Source ?? StudentVersion.ReleasedSource(keyCell, info, exercise, keyPath, index + 1);
                html.Append("<div class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(text, BookPage.Markdown)).Append("</div>\n");
                continue;
            }
            var ran = executed?.Cells[index];
            // A test shows its released text (hidden tests removed); an answer shows what the student wrote.
            string source = info.Solution && ran != null ? ran.Source : StudentVersion.ReleasedSource(keyCell, info, exercise, keyPath, index + 1);
            html.Append("<div class=\"cell code\"><div class=\"cell-meta\"><span>").Append(E(info.ToString())).Append("</span>");
            if (info.IsTest && results.TryGetValue(info.GradeId, out var r))
                html.Append("<span class=\"").Append(r.Passed ? "passed" : "failed").Append("\">").Append(r.Passed ? "passed" : "failed")
                    .Append(", ").Append(N(r.Points)).Append(" / ").Append(N(r.Max)).Append("</span>");
            html.Append("</div>\n<pre class=\"source\"><code class=\"language-csharp\">").Append(E(source)).Append("</code></pre>\n");
            if (ran is { Outputs.Count: > 0 })
            {
                html.Append("<div class=\"outputs\">\n");
                foreach (var output in ran.Outputs) renderer.Render(html, output, "feedback");
                html.Append("</div>\n");
            }
            html.Append("</div>\n");
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}
