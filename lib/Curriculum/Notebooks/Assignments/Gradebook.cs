using System.Globalization;
using System.Text;

namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// The class's grades as CSV (RFC 4180), one row per student: student, submission, score, max, flags, then the points of
/// each test in the key's order, so a spreadsheet or an LMS import can read it.
/// </summary>
public static class Gradebook
{
    public static string ToCsv(IReadOnlyList<SubmissionGrade> grades)
    {
        var testIds = grades.SelectMany(g => g.Tests.Select(t => t.GradeId)).Distinct().ToList();
        var csv = new StringBuilder();
        Row(csv, ["student", "submission", "score", "max", "flags", .. testIds]);
        foreach (var g in grades.OrderBy(g => g.Student, StringComparer.Ordinal))
        {
            var points = g.Tests.ToDictionary(t => t.GradeId, t => Number(t.Points));
            Row(csv, [g.Student, g.Submission, Number(g.Score), Number(g.Max), string.Join("; ", g.Flags),
                .. testIds.Select(id => points.GetValueOrDefault(id, ""))]);
        }
        return csv.ToString();
    }

    static string Number(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    static void Row(StringBuilder csv, IEnumerable<string> fields)
    {
        csv.AppendJoin(',', fields.Select(f => f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f));
        csv.Append("\r\n");
    }
}
