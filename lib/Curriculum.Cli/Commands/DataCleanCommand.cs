using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data clean --input IN... --out OUT.jsonl [--nfkc] [--min-chars N] [--json]</c>:
/// strips markup and control characters, filters by length, character classes and repeated lines,
/// and prints what each filter removed and why, with samples.</summary>
static class DataCleanCommand
{
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var output = new Option<string>("--out", "-o") { Description = "Cleaned documents (JSONL).", Required = true };
        var nfkc = new Option<bool>("--nfkc") { Description = "Also apply Unicode NFKC normalisation." };
        var minChars = new Option<int>("--min-chars") { Description = "Remove documents shorter than this.", DefaultValueFactory = _ => 20 };
        var maxChars = new Option<int>("--max-chars") { Description = "Remove documents longer than this.", DefaultValueFactory = _ => 100_000 };
        var samples = new Option<int>("--samples") { Description = "Examples shown per filter.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var cmd = new Command("clean", "Strip markup and control characters; filter by length, character classes, repeated lines; report what was removed.")
        {
            input, split, separator, output, nfkc, minChars, maxChars, samples, json,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var report = new ReadReport();
            var cleaner = Cleaner.Default(p.GetValue(nfkc), p.GetValue(minChars), p.GetValue(maxChars), p.GetValue(samples));
            var docs = CorpusReader.Read(p.GetValue(input)!, p.GetValue(split), p.GetValue(separator)!, report);
            JsonlWriter.WriteAll(p.GetValue(output)!, cleaner.Clean(docs));
            DataCommand.PrintSkipped(report);
            var r = cleaner.Report;
            if (p.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    documents_in = r.DocumentsIn, documents_out = r.DocumentsOut, chars_in = r.CharsIn, chars_out = r.CharsOut,
                    skipped_files = new { binary = report.BinaryFiles, not_utf8 = report.NonUtf8Files, empty = report.EmptyFiles },
                    filters = r.Filters.Select(f => new
                    {
                        name = f.Name, seen = f.Seen, changed = f.Changed, removed = f.Removed, chars_removed = f.CharsRemoved, reasons = f.Reasons,
                        samples = f.Samples.Select(s => new { id = s.Id, reason = s.Reason, detail = s.Detail, before = s.Before, after = s.After }),
                    }),
                }, DataCommand.Json));
            else Console.Write(r.ToString());
            return 0;
        }));
        return cmd;
    }
}
