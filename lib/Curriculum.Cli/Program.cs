using System.CommandLine;
using System.CommandLine.Help;
using Curriculum.Cli.Commands;

// The `curriculum` command: each subcommand is built in its own file under Commands/. A plain Command rather than a
// RootCommand, whose name would be the assembly's (Curriculum.Cli: it cannot be `curriculum`, because assembly names
// are case-insensitive and the library is Curriculum); so help and usage lines say `curriculum`.
var root = new Command("curriculum", "Pre-training language models from scratch: run the curriculum's notebooks, "
    + "release and grade them as assignments, build the book, train tokenizers, prepare data, pre-train and fine-tune, and benchmark.");
root.Options.Add(new HelpOption());
root.Options.Add(new VersionOption());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(RunNotebookWorkerCommand.Create());
root.Subcommands.Add(AssignmentCommand.Create());
root.Subcommands.Add(BookCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TokenizerCommand.Create());
root.Subcommands.Add(PretrainCommand.Create());
root.Subcommands.Add(FinetuneCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());

var parsed = root.Parse(args);
int exitCode = parsed.Invoke();
return parsed.Errors.Count > 0 ? 2 : exitCode;   // a usage error (unknown command or option, bad value) is exit code 2
