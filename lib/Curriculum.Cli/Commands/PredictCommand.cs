using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum predict --model DIR --input FILE... [--out FILE]</c>: labels new texts with a classifier from
/// `curriculum finetune`. Reads files, folders and .jsonl (the "text" field) as the data commands do; writes one JSON
/// line per text, <c>{"id", "label", "probability", "probabilities": {label: p, ...}}</c>, to --out (written whole or
/// not at all) or stdout. NFKC is applied first when the model's pre-training text was normalised.
/// </summary>
static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A classifier folder from `curriculum finetune`.", Required = true };
        var input = DataCommand.InputOption();
        input.Description = "Texts to label: .jsonl ({\"id\", \"text\"} per line), plain text files (one document per --split unit) or folders.";
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var output = new Option<string?>("--out", "-o") { Description = "JSONL file for the predictions (default: stdout)." };
        var cmd = new Command("predict", "Label new texts with a fine-tuned classifier: one JSON line per text with the label and every label's probability.\n"
            + "Example: curriculum predict --model runs/tiny-spam --input new-mail.jsonl --out predictions.jsonl");
        foreach (var o in new Option[] { model, input, split, separator, encoding, output }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var inputs = p.GetValue(input)!;
            string? outPath = p.GetValue(output) is { } o ? OutputLocation.File(o, "--out", inputs) : null;
            var saved = ModelDirectory.Load(p.GetValue(model)!);
            if (saved.Kind is not (ModelKind.GptClassifier or ModelKind.BertClassifier))
                throw new UsageException($"--model {p.GetValue(model)}: is a {saved.Kind} language model; predict needs a classifier from `curriculum finetune`.");
            var report = new ReadReport();
            var docs = DataCommand.NonEmpty(CorpusReader.Read(inputs, p.GetValue(split), p.GetValue(separator)!, report, InputEncoding.Get(p.GetValue(encoding)!)), inputs, report).ToList();
            DataCommand.PrintSkipped(report);
            bool nfkc = saved.Cleaning?.Nfkc == true;
            var clf = SequenceClassifier.Load(saved);
            var probs = clf.Probabilities(clf.EncodeUnlabelled(docs.Select(d => nfkc ? Nfkc.Normalize(d.Text) : d.Text), string.Join(" ", inputs)));

            if (outPath == null)
            {
                using var stdout = Console.OpenStandardOutput();
                Write(stdout, docs, probs, clf.Labels);
                return 0;
            }
            string temp = Path.Combine(Path.GetDirectoryName(outPath)!, $".{Path.GetFileName(outPath)}.{Environment.ProcessId}.tmp");
            try
            {
                using (var stream = File.Create(temp)) Write(stream, docs, probs, clf.Labels);
                File.Move(temp, outPath, overwrite: true);
            }
            finally { File.Delete(temp); }           // no partial predictions file
            Console.Error.WriteLine($"{docs.Count} predictions ({string.Join(", ", clf.Labels.Select((l, c) => $"{l} {probs.Count(pr => Array.IndexOf(pr, pr.Max()) == c)}"))}) written to {outPath}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>One JSON line per document: id, the most probable label, its probability, every label's.</summary>
    static void Write(Stream stream, List<Document> docs, float[][] probs, string[] labels)
    {
        for (int i = 0; i < docs.Count; i++)
        {
            int best = 0;
            for (int c = 1; c < probs[i].Length; c++) if (probs[i][c] > probs[i][best]) best = c;
            var line = new
            {
                id = docs[i].Id,
                label = labels[best],
                probability = Math.Round(probs[i][best], 6),
                probabilities = labels.Select((l, c) => (l, c)).ToDictionary(x => x.l, x => Math.Round(probs[i][x.c], 6)),
            };
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(line, DataCommand.Json));
            stream.WriteByte((byte)'\n');
        }
    }
}
