using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data clean --input IN... --out OUT.jsonl [--nfkc] [--min-chars N] [--min-chars-cjk N] ... [--json]</c>:
/// strips markup and control characters, filters by length, character classes and repeated lines (every threshold an
/// option, see <see cref="CleaningFlags"/>), and prints what each filter removed and why, with samples, and what NFKC
/// changed, character by character.</summary>
static class DataCleanCommand
{
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var output = new Option<string>("--out", "-o") { Description = "Cleaned documents (JSONL).", Required = true };
        var flags = new CleaningFlags();
        var samples = new Option<int>("--samples") { Description = "Examples shown per filter.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var cmd = new Command("clean", "Strip markup and control characters; filter by length, character classes, repeated lines; report what was removed.")
        {
            input, split, separator, encoding, output, samples, json,
        };
        flags.AddTo(cmd);
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var inputs = p.GetValue(input)!;
            string outPath = OutputLocation.File(p.GetValue(output)!, "--out", inputs);
            var options = flags.Read(p);
            var cleaner = Cleaner.Default(options, p.GetValue(samples));
            var report = new ReadReport();
            var docs = CorpusReader.Read(inputs, p.GetValue(split), p.GetValue(separator)!, report, InputEncoding.Get(p.GetValue(encoding)!));
            JsonlWriter.WriteAll(outPath, cleaner.Clean(DataCommand.NonEmpty(docs, inputs, report)));
            DataCommand.PrintSkipped(report);
            var r = cleaner.Report;
            var nfkc = cleaner.Normalizer;
            if (p.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    documents_in = r.DocumentsIn, documents_out = r.DocumentsOut, chars_in = r.CharsIn, chars_out = r.CharsOut,
                    options,
                    skipped_files = new { binary = report.BinaryFiles, empty = report.EmptyFiles },
                    filters = r.Filters.Select(f => new
                    {
                        name = f.Name, seen = f.Seen, changed = f.Changed, removed = f.Removed, chars_removed = f.CharsRemoved, reasons = f.Reasons,
                        samples = f.Samples.Select(s => new { id = s.Id, reason = s.Reason, detail = s.Detail, before = s.Before, after = s.After }),
                    }),
                    nfkc_changes = nfkc?.Changes,
                }, DataCommand.Json));
            else
            {
                Console.Write(r.ToString());
                if (nfkc != null) Console.WriteLine(NfkcSummary(nfkc));
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>"nfkc changed 1,234 characters: ，->, 800, ：->: 120, ..." (the ten most frequent).</summary>
    internal static string NfkcSummary(UnicodeNormalizer nfkc) =>
        $"  nfkc changed {nfkc.CharactersChanged:N0} characters"
        + (nfkc.CharactersChanged == 0 ? "" : ": " + string.Join(", ", nfkc.TopChanges(10).Select(c => $"{c.Change} {c.Count:N0}"))
            + (nfkc.Changes.Count > 10 ? $", and {nfkc.Changes.Count - 10} other changes (--json lists all)" : ""));
}
