using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// A cell's nbgrader metadata (format version 3, https://nbgrader.readthedocs.io), as nbgrader reads it:
/// <c>"nbgrader": {"grade": bool, "grade_id": "...", "locked": bool, "points": n, "schema_version": 3,
/// "solution": bool, "task": false}</c>. A solution cell is what the student writes (its
/// <c>### BEGIN SOLUTION</c> region is cleared on release); a test cell (grade, not solution) is an
/// autograded test worth <see cref="Points"/>; a locked cell that is neither is read-only.
/// </summary>
public sealed record NbgraderCell(string GradeId, bool Grade, bool Solution, bool Locked, double Points)
{
    public const string Key = "nbgrader";
    public const int SchemaVersion = 3;

    /// <summary>An autograded test: graded, and not an answer the student writes.</summary>
    public bool IsTest => Grade && !Solution;

    /// <summary>The metadata object, keys in nbgrader's order.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["grade"] = Grade, ["grade_id"] = GradeId, ["locked"] = Locked };
        if (Grade) o["points"] = Points;
        o["schema_version"] = SchemaVersion;
        o["solution"] = Solution;
        o["task"] = false;
        return o;
    }

    /// <summary>
    /// The cell's nbgrader metadata, or null when it has none (or is marked neither grade, solution nor locked,
    /// which nbgrader ignores). Throws <see cref="NotebookFormatException"/> naming the cell when it is malformed.
    /// </summary>
    public static NbgraderCell? Of(NotebookCell cell, string path, int number)
    {
        if (cell.Metadata[Key] is not { } node) return null;
        string where = $"cell {number}: metadata '{Key}'";
        if (node is not JsonObject o) throw new NotebookFormatException(path, $"{where}: expected an object");
        bool Flag(string name) => o[name] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw new NotebookFormatException(path, $"{where}: field '{name}': expected true or false"),
        };
        bool grade = Flag("grade"), solution = Flag("solution"), locked = Flag("locked");
        // nbgraderformat v3.json: these four keys are required and no others are allowed, whatever the flags say.
        if (o["schema_version"] is not JsonValue sv || sv.GetValueKind() != JsonValueKind.Number || Number(sv) != SchemaVersion)
            throw new NotebookFormatException(path, $"{where}: field 'schema_version': expected {SchemaVersion}, found {(o["schema_version"] is { } found ? found.ToJsonString() : "nothing")} (`nbgrader update` upgrades older notebooks)");
        foreach (var required in new[] { "grade", "locked", "solution" })
            if (o[required] == null) throw new NotebookFormatException(path, $"{where}: field '{required}': expected true or false, found nothing");
        foreach (var (name, _) in o)
            if (!Allowed.Contains(name)) throw new NotebookFormatException(path, $"{where}: field '{name}': not a field of nbgrader's format {SchemaVersion} (expected {string.Join(", ", Allowed)})");
        if (Flag("task")) throw new NotebookFormatException(path, $"{where}: field 'task': manually graded task cells are not supported; expected false");
        if (!grade && !solution && !locked) return null;
        if (o["grade_id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String || id.GetValue<string>().Length == 0)
            throw new NotebookFormatException(path, $"{where}: field 'grade_id': expected a non-empty string");
        if (!id.GetValue<string>().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))   // nbgraderformat v3.json: ^[a-zA-Z0-9_\-]*$
            throw new NotebookFormatException(path, $"{where}: field 'grade_id': expected ASCII letters, digits, '_' and '-' only, found \"{id.GetValue<string>()}\"");
        double points = 0;
        if (grade)
        {
            if (o["points"] is not JsonValue p || p.GetValueKind() != JsonValueKind.Number || (points = Number(p)) < 0)
                throw new NotebookFormatException(path, $"{where}: field 'points': a graded cell needs a number of points >= 0");
        }
        if (cell.Kind == CellKind.Markdown && grade != solution)
            throw new NotebookFormatException(path, $"{where}: a markdown cell is graded only as an answer (grade and solution both true)");
        return new NbgraderCell(id.GetValue<string>(), grade, solution, locked, points);
    }

    /// <summary>The fields of nbgraderformat v3.json (checksum and cell_type are what nbgrader writes into a student version).</summary>
    static readonly string[] Allowed = ["cell_type", "checksum", "grade", "grade_id", "locked", "points", "schema_version", "solution", "task"];

    /// <summary>A JSON number as read from a file or set in memory (whose GetValue needs its exact CLR type).</summary>
    static double Number(JsonValue v) => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Every nbgrader cell of the notebook by index, grade ids checked unique (as nbgrader requires).</summary>
    public static List<(int Index, NbgraderCell Cell)> All(NotebookDocument doc, string path)
    {
        var cells = new List<(int, NbgraderCell)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < doc.Cells.Count; i++)
        {
            if (Of(doc.Cells[i], path, i + 1) is not { } info) continue;
            if (seen.TryGetValue(info.GradeId, out int first))
                throw new NotebookFormatException(path, $"cell {i + 1}: grade_id '{info.GradeId}' is already the id of cell {first}; ids must be unique");
            seen[info.GradeId] = i + 1;
            cells.Add((i, info));
        }
        return cells;
    }

    public override string ToString() =>
        IsTest ? $"test '{GradeId}' ({Points.ToString("0.##", CultureInfo.InvariantCulture)} points)"
        : Solution ? $"solution '{GradeId}'" : $"read-only '{GradeId}'";
}
