using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Curriculum.Notebooks;

/// <summary>
/// HTML for a code cell's outputs in the book. A displayed value shows its richest form:
/// a plotly figure (drawn by the book's copy of plotly.js), then HTML, SVG, PNG/JPEG, Markdown,
/// plain text. Streams and errors (with traceback) are shown as text.
/// </summary>
/// <param name="interactiveFigures">false: plotly figures fall back to the next form in their bundle (the
/// notebook's HTML with its static snapshot), for a book built without plotly.js.</param>
sealed partial class BookOutputRenderer(Func<string, string> markdown, bool interactiveFigures = true)
{
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    static readonly JsonSerializerOptions ScriptSafe = new() { Encoder = JavaScriptEncoder.Default };

    int figures;

    /// <summary>Figures rendered so far (each needs plotly.js on the page).</summary>
    public int FigureCount => figures;

    public void Render(StringBuilder html, CellOutput output, string pageId)
    {
        switch (output)
        {
            case StreamOutput s:
                html.Append("<pre class=\"output stream ").Append(s.Name == "stderr" ? "stderr" : "stdout").Append("\">")
                    .Append(Escape(StripAnsi(s.Text))).Append("</pre>\n");
                break;
            case DisplayDataOutput d:
                RenderBundle(html, d.Data, pageId);
                break;
            case ExecuteResultOutput r:
                RenderBundle(html, r.Data, pageId);
                break;
            case ErrorOutput e:
                html.Append("<div class=\"output error\"><div class=\"error-name\">").Append(Escape(e.EName)).Append(": ")
                    .Append(Escape(StripAnsi(e.EValue))).Append("</div>");
                if (e.Traceback.Count > 0)
                    html.Append("<pre>").Append(Escape(StripAnsi(string.Join("\n", e.Traceback)))).Append("</pre>");
                html.Append("</div>\n");
                break;
        }
    }

    void RenderBundle(StringBuilder html, MimeBundle bundle, string pageId)
    {
        if (interactiveFigures && bundle.TryGetValue(PlotlyMimeType, out var figure))
        {
            string id = $"{pageId}-fig-{++figures}";
            // Re-serialised with the default encoder, which escapes < > & so the JSON cannot end the script.
            string json = JsonNode.Parse(figure)?.ToJsonString(ScriptSafe) ?? "{}";
            html.Append("<div class=\"output figure\"><div class=\"plotly-figure\" id=\"").Append(id).Append("\"></div>")
                .Append("<script>(function () { var f = ").Append(json).Append("; Plotly.newPlot(\"").Append(id)
                .Append("\", f.data, f.layout, { responsive: true, displaylogo: false }); })();</script></div>\n");
        }
        else if (bundle.TryGetValue(MimeBundle.Html, out var h))
            html.Append("<div class=\"output html\">").Append(h).Append("</div>\n");
        else if (bundle.TryGetValue("image/svg+xml", out var svg))
            html.Append("<div class=\"output image\"><img alt=\"figure\" src=\"data:image/svg+xml;base64,")
                .Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(svg))).Append("\"></div>\n");
        else if (bundle.TryGetValue("image/png", out var png))
            html.Append("<div class=\"output image\"><img alt=\"figure\" src=\"data:image/png;base64,").Append(png.Replace("\n", "")).Append("\"></div>\n");
        else if (bundle.TryGetValue("image/jpeg", out var jpeg))
            html.Append("<div class=\"output image\"><img alt=\"figure\" src=\"data:image/jpeg;base64,").Append(jpeg.Replace("\n", "")).Append("\"></div>\n");
        else if (bundle.TryGetValue("text/markdown", out var md))
            html.Append("<div class=\"output markdown\">").Append(markdown(md)).Append("</div>\n");
        else if (bundle.TryGetValue(MimeBundle.PlainText, out var text))
            html.Append("<pre class=\"output text\">").Append(Escape(StripAnsi(text))).Append("</pre>\n");
    }

    public static string Escape(string s) => WebUtility.HtmlEncode(s);

    // Jupyter tracebacks carry terminal colour codes (ESC[...m).
    public static string StripAnsi(string s) => AnsiCode().Replace(s, "");

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiCode();
}
