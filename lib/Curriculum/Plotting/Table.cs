using System.Globalization;
using System.Net;
using System.Text;
using Curriculum.Notebooks;

namespace Curriculum.Plotting;

/// <summary>
/// A table of results for a notebook: <c>display(Table.From(["run", "loss"], rows))</c> shows an
/// HTML table (numbers right-aligned, 6 significant digits) and an aligned plain-text table.
/// </summary>
[TypeFormatterSource(typeof(KernelFormatterSource), PreferredMimeTypes = [MimeBundle.Html, MimeBundle.PlainText])]
public sealed class Table : IMimeRenderable
{
    readonly string[] headers;
    readonly List<string[]> cells = [];
    readonly bool[] numeric;

    Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? caption)
    {
        this.headers = headers.ToArray();
        Caption = caption;
        numeric = new bool[headers.Count];
        Array.Fill(numeric, true);
        bool anyRow = false;
        int r = 0;
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
                throw new ArgumentException($"Table row {r} has {row.Count} cells but there are {headers.Count} headers.", nameof(rows));
            var texts = new string[row.Count];
            for (int c = 0; c < row.Count; c++)
            {
                texts[c] = Format(row[c]);
                if (row[c] != null && !IsNumber(row[c]!)) numeric[c] = false;
            }
            cells.Add(texts);
            anyRow = true;
            r++;
        }
        if (!anyRow) Array.Fill(numeric, false);
    }

    /// <summary>A table with these column headers and rows (each row one value per header).</summary>
    public static Table From(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        return new Table(headers, rows, caption);
    }

    public string? Caption { get; }
    public IReadOnlyList<string> Headers => headers;
    public int RowCount => cells.Count;
    /// <summary>The text shown in a cell (numbers already formatted).</summary>
    public string Cell(int row, int col) => cells[row][col];

    static bool IsNumber(object v) => v is double or float or int or long or short or byte or uint or ulong or decimal or Half;

    static string Format(object? v) => v switch
    {
        null => "",
        double d => FormatReal(d),
        float f => FormatReal(f),
        Half h => FormatReal((double)h),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    static string FormatReal(double d) => double.IsNaN(d) ? "NaN" : d.ToString("G6", CultureInfo.InvariantCulture);

    public string ToHtml()
    {
        var sb = new StringBuilder("<table class=\"curriculum-table\" style=\"border-collapse:collapse\">");
        if (Caption != null) sb.Append("<caption>").Append(WebUtility.HtmlEncode(Caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        for (int c = 0; c < headers.Length; c++)
            sb.Append("<th style=\"text-align:").Append(numeric[c] ? "right" : "left")
              .Append(";padding:2px 8px;border-bottom:1px solid #999\">").Append(WebUtility.HtmlEncode(headers[c])).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in cells)
        {
            sb.Append("<tr>");
            for (int c = 0; c < row.Length; c++)
                sb.Append("<td style=\"text-align:").Append(numeric[c] ? "right" : "left")
                  .Append(";padding:2px 8px\">").Append(WebUtility.HtmlEncode(row[c])).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>Columns padded to their widest cell, numbers right-aligned, a rule under the headers.</summary>
    public override string ToString()
    {
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = headers[c].Length;
            foreach (var row in cells) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var sb = new StringBuilder();
        if (Caption != null) sb.Append(Caption).Append('\n');
        AppendRow(sb, headers, widths);
        for (int c = 0; c < headers.Length; c++) sb.Append(c == 0 ? "" : "  ").Append('-', widths[c]);
        foreach (var row in cells) { sb.Append('\n'); AppendRow(sb, row, widths); }
        return sb.ToString();
    }

    void AppendRow(StringBuilder sb, string[] row, int[] widths)
    {
        for (int c = 0; c < row.Length; c++)
        {
            if (c > 0) sb.Append("  ");
            sb.Append(numeric[c] ? row[c].PadLeft(widths[c]) : c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c]));
        }
        if (ReferenceEquals(row, headers)) sb.Append('\n');
    }

    public MimeBundle ToMimeBundle() => new()
    {
        [MimeBundle.Html] = ToHtml(),
        [MimeBundle.PlainText] = ToString(),
    };
}
