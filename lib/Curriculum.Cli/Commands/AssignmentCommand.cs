using System.CommandLine;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum assignment release|grade</c>: the classroom workflow of nbgrader, on our notebooks.</summary>
static class AssignmentCommand
{
    public static Command Create() => new("assignment",
        "Classroom assignments in nbgrader's format: release the student version of a notebook, autograde what students hand in.")
    {
        AssignmentReleaseCommand.Create(),
        AssignmentGradeCommand.Create(),
    };
}
