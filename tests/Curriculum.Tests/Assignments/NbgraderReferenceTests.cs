using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>
/// Our student version against nbgrader's own: tests/fixtures/assignments/key.ipynb released by nbgrader 0.9.5's
/// LockCells, ClearSolutions, ClearOutput and ClearHiddenTests (key.nbgrader-release.ipynb), and nbgrader's metadata
/// validator's verdicts (key.nbgrader-validation.json). Both are written by tools/reference/nbgrader_release.py, whose
/// docstring says how to rerun it.
/// </summary>
public class NbgraderReferenceTests
{
    static string Fixture(string name) => Path.Combine(RepoPaths.Fixtures, "assignments", name);
    static readonly string KeyPath = Fixture("key.ipynb");
    const string Rerun = "the fixture is stale: rerun /usr/bin/python3 tools/reference/nbgrader_release.py (its docstring says how)";

    /// <summary>Keys only our runner writes: the key's last run (when, how long), which our release drops and nbgrader keeps.</summary>
    static JsonObject WithoutRunRecord(JsonObject metadata)
    {
        var copy = (JsonObject)metadata.DeepClone();
        copy.Remove("curriculum");
        return copy;
    }

    [Fact]
    public void The_key_has_the_forms_the_chapters_use_and_more()
    {
        var key = NotebookDocument.Load(KeyPath);
        var cells = NbgraderCell.All(key, KeyPath).Select(c => (Cell: key.Cells[c.Index], Info: c.Cell)).ToList();
        int Regions(NotebookCell c) => SolutionRegions.Count(c.Source, SolutionRegions.BeginSolution);
        Assert.Contains(cells, c => c.Info.Solution && Regions(c.Cell) == 1 && c.Cell.Source.Contains("    // ### BEGIN SOLUTION"));   // inside a method
        Assert.Contains(cells, c => c.Info.Solution && Regions(c.Cell) >= 2 && c.Cell.Source.Contains("\t// ### BEGIN SOLUTION")); // several, tab-indented
        Assert.Contains(cells, c => c.Info.Solution && c.Cell.Kind == CellKind.Code && Regions(c.Cell) == 0);                      // the whole cell
        Assert.Contains(cells, c => c.Info.Solution && c.Cell.Kind == CellKind.Markdown);                                          // a written answer
        Assert.Contains(cells, c => c.Info.IsTest && SolutionRegions.Count(c.Cell.Source, SolutionRegions.BeginHiddenTests) >= 2); // hidden amid visible
        Assert.Contains(cells, c => c.Info.IsTest && c.Info.Points == 0);
        Assert.Contains(cells, c => c.Info.IsTest && c.Info.Points != Math.Floor(c.Info.Points));
        Assert.Contains(cells, c => !c.Info.Grade && !c.Info.Solution && c.Cell.Kind == CellKind.Code);                            // read-only code
        Assert.Contains(cells, c => !c.Info.Grade && !c.Info.Solution && c.Cell.Kind == CellKind.Markdown);                        // read-only prose
        Assert.Contains(key.Cells, c => c.Outputs.Count > 0 && c.Metadata["scrolled"] != null);
        Assert.Contains(key.Cells, c => c.Source.Any(ch => ch > 0x7F));
        Assert.NotNull(key.Metadata["celltoolbar"]);
    }

    [Fact]
    public void Our_release_of_the_key_is_nbgraders_cell_by_cell()
    {
        var key = NotebookDocument.Load(KeyPath);
        var theirs = NotebookDocument.Load(Fixture("key.nbgrader-release.ipynb"));
        var ours = StudentVersion.Release(key, KeyPath);

        // Notebook metadata: nbgrader's ClearSolutions drops the Create Assignment toolbar; so do we.
        Assert.Null(theirs.Metadata["celltoolbar"]);
        Assert.True(JsonNode.DeepEquals(WithoutRunRecord(theirs.Metadata), ours.Metadata),
            $"notebook metadata\n nbgrader: {theirs.Metadata.ToJsonString()}\n ours:     {ours.Metadata.ToJsonString()}");

        Assert.Equal(key.Cells.Count, theirs.Cells.Count);
        Assert.Equal(theirs.Cells.Count, ours.Cells.Count);
        int exercise = 0, stubs = 0;
        for (int i = 0; i < theirs.Cells.Count; i++)
        {
            NotebookCell t = theirs.Cells[i], o = ours.Cells[i];
            string where = $"cell {i + 1} ({t.Id})";
            Assert.Equal(t.Kind, o.Kind);
            Assert.Equal(t.Id, o.Id);

            // Sources. nbgrader's ClearSolutions.code_stub is one text per kernel language, so the script configures ours
            // with its exercise number written N; ours numbers each solution cell's stub ("exercise 3") so that a student's
            // failing test names the exercise to go back to. That number is the only difference allowed.
            string expected = t.Source;
            if (NbgraderCell.Of(key.Cells[i], KeyPath, i + 1) is { Solution: true })
            {
                exercise++;
                string numbered = expected.Replace("\"exercise N\"", $"\"exercise {exercise}\"");
                if (numbered != expected) stubs++;
                expected = numbered;
            }
            Assert.True(expected == o.Source, $"{where}: source\n--- nbgrader:\n{expected}\n--- ours:\n{o.Source}");

            // Metadata, nbgrader's LockCells' deletable/editable included; only our run record is ours alone.
            Assert.True(JsonNode.DeepEquals(WithoutRunRecord(t.Metadata), o.Metadata),
                $"{where}: metadata\n nbgrader: {t.Metadata.ToJsonString()}\n ours:     {o.Metadata.ToJsonString()}");

            // Outputs cleared, as nbgrader's ClearOutput clears them.
            Assert.Empty(t.Outputs);
            Assert.Null(t.ExecutionCount);
            Assert.Empty(o.Outputs);
            Assert.Null(o.ExecutionCount);
        }
        Assert.True(stubs >= 3, $"expected the numbered stub in at least three solution cells, found {stubs}");
    }

    [Fact]
    public void Nbgraders_validator_accepted_this_key_and_our_release_of_it()
    {
        var record = JsonNode.Parse(File.ReadAllText(Fixture("key.nbgrader-validation.json")))!;
        Assert.Equal("207a8e544968092c93af807cce6f002552c628fa", record["nbgrader"]!["commit"]!.GetValue<string>());
        var verdicts = record["validated"]!.AsArray().ToDictionary(v => v!["notebook"]!.GetValue<string>(),
            v => (Sha256: v!["sha256"]!.GetValue<string>(), Verdict: v["verdict"]!.GetValue<string>()));

        using var files = new AssignmentFiles();
        string ours = files.Save(StudentVersion.Release(NotebookDocument.Load(KeyPath), KeyPath), "key.ipynb");
        foreach (var (notebook, path) in new[]
        {
            ("key.ipynb", KeyPath),
            ("key.ipynb released by curriculum assignment release", ours),
            ("key.nbgrader-release.ipynb", Fixture("key.nbgrader-release.ipynb")),
        })
        {
            Assert.True(verdicts.TryGetValue(notebook, out var v), $"{notebook}: not in key.nbgrader-validation.json; {Rerun}");
            string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            Assert.True(sha == v.Sha256, $"{notebook}: sha256 {sha}, but nbgrader validated {v.Sha256}; {Rerun}");
            Assert.True(v.Verdict == "valid", $"{notebook}: nbgrader's MetadataValidatorV3 said: {v.Verdict}");
        }
    }

    [Fact]
    public void Cell_metadata_is_accepted_exactly_where_nbgraders_validator_accepts_it()
    {
        var cases = JsonNode.Parse(File.ReadAllText(Fixture("key.nbgrader-validation.json")))!["metadata_cases"]!.AsArray();
        Assert.True(cases.Count >= 15, Rerun);
        Assert.Contains(cases, c => c!["verdict"]!.GetValue<string>() == "valid");
        foreach (var c in cases)
        {
            var kind = c!["cell_type"]!.GetValue<string>() == "markdown" ? CellKind.Markdown : CellKind.Code;
            var cell = new NotebookCell(kind, "x");
            cell.Metadata[NbgraderCell.Key] = c["nbgrader"]!.DeepClone();
            string verdict = c["verdict"]!.GetValue<string>(), what = $"{kind} cell with {c["nbgrader"]!.ToJsonString()}";
            var e = Record.Exception(() => NbgraderCell.Of(cell, "key.ipynb", 1));
            if (verdict == "valid") Assert.True(e == null, $"{what}: nbgrader accepts it, we threw {e?.Message}");
            else Assert.True(e is NotebookFormatException, $"{what}: nbgrader refuses it ({verdict}), we {(e == null ? "accepted it" : "threw " + e)}");
        }
    }

    [Theory]
    [InlineData("    return 1; // ### BEGIN SOLUTION", "line 3: contains 'BEGIN SOLUTION' but is not the marker line '// ### BEGIN SOLUTION'")]
    [InlineData("    // ### BEGIN SOLUTION\n    return 1;\n    // ### END SOLUTION (the loop)", "line 5: contains 'END SOLUTION' but is not the marker line")]
    [InlineData("    ### BEGIN SOLUTION\n    return 1;\n    ### END SOLUTION", "line 3: contains 'BEGIN SOLUTION' but is not the marker line")]
    public void A_line_nbgrader_would_take_for_a_marker_must_be_the_marker_line(string body, string expected)
    {
        var key = new NotebookDocument();
        var answer = new NotebookCell(CellKind.Code, "int F()\n{\n" + body + "\n}");
        answer.Metadata["nbgrader"] = new NbgraderCell("answer", false, true, false, 0).ToJson();
        var test = new NotebookCell(CellKind.Code, "if (F() != 1) throw new Exception(\"F\");");
        test.Metadata["nbgrader"] = new NbgraderCell("answer-tests", true, false, true, 1).ToJson();
        key.Cells.Add(answer);
        key.Cells.Add(test);
        var e = Assert.Throws<NotebookFormatException>(() => StudentVersion.Release(key, "key.ipynb"));
        Assert.Contains("key.ipynb: cell 1, " + expected, e.Message);
    }

    [Fact]
    public void A_grade_id_nbgraders_schema_refuses_is_refused()
    {
        var cell = new NotebookCell(CellKind.Code, "1");
        cell.Metadata["nbgrader"] = new NbgraderCell("übung 1", true, false, true, 1).ToJson();
        var e = Assert.Throws<NotebookFormatException>(() => NbgraderCell.Of(cell, "key.ipynb", 2));
        Assert.Contains("key.ipynb: cell 2: metadata 'nbgrader': field 'grade_id': expected ASCII letters, digits, '_' and '-' only, found \"übung 1\"", e.Message);
    }
}
