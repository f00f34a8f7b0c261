using Curriculum.Kernel;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>
/// The screen an answer passes before it is graded: the chapters' own answers and ordinary code pass; each known route to
/// a score the answer did not earn (reaching the process, files, the kernel, reflection or threads; redefining what the
/// tests call) is refused with the line and the reason. The grading run of <see cref="HostileSubmissionTests"/> shows two
/// of them end to end.
/// </summary>
public class AnswerScreenTests
{
    /// <summary>A key with a read-only helper the tests call, one exercise, and tests that use Math and LINQ.</summary>
    static (AnswerScreen Screen, string KeySource) Key()
    {
        var key = new NotebookDocument { Metadata = NotebookDocument.DotNetInteractiveMetadata() };
        void Add(string source, NbgraderCell info)
        {
            var cell = new NotebookCell(CellKind.Code, source);
            cell.Metadata[NbgraderCell.Key] = info.ToJson();
            key.Cells.Add(cell);
        }
        Add("void Expect(bool ok, string what) { if (!ok) throw new Exception(what); }\nvar tolerance = 1e-12;", new NbgraderCell("expect", false, false, true, 0));
        string solution = "double[] Halves(int[] xs)\n{\n    // ### BEGIN SOLUTION\n    return xs.Select(x => x / 2.0).ToArray();\n    // ### END SOLUTION\n}";
        Add(solution, new NbgraderCell("halves", false, true, false, 0));
        Add("Expect(Halves([2, 3]).SequenceEqual([1.0, 1.5]), \"halves\");\nExpect(Math.Abs(Halves([1])[0] - 0.5) < tolerance, \"one\");",
            new NbgraderCell("halves-tests", true, false, true, 1));
        return (AnswerScreen.For(key, "key.ipynb"), solution);
    }

    static string? Screen(string body)
    {
        var (screen, solution) = Key();
        int begin = solution.IndexOf(SolutionRegions.BeginSolution, StringComparison.Ordinal);
        int end = solution.IndexOf(SolutionRegions.EndSolution, StringComparison.Ordinal) + SolutionRegions.EndSolution.Length;
        return screen.Refusal("halves", solution[..begin] + body + solution[end..]);
    }

    [Theory]
    [InlineData("return xs.Select(x => x / 2.0).ToArray();")]
    [InlineData("var result = new double[xs.Length];\n    for (int i = 0; i < xs.Length; i++) result[i] = xs[i] * 0.5;\n    Console.WriteLine(string.Join(\", \", result));\n    return result;")]
    [InlineData("var type = 2.0; var task = xs.Length;\n    return xs.Select(x => x / type).ToArray();")]
    [InlineData("throw new NotImplementedException(\"exercise 1\");")]
    [InlineData("double tolerance = 0.5; tolerance = 0.25;\n    return xs.Select(x => x * tolerance * 2).ToArray();")]   // its own variable of that name
    public void Ordinary_answers_pass(string body) => Assert.Null(Screen(body));

    [Theory]
    [InlineData("System.Environment.Exit(0); return [];", "line 3: 'Environment' (the process)")]
    [InlineData("File.WriteAllText(\"x.ipynb\", \"{}\"); return [];", "line 3: 'File' (files)")]
    [InlineData("return (double[])xs.GetType().Assembly.CreateInstance(\"X\")!;", "line 3: 'GetType' (reflection)")]
    [InlineData("Microsoft.DotNet.Interactive.Kernel.Root.ToString(); return [];", "line 3: 'Microsoft' (the kernel)")]
    [InlineData("var call = System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Constant(xs), \"GetHashCode\", null);\n    return [];", "line 3: 'Expression' (reflection)")]
    [InlineData("System.Threading.Tasks.Task.Run(() => { }); return [];", "line 3: 'Task' (threads)")]
    [InlineData("Console.SetOut(TextWriter.Null); return [];", "line 3: 'SetOut' (the console's streams)")]
    [InlineData("@Environment.FailFast(\"x\"); return [];", "line 3: 'Environment' (the process)")]   // a verbatim name is the same name
    [InlineData("\\u0045nvironment.Exit(1); return [];", "line 3: 'Environment' (the process)")]        // and so is an escaped one
    [InlineData("unsafe { } return [];", "line 3: 'unsafe' (unsafe code)")]
    [InlineData("return [];\n}\nasync void Later() { }\nvoid Nothing()\n{", "line 5: 'async' (threads)")]
    [InlineData("return [];\n}\nclass Finalized { ~Finalized() { } }\nvoid Nothing()\n{", "line 5: a finalizer")]
    [InlineData("return [];\n}\nvoid Expect(bool ok, string what) { }\nvoid Nothing()\n{", "line 5: declares 'Expect'")]              // the chapter's check helper
    [InlineData("return [];\n}\nstatic class Math { public static double Abs(double x) => 0; }\nvoid Nothing()\n{", "line 5: declares 'Math'")]   // a type the tests use
    [InlineData("return [];\n}\nstatic class Cheat { public static bool SequenceEqual(this double[] a, double[] b) => true; }\nvoid Nothing()\n{", "line 5: declares 'SequenceEqual'")]
    [InlineData("tolerance = 1.0;\n    return [];", "line 3: assigns 'tolerance', a variable of the chapter's cells")]
    [InlineData("tolerance++;\n    return [];", "line 3: assigns 'tolerance'")]
    [InlineData("Double.TryParse(\"1\", out tolerance);\n    return [];", "line 3: assigns 'tolerance'")]
    public void An_answer_that_reaches_out_of_the_exercise_or_redefines_what_the_tests_use_is_refused_naming_the_line_and_what(string body, string expected)
    {
        string? refusal = Screen(body);
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal);
    }

    [Fact]
    public void Kernel_directives_and_imports_that_rebind_names_are_refused()
    {
        var (screen, _) = Key();
        Assert.Contains("line 1: '#r' (a kernel directive)", screen.Refusal("halves", "#r \"nuget: Cheat\"\ndouble[] Halves(int[] xs) => [];"));
        Assert.Contains("line 1: '#!csharp' (a kernel directive)", screen.Refusal("halves", "#!csharp\ndouble[] Halves(int[] xs) => [];"));
        Assert.Contains("imports that change what the tests' names mean", screen.Refusal("halves", "using static System.Math;\ndouble[] Halves(int[] xs) => [];"));
        Assert.Contains("declares 'Math'", screen.Refusal("halves", "using Math = MyMath;\ndouble[] Halves(int[] xs) => [];"));
        Assert.Null(screen.Refusal("halves", "#if DEBUG\n#endif\ndouble[] Halves(int[] xs) => xs.Select(x => x / 2.0).ToArray();"));
    }

    [Theory]
    [MemberData(nameof(ReleaseTests.Chapters), MemberType = typeof(ReleaseTests))]
    public void Every_chapters_own_answers_and_its_unanswered_stubs_pass(string chapter)
    {
        string keyPath = AssignmentFiles.Chapter(chapter);
        var key = NotebookDocument.Load(keyPath);
        var student = StudentVersion.Release(key, keyPath);
        var screen = AnswerScreen.For(key, keyPath);
        var answers = NbgraderCell.All(key, keyPath).Where(c => c.Cell.Solution).ToList();
        Assert.True(answers.Count >= 2, $"chapter {chapter}: expected graded exercises");
        foreach (var (index, info) in answers)
        {
            Assert.Null(screen.Refusal(info.GradeId, key.Cells[index].Source));
            Assert.Null(screen.Refusal(info.GradeId, student.Cells[index].Source));
        }
    }
}
