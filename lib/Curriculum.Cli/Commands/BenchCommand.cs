using System.CommandLine;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum bench ...</c>: speed and memory benchmarks, one JSON line each.</summary>
static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure speed and memory; compare with the reference scripts in tools/reference.");
        bench.Subcommands.Add(BenchDataCommand.Create());
        bench.Subcommands.Add(BenchEngineCommand.Create());
        bench.Subcommands.Add(BenchGemmCommand.Create());
        bench.Subcommands.Add(BenchTrainerCommand.Create());
        bench.Subcommands.Add(BenchTokenizerCommand.Create());
        return bench;
    }
}
