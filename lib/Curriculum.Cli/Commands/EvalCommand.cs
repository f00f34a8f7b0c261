using System.CommandLine;
using Curriculum.Data;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum eval --model DIR --file FILE</c>: a GPT language model's held-out loss and perplexity on text it did
/// not train on, or a classifier's accuracy on labelled examples. One JSON line on stdout.
/// </summary>
static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model folder from `curriculum pretrain` (GPT) or `curriculum finetune`.", Required = true };
        var file = new Option<string>("--file", "-f") { Description = "Language model: text (.txt, or .jsonl with \"text\"). Classifier: .jsonl with \"text\" and \"label\".", Required = true };
        var maxTokens = new Option<long>("--max-tokens") { Description = "Language model: score at most this many tokens.", DefaultValueFactory = _ => 200_000L };
        var cmd = new Command("eval", "Score a model on held-out data: loss and perplexity of a GPT language model, accuracy of a classifier.\n"
            + "Example: curriculum eval --model runs/tiny --file held-out.txt");
        foreach (var o in new Option[] { model, file, maxTokens }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var saved = ModelDirectory.Load(p.GetValue(model)!);
            string path = p.GetValue(file)!;
            if (saved.Kind is ModelKind.GptClassifier or ModelKind.BertClassifier)
            {
                var clf = SequenceClassifier.Load(saved);
                var examples = clf.Encode(LabelledExamples.Read(path), path);
                double acc = clf.Accuracy(examples);
                Console.Error.WriteLine($"accuracy {acc:P2} on {examples.Count} examples of {path}");
                Console.WriteLine($"{{\"file\": {Quote(path)}, \"examples\": {examples.Count}, \"accuracy\": {acc:R}}}");
                return 0;
            }
            if (saved.Kind != ModelKind.Gpt)
                throw new UsageException($"--model {p.GetValue(model)}: a BERT language model is scored through a task: fine-tune it (`curriculum finetune`) and evaluate the classifier.");
            if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such file.");
            var gpt = ModelDirectory.LoadGpt(saved);
            var (loss, tokens) = HeldOutLoss.Measure(gpt, saved.Tokenizer, CorpusReader.Read(path), p.GetValue(maxTokens));
            if (tokens == 0) throw new InvalidDataException($"{path}: no text to score.");
            Console.Error.WriteLine($"loss {loss:F4} nats/token, perplexity {Math.Exp(loss):F2} over {tokens:N0} tokens of {path}");
            Console.WriteLine($"{{\"file\": {Quote(path)}, \"tokens\": {tokens}, \"loss\": {loss:R}, \"perplexity\": {Math.Exp(loss):R}}}");
            return 0;
        }));
        return cmd;
    }

    static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
