using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data decontaminate --input TRAIN... --eval TEST... --out OUT.jsonl [--unit auto|char|word] [--n N] [--flag] [--json]</c>:
/// removes (or, with --flag, keeps and lists) training documents sharing an n-gram with the evaluation texts, or
/// containing a short evaluation text whole. The unit follows the evaluation texts' script unless given
/// (<see cref="NgramSettings"/>: 8 characters for Chinese, 13 words otherwise), and the output says which and why.</summary>
static class DataDecontaminateCommand
{
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var eval = new Option<string[]>("--eval") { Description = "Evaluation texts (JSONL or plain text) to keep out of training.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out", "-o") { Description = "Training documents after decontamination (JSONL).", Required = true };
        var unit = new Option<string>("--unit") { Description = "What n counts: char (scripts without spaces: Chinese, Japanese), word, or auto (char when most evaluation letters are CJK).", DefaultValueFactory = _ => "auto" };
        unit.AcceptOnlyFromAmong("auto", "char", "word");
        var n = new Option<int?>("--n") { Description = $"Units per n-gram. Default: {NgramSettings.DefaultCharN} characters or {NgramSettings.DefaultWordN} words (GPT-3's 13-grams)." };
        var minContained = new Option<int?>("--min-contained") { Description = "Evaluation texts shorter than n but at least this long are searched for whole. Default n/2 + 1." };
        var minMatches = new Option<int>("--min-matches") { Description = "Distinct shared n-grams needed to count a document as contaminated.", DefaultValueFactory = _ => 1 };
        var maxEvalDocs = new Option<int?>("--ignore-common") { Description = "Ignore n-grams found in more than this many evaluation documents (boilerplate)." };
        var flag = new Option<bool>("--flag") { Description = "Keep contaminated documents and list them instead of removing them." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var cmd = new Command("decontaminate", "Remove or flag training documents that share n-grams with evaluation texts (characters for Chinese, words otherwise) or contain a short one whole.")
        {
            input, split, separator, encoding, eval, output, unit, n, minContained, minMatches, maxEvalDocs, flag, json,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var inputs = p.GetValue(input)!;
            var evalPaths = p.GetValue(eval)!;
            string outPath = OutputLocation.File(p.GetValue(output)!, "--out", inputs, evalPaths);
            var textEncoding = InputEncoding.Get(p.GetValue(encoding)!);
            var evalReport = new ReadReport();
            var evalDocs = DataCommand.NonEmpty(CorpusReader.Read(evalPaths, p.GetValue(split), p.GetValue(separator)!, evalReport, textEncoding), evalPaths, evalReport, "--eval").ToList();
            NgramUnit? chosenUnit = p.GetValue(unit) switch { "char" => NgramUnit.Char, "word" => NgramUnit.Word, _ => null };
            var settings = NgramSettings.Choose(evalDocs, chosenUnit, p.GetValue(n));
            var index = new NgramIndex(settings, p.GetValue(minContained));
            index.AddRange(evalDocs);
            int pruned = p.GetValue(maxEvalDocs) is int m ? index.PruneCommon(m) : 0;
            var action = p.GetValue(flag) ? ContaminationAction.Flag : ContaminationAction.Remove;
            var decon = new Decontaminator(index, action, p.GetValue(minMatches));
            var report = new ReadReport();
            var train = DataCommand.NonEmpty(CorpusReader.Read(inputs, p.GetValue(split), p.GetValue(separator)!, report, textEncoding), inputs, report);
            long written = JsonlWriter.WriteAll(outPath, decon.Filter(train));
            DataCommand.PrintSkipped(report);
            var r = decon.Report;
            string unitName = settings.Unit == NgramUnit.Char ? "characters" : "words";
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    unit = settings.Unit.ToString().ToLowerInvariant(), n = index.N, unit_choice = settings.Why, min_contained = index.MinContained,
                    eval_documents = index.Documents, eval_contained_whole = index.Contained, eval_too_short = index.TooShort, eval_ngrams = index.Count, ngrams_ignored_as_common = pruned,
                    @checked = r.Checked, contaminated = r.Contaminated, removed = r.Removed, flagged = r.Flagged, written,
                    eval_documents_hit = r.EvalDocumentsHit.Count,
                    hits = r.Hits.Select(h => new { id = h.TrainingId, matched_ngrams = h.MatchedNgrams, eval_id = h.EvalId }),
                }, DataCommand.Json));
                return 0;
            }
            Console.WriteLine($"n-grams of {index.N} {unitName}: {settings.Why}");
            Console.WriteLine($"index: {index.Documents} evaluation documents, {index.Count} distinct {settings.Label}-grams; {index.Contained} shorter than {index.N} {unitName} searched for whole, "
                + $"{index.TooShort} shorter than {index.MinContained} not indexed; {pruned} common n-grams ignored");
            Console.WriteLine(r.ToString() + $"; {written} written");
            foreach (var h in r.Hits.OrderByDescending(h => h.MatchedNgrams).Take(10))
                Console.WriteLine($"  {h.TrainingId}: {h.MatchedNgrams} shared {settings.Label}-grams, e.g. with {h.EvalId}");
            return 0;
        }));
        return cmd;
    }
}
