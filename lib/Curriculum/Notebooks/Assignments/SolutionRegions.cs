namespace Curriculum.Notebooks.Assignments;

/// <summary>
/// nbgrader's markers, written as C# comments: a line that is exactly <c>// ### BEGIN SOLUTION</c> (after
/// indentation) opens the reference solution, <c>// ### END SOLUTION</c> closes it; <c>// ### BEGIN HIDDEN TESTS</c>
/// and <c>// ### END HIDDEN TESTS</c> enclose tests the student never sees. A solution region is a method body (or a
/// run of statements in one), so the stub that replaces it, a <c>throw</c> statement, compiles whatever the method returns.
/// nbgrader takes any line that contains its delimiter (<c>BEGIN SOLUTION</c>, ...) for a marker, so a line that
/// contains one without being the marker line is refused: a key we accept releases the same under nbgrader.
/// </summary>
public static class SolutionRegions
{
    public const string BeginSolution = "// ### BEGIN SOLUTION";
    public const string EndSolution = "// ### END SOLUTION";
    public const string BeginHiddenTests = "// ### BEGIN HIDDEN TESTS";
    public const string EndHiddenTests = "// ### END HIDDEN TESTS";

    /// <summary>The statement that stands in for exercise <paramref name="exercise"/>'s solution in the student version.</summary>
    public static string Stub(int exercise) => $"throw new NotImplementedException(\"exercise {exercise}\");";

    /// <summary>The statement that stands in for an answer the grader refused to run, <paramref name="reason"/> its message.</summary>
    public static string RefusedStub(string reason) =>
        $"throw new NotSupportedException(\"{reason.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", " ").Replace("\r", " ")}\");";

    /// <summary>What replaces a solution region of exercise <paramref name="exercise"/>: a line telling the student where to write, and the stub.</summary>
    public static string[] CodeStub(int exercise) => ["// Your code here (replace the line below).", Stub(exercise)];

    /// <summary>
    /// <paramref name="source"/> with every solution region replaced by the lines of <paramref name="stub"/>, each
    /// indented as the region's BEGIN line (nbgrader's rule).
    /// </summary>
    public static string ReplaceSolutions(string source, string[] stub, string path, int cell) =>
        Replace(source, BeginSolution, EndSolution, path, cell, indent => stub.Select(l => indent + l).ToArray());

    /// <summary><paramref name="source"/> without its hidden-test regions (markers included).</summary>
    public static string RemoveHiddenTests(string source, string path, int cell) =>
        Replace(source, BeginHiddenTests, EndHiddenTests, path, cell, _ => []);

    /// <summary>How many lines of <paramref name="source"/> contain <paramref name="marker"/>'s delimiter, as nbgrader counts markers.</summary>
    public static int Count(string source, string marker) => source.Split('\n').Count(l => l.Contains(Delimiter(marker), StringComparison.Ordinal));

    /// <summary>The words nbgrader looks for by default: the marker without its comment prefix ("BEGIN SOLUTION").</summary>
    static string Delimiter(string marker) => marker["// ### ".Length..];

    static string Replace(string source, string begin, string end, string path, int cell, Func<string, string[]> replacement)
    {
        var lines = source.Split('\n');
        var kept = new List<string>(lines.Length);
        int? openedAt = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r'), trimmed = line.Trim();
            foreach (var marker in new[] { begin, end })
                if (trimmed != marker && line.Contains(Delimiter(marker), StringComparison.Ordinal))
                    throw new NotebookFormatException(path, $"cell {cell}, line {i + 1}: contains '{Delimiter(marker)}' but is not the marker line '{marker}' (nbgrader takes any line containing it for a marker)");
            if (trimmed == begin)
            {
                if (openedAt is { } o)
                    throw new NotebookFormatException(path, $"cell {cell}, line {i + 1}: '{begin}' inside the region opened at line {o}; expected '{end}' first");
                openedAt = i + 1;
                kept.AddRange(replacement(line[..line.IndexOf(begin, StringComparison.Ordinal)]));
            }
            else if (trimmed == end)
            {
                if (openedAt == null)
                    throw new NotebookFormatException(path, $"cell {cell}, line {i + 1}: '{end}' without a '{begin}' before it");
                openedAt = null;
            }
            else if (openedAt == null) kept.Add(lines[i]);
        }
        if (openedAt is { } open)
            throw new NotebookFormatException(path, $"cell {cell}, line {open}: '{begin}' is never closed; expected a line '{end}'");
        return string.Join('\n', kept);
    }
}
