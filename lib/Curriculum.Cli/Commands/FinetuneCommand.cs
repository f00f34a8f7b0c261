using System.CommandLine;
using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum finetune --task classification --train FILE --test FILE --from MODEL --out DIR [--freeze N | --lora R | --prompt-tokens K | --probe | --from-scratch]</c>:
/// a new classification head on a pre-trained GPT or BERT, trained in full or with one adaptation method (or the same
/// architecture from random weights, the baseline that measures pre-training's gain); prints
/// test accuracy per epoch and writes a classifier folder (LoRA merged into the weights) that `curriculum eval` reads.
/// </summary>
static class FinetuneCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "What to fine-tune for. Only 'classification': JSON lines {\"text\": ..., \"label\": ...}.", DefaultValueFactory = _ => "classification" };
        task.AcceptOnlyFromAmong("classification");
        var train = new Option<string>("--train") { Description = "Labelled training examples (.jsonl, one {\"text\", \"label\"} object per line).", Required = true };
        var test = new Option<string>("--test") { Description = "Labelled held-out examples, scored after every epoch.", Required = true };
        var from = new Option<string>("--from") { Description = "The pre-trained model folder (written by `curriculum pretrain`).", Required = true };
        var fromScratch = new Option<bool>("--from-scratch") { Description = "Same architecture and tokenizer as --from, random weights: the baseline that shows what pre-training gained." };
        var encoding = DataCommand.EncodingOption();
        var output = new Option<string>("--out", "-o") { Description = "Folder for the fine-tuned classifier (model.safetensors + tokenizer.json).", Required = true };
        var freeze = new Option<int?>("--freeze") { Description = "Freeze the embeddings and the lowest N Transformer blocks; train the rest and the head." };
        var lora = new Option<int?>("--lora") { Description = "LoRA of rank R on the attention projections (qkv, proj); train only the adapters and the head." };
        var loraAlpha = new Option<float?>("--lora-alpha") { Description = "LoRA's alpha (the update is scaled by alpha/R). Default: 2R." };
        var prompt = new Option<int?>("--prompt-tokens") { Description = "Prompt tuning (GPT): K trainable vectors in front of the input; the model frozen, the prompt and the head trained." };
        var probe = new Option<bool>("--probe") { Description = "Linear probe: the whole model frozen, only the head trained." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training examples.", DefaultValueFactory = _ => 3 };
        var lr = new Option<float?>("--lr") { Description = "Peak learning rate. Default by method: full/freeze 3e-4 (smaller than pre-training's), LoRA 2e-3, prompt and probe 1e-2." };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => 16 };
        var limit = new Option<int?>("--limit") { Description = "Use N training examples drawn at random (seeded): a few-shot run." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the head, adapters, prompt and example order.", DefaultValueFactory = _ => 1UL };
        var device = DeviceChoice.Option();
        var cmd = new Command("finetune", "Fine-tune a pre-trained model on a labelled task: a new head, in full or with frozen layers, LoRA, a soft prompt or a linear probe.\n"
            + "Example: curriculum finetune --train spam-train.jsonl --test spam-test.jsonl --from runs/tiny --out runs/tiny-spam --lora 8");
        foreach (var o in new Option[] { task, train, test, from, fromScratch, encoding, output, freeze, lora, loraAlpha, prompt, probe, epochs, lr, batch, limit, seed, device }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            int methods = (p.GetValue(freeze) != null ? 1 : 0) + (p.GetValue(lora) != null ? 1 : 0) + (p.GetValue(prompt) != null ? 1 : 0) + (p.GetValue(probe) ? 1 : 0);
            if (methods > 1) throw new UsageException("give at most one of --freeze, --lora, --prompt-tokens, --probe.");
            if (p.GetValue(fromScratch) && methods > 0) throw new UsageException("--from-scratch trains every weight; it cannot be combined with --freeze, --lora, --prompt-tokens or --probe.");
            if (p.GetValue(epochs) < 1) throw new UsageException("--epochs must be at least 1.");
            if (p.GetValue(batch) < 1) throw new UsageException("--batch-size must be at least 1.");
            var onDevice = DeviceChoice.Get(p.GetValue(device)!);
            string trainPath = p.GetValue(train)!, testPath = p.GetValue(test)!;
            string outDir = OutputLocation.Folder(p.GetValue(output)!, "--out");
            if (Path.GetFullPath(p.GetValue(from)!) == outDir) throw new UsageException($"--out {p.GetValue(output)}: is the --from model; write the classifier to another folder.");
            bool scratch = p.GetValue(fromScratch);
            var lm = ModelDirectory.Load(p.GetValue(from)!);
            if (lm.Kind is not (ModelKind.Gpt or ModelKind.Bert))
                throw new UsageException($"--from {p.GetValue(from)}: is already a classifier ({lm.Kind}); fine-tune a pre-trained language model (from `curriculum pretrain`).");
            var textEncoding = Data.InputEncoding.Get(p.GetValue(encoding)!);
            var trainRows = LabelledExamples.Read(trainPath, textEncoding);
            var testRows = LabelledExamples.Read(testPath, textEncoding);
            var gen = new Generator(p.GetValue(seed));
            if (p.GetValue(limit) is int n)
            {
                if (n < 2) throw new UsageException("--limit must be at least 2.");
                var pick = Enumerable.Range(0, trainRows.Count).ToArray();
                for (int i = pick.Length - 1; i > 0; i--) { int j = gen.NextInt(i + 1); (pick[i], pick[j]) = (pick[j], pick[i]); }
                trainRows = pick.Take(n).Select(i => trainRows[i]).ToList();
            }
            var labels = trainRows.Select(r => r.Label).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
            if (labels.Length < 2) throw new UsageException($"{p.GetValue(train)}: the training examples have only one label ({labels[0]}); a classifier needs at least two.");

            int promptTokens = p.GetValue(prompt) ?? 0;
            if (promptTokens < 0 || (p.GetValue(prompt) != null && promptTokens < 1)) throw new UsageException("--prompt-tokens must be at least 1.");
            if (promptTokens > 0 && !lm.IsGpt) throw new UsageException("--prompt-tokens: prompt tuning is implemented for GPT models; for BERT use --lora, --freeze or --probe.");
            if (promptTokens >= lm.MaxPositions) throw new UsageException($"--prompt-tokens {promptTokens} leaves no room in the model's {lm.MaxPositions} positions.");
            var clf = SequenceClassifier.New(lm, labels, promptTokens, gen, scratch);
            string method = scratch ? "from scratch (random weights)" : "full fine-tuning";
            float defaultLr = 3e-4f;
            if (p.GetValue(freeze) is int f)
            {
                int layers = clf.Gpt?.Blocks.Count ?? clf.Bert!.Blocks.Count;
                if (f < 0 || f > layers) throw new UsageException($"--freeze {f}: the model has {layers} blocks; give 0..{layers}.");
                if (clf.Gpt != null) LayerFreezing.FreezeLowerLayers(clf.Gpt, f); else LayerFreezing.FreezeLowerLayers(clf.Bert!, f);
                method = $"lower {f} of {layers} blocks frozen";
            }
            else if (p.GetValue(lora) is int r)
            {
                if (r < 1) throw new UsageException("--lora: the rank must be at least 1.");
                float alpha = p.GetValue(loraAlpha) ?? 2f * r;
                Lora.Apply(clf.Module, new LoraConfig(r, alpha, LoraConfig.AttentionTargets) { Trainable = [clf.HeadName] }, gen);
                method = $"LoRA r={r} alpha={alpha} on qkv, proj";
                defaultLr = 2e-3f;
            }
            else if (promptTokens > 0)
            {
                FineTuning.Freeze(clf.Gpt!);
                var tuned = (GptForSequenceClassification)clf.Module;
                var ids = new int[promptTokens];
                for (int i = 0; i < ids.Length; i++) ids[i] = gen.NextInt(lm.Gpt!.VocabSize);
                tuned.Prompt!.InitFromTokens(tuned.Gpt.Tok.Weight, ids);        // Lester et al.: start from vocabulary embeddings
                method = $"prompt tuning, {promptTokens} prompt tokens";
                defaultLr = 1e-2f;
            }
            else if (p.GetValue(probe))
            {
                FineTuning.Freeze(clf.Gpt != null ? clf.Gpt : clf.Bert!);
                method = "linear probe";
                defaultLr = 1e-2f;
            }

            DeviceChoice.MoveTo(clf.Module, onDevice);   // after the adapters, prompt and head exist, so they move too
            var trainSet = clf.Encode(trainRows, trainPath);
            var testSet = clf.Encode(testRows, testPath);
            var trainable = FineTuning.TrainableParameters(clf.Module);
            long trainableCount = trainable.Sum(t => (long)t.Numel), total = clf.Module.NumParameters();
            Console.Error.WriteLine($"{method}: {trainableCount:N0} of {total:N0} parameters trainable ({100.0 * trainableCount / total:F2}%); {trainSet.Count} training, {testSet.Count} test examples; labels {string.Join(", ", labels)}");

            int bs = p.GetValue(batch), perEpoch = (trainSet.Count + bs - 1) / bs, steps = perEpoch * p.GetValue(epochs);
            float peak = p.GetValue(lr) ?? defaultLr;
            var schedule = new WarmupCosineDecaySchedule(peak, Math.Max(1, steps / 10), steps, peak / 10);
            var opt = new AdamW(trainable, lr: peak, weightDecay: 0.01f);
            var progress = new ProgressReport("finetune", steps);
            double lastAcc = double.NaN, lossSum = 0;
            int step = 0, lossCount = 0;
            for (int epoch = 1; epoch <= p.GetValue(epochs); epoch++)
            {
                var order = Enumerable.Range(0, trainSet.Count).ToArray();
                for (int i = order.Length - 1; i > 0; i--) { int j = gen.NextInt(i + 1); (order[i], order[j]) = (order[j], order[i]); }
                clf.Module.Train();
                for (int s = 0; s < order.Length; s += bs, step++)
                {
                    foreach (var g in opt.ParamGroups) g.Lr = (float)schedule.LearningRate(step);
                    var (logits, y) = clf.Forward(trainSet, order, s, Math.Min(bs, order.Length - s));
                    var loss = F.CrossEntropy(logits, new IntTensor(y, y.Length));
                    opt.ZeroGrad();
                    loss.Backward();
                    GradientClipping.ClipGradNorm(trainable, 1.0f);
                    opt.Step();
                    lossSum += loss.Item(); lossCount++;
                    // The step's graph (activations and attention maps of B x T tokens, mostly large-object-heap arrays) is
                    // garbage now; the runtime would let it pile up for many steps (1.7 GB for a 0.7M-parameter model).
                    // The live set is the model and the examples, so a full collection here is cheap.
                    GC.Collect();
                    progress.Update(step + 1, $"epoch {epoch} loss {lossSum / lossCount:F4}");
                }
                lastAcc = clf.Accuracy(testSet);
                Console.Error.WriteLine($"epoch {epoch}: train loss {lossSum / lossCount:F4}, test accuracy {lastAcc:P1}");
                lossSum = 0; lossCount = 0;
            }
            DeviceChoice.MoveTo(clf.Module, Device.Cpu);   // adapters are merged and weights written on the host
            ModelDirectory.Save(outDir, lm.IsGpt ? ModelKind.GptClassifier : ModelKind.BertClassifier, lm.IsGpt ? lm.Gpt! : lm.Bert!,
                Lora.MergedStateDict(clf.Module), lm.TokenizerPath, labels, promptTokens, lm.Cleaning);
            Console.WriteLine($"{method}: test accuracy {lastAcc:P1} on {testSet.Count} examples; {trainableCount:N0} trainable parameters ({100.0 * trainableCount / total:F2}%); {steps} steps in {ProgressReport.Duration(progress.ElapsedSeconds)}; saved {outDir}; {PeakMemory.Describe()}");
            return 0;
        }));
        return cmd;
    }
}
