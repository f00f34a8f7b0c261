using System.Text.Json.Nodes;
using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;

namespace Curriculum.Tests.Assignments;

/// <summary>
/// samples/classroom/autograding.yml, the GitHub Classroom workflow, run here as far as it can be without GitHub: its steps
/// match the key's test cells and points, and its grading command and each test's jq command, run as written in a folder
/// laid out as the workflow's checkout, give every point to the key and none to the unanswered student version.
/// </summary>
[Collection(GradingCollection.Name)]
public class ClassroomWorkflowTests
{
    static readonly string Workflow = Path.Combine(RepoPaths.Root, "samples", "classroom", "autograding.yml");

    /// <summary>The workflow's steps, read by Debian's PyYAML (a YAML parser, not a reading of our own).</summary>
    static JsonArray Steps()
    {
        var python = ProcessRunner.DebianPython;
        Assert.True(python != null, "Debian's python3 with python3-yaml is needed: apt-get install python3-yaml");
        var read = ProcessRunner.Run(python!, ["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", Workflow]);
        Assert.True(read.ExitCode == 0, read.Stderr);
        return JsonNode.Parse(read.Stdout)!["jobs"]!["grade"]!["steps"]!.AsArray();
    }

    static List<JsonNode> TestSteps(JsonArray steps) =>
        steps.Where(s => s!["uses"]?.GetValue<string>().StartsWith("classroom-resources/autograding-command-grader@", StringComparison.Ordinal) == true).ToList()!;

    static string Key => AssignmentFiles.Chapter("02");

    [Fact]
    public void Every_test_cell_of_the_key_has_a_step_worth_its_points_and_the_reporter_lists_them_all()
    {
        var steps = Steps();
        var tests = NbgraderCell.All(NotebookDocument.Load(Key), Key).Where(c => c.Cell.IsTest).Select(c => c.Cell).ToList();
        var graders = TestSteps(steps);
        Assert.Equal(tests.Select(t => t.GradeId), graders.Select(s => s["id"]!.GetValue<string>()));
        foreach (var (test, step) in tests.Zip(graders))
        {
            Assert.Equal(test.GradeId, step["with"]!["test-name"]!.GetValue<string>());
            Assert.Equal(test.Points, step["with"]!["max-score"]!.GetValue<double>());
            Assert.Contains($"select(.grade_id == \"{test.GradeId}\")", step["with"]!["command"]!.GetValue<string>());
        }
        var reporter = steps.Single(s => s!["uses"]?.GetValue<string>().StartsWith("classroom-resources/autograding-grading-reporter@", StringComparison.Ordinal) == true)!;
        Assert.Equal(string.Join(',', tests.Select(t => t.GradeId)), reporter["with"]!["runners"]!.GetValue<string>());
        foreach (var t in tests)
            Assert.Equal($"${{{{ steps.{t.GradeId}.outputs.result }}}}", reporter["env"]![$"{t.GradeId.ToUpperInvariant()}_RESULTS"]!.GetValue<string>());
    }

    [Fact]
    public void The_workflows_commands_give_the_key_every_point_and_the_student_version_none()
    {
        var steps = Steps();
        string gradeLine = steps.Select(s => s!["run"]?.GetValue<string>()).OfType<string>()
            .SelectMany(r => r.Split('\n')).Select(l => l.Trim()).Single(l => l.StartsWith("./curriculum assignment grade ", StringComparison.Ordinal));
        var commands = TestSteps(steps).Select(s => s["with"]!["command"]!.GetValue<string>()).ToList();

        using var files = new AssignmentFiles();
        // The student's repository (this one, its notebooks/ holding the submission), with the key checked out into keys/.
        string checkout = files.Directory;
        foreach (var entry in Directory.EnumerateFileSystemEntries(RepoPaths.Root).Where(e => Path.GetFileName(e) is not ("notebooks" or ".git")))
        {
            string link = Path.Combine(checkout, Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(link, entry);
            else File.CreateSymbolicLink(link, entry);
        }
        Directory.CreateDirectory(Path.Combine(checkout, "keys"));
        File.Copy(Key, Path.Combine(checkout, "keys", Path.GetFileName(Key)));
        string submission = Path.Combine(checkout, "notebooks", Path.GetFileName(Key));

        foreach (var (doc, passes) in new[] { (NotebookDocument.Load(Key), true), (AssignmentFiles.Released(Key), false) })
        {
            doc.Save(submission);
            var grade = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "Curriculum.Cli.dll"), .. gradeLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]],
                workingDirectory: checkout, timeout: TimeSpan.FromMinutes(10));
            Assert.True(grade.ExitCode == 0, grade.Stdout + grade.Stderr);
            foreach (var command in commands)
            {
                var step = ProcessRunner.Run("bash", ["-c", command], workingDirectory: checkout);
                Assert.True((step.ExitCode == 0) == passes, $"{(passes ? "key" : "student version")}: `{command}` exited {step.ExitCode}: {step.Stdout}{step.Stderr}");
            }
        }
    }
}
