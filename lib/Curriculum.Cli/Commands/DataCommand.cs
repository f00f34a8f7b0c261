using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data clean|dedup|decontaminate|plan|prepare</c>: the data pipeline's steps.
/// Exit codes: 0 ok, 1 failure, 2 usage error or unreadable input (named on stderr).</summary>
static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Prepare pre-training text: clean, deduplicate, decontaminate, plan a mixture, write token shards.");
        data.Subcommands.Add(DataCleanCommand.Create());
        data.Subcommands.Add(DataDedupCommand.Create());
        data.Subcommands.Add(DataDecontaminateCommand.Create());
        data.Subcommands.Add(DataPlanCommand.Create());
        data.Subcommands.Add(DataPrepareCommand.Create());
        return data;
    }

    internal static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs a step, turning bad input into a message on stderr and exit code 2.</summary>
    internal static int Guard(Func<int> step)
    {
        try { return step(); }
        catch (Exception e) when (e is UsageException or ConfigException or FileNotFoundException or DirectoryNotFoundException or DataFormatException or ArgumentException or IOException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }

    internal static Option<string[]> InputOption() => new("--input", "-i")
    {
        Description = "Input files or folders: .jsonl ({\"id\",\"text\"} per line) or plain text cut by --split.",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    internal static Option<TextSplit> SplitOption() => new("--split")
    {
        Description = "How plain-text files are cut into documents: File, Line or Separator.",
        DefaultValueFactory = _ => TextSplit.File,
    };

    internal static Option<string> SeparatorOption() => new("--separator")
    {
        Description = "The line that separates documents when --split Separator (fortune files: %).",
        DefaultValueFactory = _ => "%",
    };

    internal static Option<string> EncodingOption()
    {
        var o = new Option<string>("--encoding")
        {
            Description = "Encoding of the input files: utf-8 (default), gb18030, gbk, big5 or utf-16. A file that does not decode stops the run, naming it.",
            DefaultValueFactory = _ => "utf-8",
        };
        o.AcceptOnlyFromAmong(InputEncoding.Names);
        return o;
    }

    /// <summary>The documents, or a <see cref="UsageException"/> (exit 2) naming the inputs when they hold none;
    /// thrown while a writer is still uncommitted, so no empty output is left behind.</summary>
    internal static IEnumerable<Document> NonEmpty(IEnumerable<Document> docs, IReadOnlyList<string> inputs, ReadReport report, string option = "--input")
    {
        bool any = false;
        foreach (var d in docs) { any = true; yield return d; }
        if (!any)
            throw new UsageException($"{option} {string.Join(" ", inputs)}: no documents to read"
                + (report.Skipped > 0 ? $" ({report})" : " (the files are empty or hold only whitespace)"));
    }

    internal static void PrintSkipped(ReadReport report)
    {
        if (report.Skipped > 0) Console.Error.WriteLine("skipped: " + report);
    }
}
