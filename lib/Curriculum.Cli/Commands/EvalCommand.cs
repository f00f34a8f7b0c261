using System.CommandLine;
using Curriculum.Data;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum eval --model DIR --file FILE|FOLDER</c>: a language model's held-out loss on text it did not train on
/// (GPT: next-token loss and perplexity; BERT: masked-LM loss over seeded masks), or a classifier's accuracy on
/// labelled examples. Text is read as the data commands read it and cleaned as the model's pre-training text was
/// (the cleaning its shards recorded), so the loss is measured on the kind of text the model learned. One JSON line on stdout.
/// </summary>
static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model folder from `curriculum pretrain` (GPT) or `curriculum finetune`.", Required = true };
        var file = new Option<string>("--file", "-f") { Description = "Language model: text (.txt, or .jsonl with \"text\"). Classifier: .jsonl with \"text\" and \"label\".", Required = true };
        var maxTokens = new Option<long>("--max-tokens") { Description = "Language model: score at most this many tokens.", DefaultValueFactory = _ => 200_000L };
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var seed = new Option<ulong>("--seed") { Description = "BERT: seed of the masks (the same seed scores the same masked tokens).", DefaultValueFactory = _ => 1UL };
        var raw = new Option<bool>("--raw") { Description = "Language model: score the text as it is, without the model's recorded cleaning." };
        var device = DeviceChoice.Option();
        var cmd = new Command("eval", "Score a model on held-out data: loss and perplexity of a GPT language model, accuracy of a classifier.\n"
            + "Example: curriculum eval --model runs/tiny --file held-out.txt");
        foreach (var o in new Option[] { model, file, maxTokens, split, separator, encoding, seed, raw, device }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var onDevice = DeviceChoice.Get(p.GetValue(device)!);
            var saved = ModelDirectory.Load(p.GetValue(model)!);
            string path = p.GetValue(file)!;
            if (saved.Kind is ModelKind.GptClassifier or ModelKind.BertClassifier)
            {
                var clf = SequenceClassifier.Load(saved);
                DeviceChoice.MoveTo(clf.Module, onDevice);
                var examples = clf.Encode(LabelledExamples.Read(path, InputEncoding.Get(p.GetValue(encoding)!)), path);
                double acc = clf.Accuracy(examples);
                Console.Error.WriteLine($"accuracy {acc:P2} on {examples.Count} examples of {path}");
                Console.WriteLine($"{{\"file\": {Quote(path)}, \"examples\": {examples.Count}, \"accuracy\": {acc:R}}}");
                return 0;
            }
            if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such file.");
            var report = new ReadReport();
            IEnumerable<Document> docs = DataCommand.NonEmpty(CorpusReader.Read([path], p.GetValue(split), p.GetValue(separator)!, report, InputEncoding.Get(p.GetValue(encoding)!)), [path], report, "--file");
            Cleaner? cleaner = saved.Cleaning is { } c && !p.GetValue(raw) ? Cleaner.Default(c) : null;
            if (cleaner != null) docs = cleaner.Clean(docs);
            var (loss, tokens) = saved.Kind == ModelKind.Gpt
                ? HeldOutLoss.Measure(DeviceChoice.MoveTo(ModelDirectory.LoadGpt(saved), onDevice), saved.Tokenizer, docs, p.GetValue(maxTokens))
                : HeldOutLoss.MeasureMasked(DeviceChoice.MoveTo(LoadBertForPreTraining(saved), onDevice), saved.Tokenizer, docs, p.GetValue(maxTokens), p.GetValue(seed));
            if (tokens == 0) throw new InvalidDataException($"{path}: no text to score" + (cleaner != null ? " after the model's cleaning (--raw scores it as it is)." : "."));
            string cleaning = cleaner == null ? (saved.Cleaning == null ? "no cleaning recorded with the model" : "raw text (--raw)")
                : $"cleaned as in pre-training: {cleaner.Report.DocumentsOut} of {cleaner.Report.DocumentsIn} documents kept" + (saved.Cleaning!.Nfkc ? ", NFKC" : "");
            string what = saved.Kind == ModelKind.Gpt ? "tokens" : "masked tokens";
            Console.Error.WriteLine($"loss {loss:F4} nats/token, perplexity {Math.Exp(loss):F2} over {tokens:N0} {what} of {path} ({cleaning})");
            Console.WriteLine($"{{\"file\": {Quote(path)}, \"objective\": \"{(saved.Kind == ModelKind.Gpt ? "causal_lm" : "mlm")}\", \"tokens\": {tokens}, \"loss\": {loss:R}, \"perplexity\": {Math.Exp(loss):R}, \"cleaned\": {(cleaner != null ? "true" : "false")}}}");
            return 0;
        }));
        return cmd;
    }

    static Models.BertForPreTraining LoadBertForPreTraining(SavedModel saved)
    {
        var bert = new Models.BertForPreTraining(saved.Bert!);
        bert.LoadStateDict(saved.State, saved.Directory);
        return bert;
    }

    static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
