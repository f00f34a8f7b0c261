using System.Text.Json.Nodes;

namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// nbgrader's "generate assignment" for our notebooks: from the key (the instructor's notebook, with reference solutions
/// and hidden tests) the version handed to students. Solution regions become a stub that throws
/// <c>NotImplementedException("exercise N")</c> (N counts the solution cells from 1) and a solution cell without a
/// region becomes that stub whole (a markdown answer becomes nbgrader's <c>YOUR ANSWER HERE</c>), hidden-test regions are
/// removed, outputs and execution counts are cleared (with the output-view keys <c>collapsed</c>/<c>scrolled</c>, as
/// nbgrader's ClearOutput does), the Create Assignment toolbar setting is dropped, and cells are locked as nbgrader's
/// LockCells does: test and read-only cells cannot be edited or deleted (Jupyter's <c>editable</c>/<c>deletable</c>
/// metadata), solution cells cannot be deleted. tests/fixtures/assignments/key.nbgrader-release.ipynb is nbgrader's own
/// release of a key, for comparison.
/// </summary>
public static class StudentVersion
{
    /// <summary>What a markdown answer cell says in the student version: nbgrader's ClearSolutions.text_stub.</summary>
    public const string TextStub = "YOUR ANSWER HERE";

    public static NotebookDocument Release(NotebookDocument key, string path)
    {
        var graded = NbgraderCell.All(key, path).ToDictionary(c => c.Index, c => c.Cell);
        if (!graded.Values.Any(c => c.IsTest))
            throw new NotebookFormatException(path, "no autograded test cells (nbgrader metadata with grade = true, solution = false): nothing to release");
        var student = new NotebookDocument { Metadata = (JsonObject)key.Metadata.DeepClone(), FormatMinor = key.FormatMinor };
        student.Metadata.Remove("curriculum");   // the key's last run: when and how long, not the student's
        student.Metadata.Remove("celltoolbar");  // the teacher's Create Assignment toolbar
        int exercise = 0;
        for (int i = 0; i < key.Cells.Count; i++)
        {
            var source = key.Cells[i];
            graded.TryGetValue(i, out var info);
            if (info is not { Solution: true } && HasSolutionMarkers(source.Source))
                throw new NotebookFormatException(path, $"cell {i + 1}: has a '{SolutionRegions.BeginSolution}' region but is not an nbgrader solution cell");
            if (info is not { IsTest: true } && SolutionRegions.Count(source.Source, SolutionRegions.BeginHiddenTests) > 0)
                throw new NotebookFormatException(path, $"cell {i + 1}: has a '{SolutionRegions.BeginHiddenTests}' region but is not an nbgrader test cell");
            string text = ReleasedSource(source, info, info is { Solution: true } ? ++exercise : 0, path, i + 1);
            var cell = new NotebookCell(source.Kind, text, source.Language)
            {
                Id = source.Id,
                Metadata = (JsonObject)source.Metadata.DeepClone(),
            };
            cell.Metadata.Remove("curriculum");
            if (cell.Kind == CellKind.Code) { cell.Metadata.Remove("collapsed"); cell.Metadata.Remove("scrolled"); }
            if (info != null) Lock(cell, info);
            student.Cells.Add(cell);
        }
        return student;
    }

    /// <summary>The source a cell has in the student version (what a locked cell of a submission is compared with).</summary>
    public static string ReleasedSource(NotebookCell keyCell, NbgraderCell? info, int exercise, string path, int number)
    {
        string text = keyCell.Source;
        if (info is { Solution: true })
        {
            // nbgrader's ClearSolutions: regions become the stub; a cell without one is the answer whole and becomes the stub.
            string[] stub = keyCell.Kind == CellKind.Code ? SolutionRegions.CodeStub(exercise) : [TextStub];
            text = HasSolutionMarkers(text)
                ? SolutionRegions.ReplaceSolutions(text, stub, path, number) : string.Join('\n', stub);
        }
        return SolutionRegions.RemoveHiddenTests(text, path, number);
    }

    static bool HasSolutionMarkers(string source) =>
        SolutionRegions.Count(source, SolutionRegions.BeginSolution) + SolutionRegions.Count(source, SolutionRegions.EndSolution) > 0;

    static void Lock(NotebookCell cell, NbgraderCell info)
    {
        cell.Metadata["deletable"] = false;
        if (!info.Solution) cell.Metadata["editable"] = false;
    }
}
