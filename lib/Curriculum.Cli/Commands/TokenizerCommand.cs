using System.CommandLine;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum tokenizer train|encode</c>.</summary>
static class TokenizerCommand
{
    public static Command Create()
    {
        var command = new Command("tokenizer", "Train a tokenizer on text files, or encode a file with one.");
        command.Subcommands.Add(TokenizerTrainCommand.Create());
        command.Subcommands.Add(TokenizerEncodeCommand.Create());
        return command;
    }
}
