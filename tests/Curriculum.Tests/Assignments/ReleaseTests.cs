using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>The student version of the chapters: what it must not contain, what it must keep, how it is locked.</summary>
public class ReleaseTests
{
    public static TheoryData<string> Chapters => new() { "01", "02", "03", "04", "05", "06", "07", "08" };

    /// <summary>Escapes as the notebook files do: quotes and backslashes only, other characters as they are.</summary>
    static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The trimmed lines of the key's cells inside (or outside) solution and hidden-test regions.</summary>
    static HashSet<string> Lines(NotebookDocument doc, bool insideRegions)
    {
        var lines = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cell in doc.Cells)
        {
            bool inside = false;
            foreach (var raw in cell.Source.Split('\n'))
            {
                string line = raw.Trim();
                if (line is SolutionRegions.BeginSolution or SolutionRegions.BeginHiddenTests) inside = true;
                else if (line is SolutionRegions.EndSolution or SolutionRegions.EndHiddenTests) inside = false;
                else if (inside == insideRegions) lines.Add(line);
            }
        }
        return lines;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void A_released_chapter_has_no_solution_and_no_hidden_test_text_anywhere_in_the_file(string chapter)
    {
        using var files = new AssignmentFiles();
        string keyPath = AssignmentFiles.Chapter(chapter);
        var key = NotebookDocument.Load(keyPath);
        string raw = File.ReadAllText(files.Save(StudentVersion.Release(key, keyPath), "student.ipynb"));
        string keyRaw = File.ReadAllText(keyPath);

        // Lines that only solutions and hidden tests have (a hidden test may repeat a visible test's data line), long
        // enough to say something (not a lone brace): none may be anywhere in the file, outputs and metadata included
        // (the raw file is searched, with the text escaped as JSON escapes it).
        var secret = Lines(key, insideRegions: true).Except(Lines(key, insideRegions: false)).Where(l => l.Length >= 12).ToList();
        Assert.True(secret.Count >= 10, $"chapter {chapter}: expected solution and hidden-test regions in the key");
        foreach (var line in secret)
        {
            string escaped = JsonValue.Create(line)!.ToJsonString(Relaxed)[1..^1];
            Assert.Contains(escaped, keyRaw);   // the search itself is sound: the key has the line, as written in the file
            if (raw.Contains(escaped, StringComparison.Ordinal))
                Assert.Fail($"chapter {chapter}: the student version contains \"{line}\"");
        }
        foreach (var marker in new[] { "BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS" })
            Assert.DoesNotContain(marker, raw);
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Answers_become_numbered_stubs_the_chapter_is_unchanged_and_graded_cells_are_locked(string chapter)
    {
        string keyPath = AssignmentFiles.Chapter(chapter);
        var key = NotebookDocument.Load(keyPath);
        var student = AssignmentFiles.Released(keyPath);
        Assert.Equal(key.Cells.Count, student.Cells.Count);
        int exercise = 0;
        for (int i = 0; i < key.Cells.Count; i++)
        {
            var info = NbgraderCell.Of(key.Cells[i], keyPath, i + 1);
            var cell = student.Cells[i];
            Assert.Empty(cell.Outputs);
            Assert.Null(cell.ExecutionCount);
            if (info == null)
            {
                Assert.Equal(key.Cells[i].Source, cell.Source);   // the chapter itself runs as before, up to the exercises
                continue;
            }
            Assert.False(cell.Metadata["deletable"]!.GetValue<bool>());
            if (info.Solution)
            {
                Assert.Contains($"throw new NotImplementedException(\"exercise {++exercise}\");", cell.Source);
                Assert.Null(cell.Metadata["editable"]);
                // The method's signature stays: the line before the region is the same in both versions.
                string signature = string.Join('\n', key.Cells[i].Source.Split('\n')[..2]);
                Assert.StartsWith(signature, cell.Source);
            }
            else Assert.False(cell.Metadata["editable"]!.GetValue<bool>());
            Assert.Equal(key.Cells[i].Metadata["nbgrader"]!.ToJsonString(), cell.Metadata["nbgrader"]!.ToJsonString());
        }
        Assert.True(exercise >= 2, $"chapter {chapter}: expected at least two exercises, found {exercise}");
    }

    [Fact]
    public void Every_chapter_is_valid_nbgrader_and_nbformat_and_release_writes_valid_notebooks()
    {
        var python = ProcessRunner.DebianPython;
        Assert.True(python != null, "Debian's python3 with python3-nbformat is needed for this check: apt-get install python3-nbformat");
        using var files = new AssignmentFiles();
        var chapters = new[] { "01", "02", "03", "04", "05", "06", "07", "08" }.Select(AssignmentFiles.Chapter).ToArray();
        var release = ProcessRunner.Curriculum(["assignment", "release", .. chapters, "--out", files.Out]);
        Assert.True(release.ExitCode == 0, release.Stdout + release.Stderr);
        // nbformat's schema, and nbgrader's own rules for schema 3 (grade cells have points, ids are unique, markdown
        // answers are graded) written out, since nbgrader itself is not installed here.
        const string check = """
            import sys, nbformat
            for path in sys.argv[1:]:
                nb = nbformat.read(path, as_version=4)
                nbformat.validate(nb)
                ids = set()
                for c in nb.cells:
                    m = c.metadata.get("nbgrader")
                    if m is None: continue
                    assert m["schema_version"] == 3 and m["task"] is False, path
                    assert set(m) <= {"grade", "grade_id", "locked", "points", "schema_version", "solution", "task"}, (path, m)
                    if m["grade"] or m["solution"] or m["locked"]:
                        assert m["grade_id"] and m["grade_id"] not in ids, (path, m["grade_id"])
                        ids.add(m["grade_id"])
                    if m["grade"]: assert m["points"] > 0, (path, m)
                    if c.cell_type == "markdown": assert m["grade"] == m["solution"], (path, m)
            print(len(sys.argv) - 1)
            """;
        var released = Directory.GetFiles(files.Out, "*.ipynb");
        var result = ProcessRunner.Run(python!, ["-c", check, .. chapters, .. released]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("16", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("int F()\n{\n    // ### BEGIN SOLUTION\n    return 1;\n}", true, "cell 1, line 3", "never closed")]
    [InlineData("// ### END SOLUTION", true, "cell 1, line 1", "without a '// ### BEGIN SOLUTION'")]
    [InlineData("int F()\n{\n    // ### BEGIN SOLUTION\n    return 1;\n    // ### END SOLUTION\n}", false, "cell 1", "not an nbgrader solution cell")]
    public void A_malformed_key_is_refused_with_exit_2_naming_file_cell_and_what_was_expected(string source, bool solution, string where, string expected)
    {
        using var files = new AssignmentFiles();
        var key = new NotebookDocument();
        var cell = new NotebookCell(CellKind.Code, source);
        if (solution) cell.Metadata["nbgrader"] = new NbgraderCell("answer", false, true, false, 0).ToJson();
        var test = new NotebookCell(CellKind.Code, "if (F() != 1) throw new Exception(\"F\");");
        test.Metadata["nbgrader"] = new NbgraderCell("answer-tests", true, false, true, 1).ToJson();
        key.Cells.Add(cell);
        key.Cells.Add(test);
        string keyPath = files.Save(key, "bad-key.ipynb");
        var r = ProcessRunner.Curriculum("assignment", "release", keyPath, "--out", files.Out);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad-key.ipynb", r.Stderr);
        Assert.Contains(where, r.Stderr);
        Assert.Contains(expected, r.Stderr);
        Assert.False(Directory.Exists(files.Out) && Directory.EnumerateFileSystemEntries(files.Out).Any());
    }

    [Theory]
    [InlineData("{\"grade\": true, \"grade_id\": \"t\", \"locked\": true, \"schema_version\": 3, \"solution\": false}", "field 'points'")]
    [InlineData("{\"grade\": true, \"locked\": true, \"points\": 1, \"schema_version\": 3, \"solution\": false}", "field 'grade_id'")]
    [InlineData("{\"grade\": \"yes\", \"grade_id\": \"t\", \"points\": 1}", "field 'grade'")]
    [InlineData("{\"grade\": true, \"grade_id\": \"t\", \"points\": 1, \"schema_version\": 1}", "field 'schema_version': expected 3")]
    public void Malformed_nbgrader_metadata_is_named(string metadata, string expected)
    {
        var cell = new NotebookCell(CellKind.Code, "1");
        cell.Metadata["nbgrader"] = JsonNode.Parse(metadata);
        var e = Assert.Throws<NotebookFormatException>(() => NbgraderCell.Of(cell, "key.ipynb", 4));
        Assert.Contains("key.ipynb: cell 4: metadata 'nbgrader'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Duplicate_grade_ids_are_refused_as_nbgrader_refuses_them()
    {
        var doc = new NotebookDocument();
        for (int i = 0; i < 2; i++)
        {
            var cell = new NotebookCell(CellKind.Code, "1");
            cell.Metadata["nbgrader"] = new NbgraderCell("same", true, false, true, 1).ToJson();
            doc.Cells.Add(cell);
        }
        var e = Assert.Throws<NotebookFormatException>(() => NbgraderCell.All(doc, "key.ipynb"));
        Assert.Contains("cell 2: grade_id 'same' is already the id of cell 1", e.Message);
    }
}
