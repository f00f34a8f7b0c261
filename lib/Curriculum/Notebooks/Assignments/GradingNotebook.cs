using System.Text.Json.Nodes;

namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// The notebook that is run to grade one submission: the key's cells in the key's order, with each solution cell's source
/// taken from the submission's cell of the same grade_id. Everything else, tests with their hidden part, read-only cells,
/// the chapter's own cells and all metadata, comes from the key, so nothing a student edits outside their answers counts.
/// A solution cell the submission lacks (deleted, or its grade_id renamed) is run as the stub: not answered. Locked cells
/// that differ from the released version, or are missing, are flagged for the teacher. An answer that
/// <c>refusal</c> gives a reason for is not run either: its regions throw <c>NotSupportedException</c> with the reason.
/// </summary>
public sealed record GradingNotebook(NotebookDocument Notebook, IReadOnlyList<string> Flags, IReadOnlySet<string> MissingSolutions)
{
    /// <param name="refusal">(grade_id, answer) -> why the answer may not run, or null; null: every answer runs.</param>
    public static GradingNotebook Build(NotebookDocument key, string keyPath, NotebookDocument submission, string submissionPath,
        Func<string, string, string?>? refusal = null)
    {
        var graded = NbgraderCell.All(key, keyPath).ToDictionary(c => c.Index, c => c.Cell);
        var submitted = new Dictionary<string, NotebookCell>(StringComparer.Ordinal);
        var flags = new List<string>();
        for (int i = 0; i < submission.Cells.Count; i++)
        {
            // Read leniently: a student's notebook with broken nbgrader metadata is graded, not refused.
            if (submission.Cells[i].Metadata[NbgraderCell.Key]?["grade_id"] is JsonValue v && v.TryGetValue(out string? id) && !submitted.TryAdd(id, submission.Cells[i]))
                flags.Add($"cell {i + 1}: grade_id '{id}' appears more than once; the first was used");
        }

        var notebook = new NotebookDocument { Metadata = (JsonObject)key.Metadata.DeepClone(), FormatMinor = key.FormatMinor };
        var missing = new HashSet<string>(StringComparer.Ordinal);
        int exercise = 0;
        for (int i = 0; i < key.Cells.Count; i++)
        {
            var keyCell = key.Cells[i];
            var cell = new NotebookCell(keyCell.Kind, keyCell.Source, keyCell.Language)
            {
                Id = keyCell.Id,
                Metadata = (JsonObject)keyCell.Metadata.DeepClone(),
            };
            if (graded.TryGetValue(i, out var info))
            {
                submitted.TryGetValue(info.GradeId, out var theirs);
                if (info.Solution)
                {
                    ++exercise;
                    if (theirs != null && theirs.Kind == keyCell.Kind && refusal?.Invoke(info.GradeId, theirs.Source) is { } reason)
                    {
                        cell.Source = StudentVersion.ReleasedSource(keyCell, info, exercise, keyPath, i + 1)
                            .Replace(SolutionRegions.Stub(exercise), SolutionRegions.RefusedStub("answer not run: " + reason), StringComparison.Ordinal);
                        flags.Add($"answer '{info.GradeId}' was not run: {reason}");
                    }
                    else if (theirs != null && theirs.Kind == keyCell.Kind) cell.Source = theirs.Source;
                    else
                    {
                        missing.Add(info.GradeId);
                        cell.Source = StudentVersion.ReleasedSource(keyCell, info, exercise, keyPath, i + 1);
                        flags.Add($"solution cell '{info.GradeId}' is missing from the submission (deleted, or its grade_id changed): graded as not answered");
                    }
                }
                else if (theirs == null)
                    flags.Add($"{(info.IsTest ? "test" : "read-only")} cell '{info.GradeId}' is missing from the submission (deleted, or its grade_id changed); the key's copy was run");
                else if (Normal(theirs.Source) != Normal(StudentVersion.ReleasedSource(keyCell, info, 0, keyPath, i + 1))
                    && Normal(theirs.Source) != Normal(keyCell.Source))   // the key itself, graded as a check, is unchanged
                    flags.Add($"locked {(info.IsTest ? "test" : "read-only")} cell '{info.GradeId}' was changed in the submission; the key's copy was run");
            }
            notebook.Cells.Add(cell);
        }
        return new GradingNotebook(notebook, flags, missing);
    }

    /// <summary>Line endings and trailing spaces are not changes a student made on purpose.</summary>
    static string Normal(string source) =>
        string.Join('\n', source.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim();
}
