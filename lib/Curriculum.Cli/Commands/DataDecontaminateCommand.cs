using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data decontaminate --input TRAIN... --eval TEST... --out OUT.jsonl [--n 13] [--flag] [--json]</c>:
/// removes (or, with --flag, keeps and lists) training documents sharing an n-gram with the evaluation texts.</summary>
static class DataDecontaminateCommand
{
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var eval = new Option<string[]>("--eval") { Description = "Evaluation texts (JSONL or plain text) to keep out of training.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out", "-o") { Description = "Training documents after decontamination (JSONL).", Required = true };
        var n = new Option<int>("--n") { Description = "Words per n-gram (GPT-3 used 13).", DefaultValueFactory = _ => 13 };
        var minMatches = new Option<int>("--min-matches") { Description = "Distinct shared n-grams needed to count a document as contaminated.", DefaultValueFactory = _ => 1 };
        var maxEvalDocs = new Option<int?>("--ignore-common") { Description = "Ignore n-grams found in more than this many evaluation documents (boilerplate)." };
        var flag = new Option<bool>("--flag") { Description = "Keep contaminated documents and list them instead of removing them." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var cmd = new Command("decontaminate", "Remove or flag training documents that share n-grams with evaluation texts.")
        {
            input, split, separator, eval, output, n, minMatches, maxEvalDocs, flag, json,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var index = new NgramIndex(p.GetValue(n));
            index.AddRange(CorpusReader.Read(p.GetValue(eval)!, p.GetValue(split), p.GetValue(separator)!));
            int pruned = p.GetValue(maxEvalDocs) is int m ? index.PruneCommon(m) : 0;
            var action = p.GetValue(flag) ? ContaminationAction.Flag : ContaminationAction.Remove;
            var decon = new Decontaminator(index, action, p.GetValue(minMatches));
            var report = new ReadReport();
            long written = JsonlWriter.WriteAll(p.GetValue(output)!, decon.Filter(CorpusReader.Read(p.GetValue(input)!, p.GetValue(split), p.GetValue(separator)!, report)));
            DataCommand.PrintSkipped(report);
            var r = decon.Report;
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    n = index.N, eval_documents = index.Documents, eval_too_short = index.TooShort, eval_ngrams = index.Count, ngrams_ignored_as_common = pruned,
                    @checked = r.Checked, contaminated = r.Contaminated, removed = r.Removed, flagged = r.Flagged, written,
                    eval_documents_hit = r.EvalDocumentsHit.Count,
                    hits = r.Hits.Select(h => new { id = h.TrainingId, matched_ngrams = h.MatchedNgrams, eval_id = h.EvalId }),
                }, DataCommand.Json));
                return 0;
            }
            Console.WriteLine($"index: {index.Documents} evaluation documents, {index.Count} distinct {index.N}-grams ({index.TooShort} shorter than {index.N} words not indexed, {pruned} common n-grams ignored)");
            Console.WriteLine(r.ToString() + $"; {written} written");
            foreach (var h in r.Hits.OrderByDescending(h => h.MatchedNgrams).Take(10))
                Console.WriteLine($"  {h.TrainingId}: {h.MatchedNgrams} shared {index.N}-grams, e.g. with {h.EvalId}");
            return 0;
        }));
        return cmd;
    }
}
