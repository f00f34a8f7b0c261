using System.CommandLine;
using Curriculum.Cli.Commands;

// The `curriculum` command: each subcommand is built in its own file under Commands/.
var root = new RootCommand("Pre-training language models from scratch: run the curriculum's notebooks, "
    + "build the book, train tokenizers, prepare data, pre-train and fine-tune, and benchmark.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(BookCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TokenizerCommand.Create());
root.Subcommands.Add(PretrainCommand.Create());
root.Subcommands.Add(FinetuneCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());

return root.Parse(args).Invoke();
