using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Curriculum.Plotting;

/// <summary>
/// The text/html form of a figure for notebook viewers that do not draw the plotly mime type
/// themselves. It loads nothing from the network: it draws with the page's plotly.js when there is
/// one (a global <c>Plotly</c>, or a RequireJS module "plotly" as classic Jupyter sets up), and
/// otherwise leaves its fallback: the static snapshot when one was rendered, else a line saying
/// where the figure can be seen.
/// </summary>
public static class FigureHtml
{
    public const string NoViewerMessage = "figure: open the notebook in a viewer with plotly";

    static int counter;

    /// <summary>A div plus an inline script that draws <paramref name="figureJson"/> into it.</summary>
    public static string ForNotebook(string figureJson, string? svgSnapshot)
    {
        // The id is stable across runs (content hash + order), so re-executed notebooks diff cleanly.
        string id = "fig-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(figureJson)))[..10]
            + "-" + Interlocked.Increment(ref counter);
        string fallback = svgSnapshot != null
            ? "<img alt=\"figure\" style=\"max-width:100%\" src=\"data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svgSnapshot)) + "\">"
            : "<p style=\"color:#666;font-style:italic\">" + WebUtility.HtmlEncode(NoViewerMessage) + "</p>";
        // figureJson comes from Utf8JsonWriter, which escapes < > & so it cannot close the script tag.
        return $$"""
            <div id="{{id}}" class="plotly-figure">{{fallback}}</div>
            <script type="text/javascript">
            (function () {
              var el = document.getElementById("{{id}}");
              var fig = {{figureJson}};
              function draw(Plotly) {
                el.innerHTML = "";
                Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
              }
              if (window.Plotly && window.Plotly.newPlot) { draw(window.Plotly); return; }
              var req = window.requirejs;
              var ctx = req && req.s && req.s.contexts && req.s.contexts._;
              if (typeof req === "function" && (req.defined("plotly") || req.specified("plotly") || (ctx && ctx.config.paths && ctx.config.paths.plotly))) {
                req(["plotly"], draw, function () { });
              }
            })();
            </script>
            """;
    }
}
