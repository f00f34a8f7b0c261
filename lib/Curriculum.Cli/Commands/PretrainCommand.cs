using System.CommandLine;
using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Objectives;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum pretrain --config run.json [--resume] [--from MODEL]</c>: pre-trains a GPT (causal LM) or BERT (masked LM)
/// on token shards with the <see cref="Trainer{TBatch}"/>: the mixture and its schedule, the LR schedule, gradient
/// clipping, the precision policy (fp32, bf16 autocast, fp16 autocast with loss scaling), atomic checkpoints every
/// N steps with exact resume, held-out evaluation, a metrics log; then writes the model folder that finetune, eval
/// and generate read. <c>--from</c> continues pre-training a saved model
/// (domain-adaptive pre-training, Gururangan et al. 2020).
/// </summary>
static class PretrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config", "-c") { Description = "The run description (see samples/run.json and samples/README.md).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in the run's checkpoint folder (same config)." };
        var allowChanges = new Option<bool>("--allow-changes") { Description = "With --resume: continue although the LR schedule or step count differ from the checkpoint's run (a branch); each change is printed." };
        var from = new Option<string?>("--from") { Description = "Start from a saved model folder instead of random weights (continued, domain-adaptive pre-training)." };
        var device = DeviceChoice.Option();
        var cmd = new Command("pretrain", "Pre-train a GPT or BERT from scratch (or continue one) on token shards, as run.json describes.\n"
            + "Steps: tokenizer train -> data prepare --tokenizer -> pretrain -> finetune / eval / generate. Example: curriculum pretrain --config samples/run.json");
        foreach (var o in new Option[] { config, resume, allowChanges, from, device }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() => Run(p.GetValue(config)!, p.GetValue(resume), p.GetValue(allowChanges), p.GetValue(from), p.GetValue(device)!)));
        return cmd;
    }

    static int Run(string configPath, bool resume, bool allowChanges, string? fromPath, string deviceName)
    {
        var device = DeviceChoice.Get(deviceName);
        var saved = fromPath != null ? ModelDirectory.Load(fromPath) : null;
        var cfg = RunConfig.Load(configPath);
        if (saved != null)
        {
            if (saved.Kind is not (ModelKind.Gpt or ModelKind.Bert) || (saved.Kind == ModelKind.Gpt) != (cfg.ModelType == "gpt"))
                throw new UsageException($"--from {fromPath}: is a {saved.Kind} model; $.model.type in {configPath} is \"{cfg.ModelType}\".");
            int savedVocab = saved.Gpt?.VocabSize ?? saved.Bert!.VocabSize, vocab = cfg.Gpt?.VocabSize ?? cfg.Bert!.VocabSize;
            if (savedVocab != vocab)
                throw new UsageException($"--from {fromPath}: the model has {savedVocab} tokens, the run's tokenizer {vocab}; continue with the model's own tokenizer ({Path.Combine(saved.Directory, ModelDirectory.TokenizerFile)}).");
            if (TokenizerFingerprint.Of(saved.TokenizerPath) != TokenizerFingerprint.Of(cfg.Tokenizer))
                throw new UsageException($"--from {fromPath}: the model's tokenizer {saved.TokenizerPath} is not the run's {cfg.Tokenizer} ($.tokenizer in {configPath}); continue with the model's own tokenizer.");
            cfg = cfg with { Gpt = saved.Gpt, Bert = saved.Bert, SeqLen = Math.Min(cfg.SeqLen, saved.MaxPositions) };
        }
        OutputLocation.File(Path.Combine(OutputLocation.Folder(cfg.Out, $"{cfg.File}: $.out"), ModelDirectory.WeightsFile), $"{cfg.File}: $.out",
            saved != null ? [Path.Combine(saved.Directory, ModelDirectory.WeightsFile)] : []);   // --from a folder is not --out that folder
        OutputLocation.Folder(cfg.CheckpointDir, $"{cfg.File}: $.checkpoint.dir");
        var tokenizer = Tokenization.TokenizerJson.Load(cfg.Tokenizer);
        int vocabSize = cfg.Gpt?.VocabSize ?? cfg.Bert!.VocabSize;
        var streams = cfg.Sources.Select((s, i) => ShardStreams.Read(s.Shards, vocabSize, cfg.Tokenizer, $"{cfg.File}: $.data.sources[{i}].shards")).ToList();
        int[]? heldOut = cfg.HeldOut != null ? ShardStreams.Read(cfg.HeldOut, vocabSize, cfg.Tokenizer, $"{cfg.File}: $.data.held_out") : null;

        var init = new Generator(cfg.Seed);
        var windows = new TokenWindowSource(streams, cfg.BatchSize, cfg.SeqLen, cfg.Mixture, cfg.Seed, cfg.Sources.Select(s => s.Name).ToList());
        Module model;
        Objective<LmBatch> objective;
        IBatchSource<LmBatch> source;
        Func<double>? heldOutLoss = null;
        if (cfg.Gpt != null)
        {
            var gpt = new GptModel(cfg.Gpt, init);
            if (saved != null) gpt.LoadStateDict(saved.State, saved.Directory);
            DeviceChoice.MoveTo(gpt, device);
            double w = cfg.Objectives[0].Weight;
            objective = b => [new TaskLoss("causal_lm", gpt.Loss(b.Inputs, b.Targets), w)];
            source = windows;
            if (heldOut != null) heldOutLoss = () => HeldOutStreamLoss(gpt, (inputs, targets) => gpt.Loss(inputs, targets), heldOut, cfg.SeqLen);
            model = gpt;
        }
        else
        {
            var bert = new BertForPreTraining(cfg.Bert!, init);
            if (saved != null) bert.LoadStateDict(saved.State, saved.Directory);
            DeviceChoice.MoveTo(bert, device);
            int mask = tokenizer.TokenToId("[MASK]") ?? throw new ConfigException($"{cfg.File}: $.tokenizer: has no [MASK] token; BERT's masked LM needs a WordPiece tokenizer (`curriculum tokenizer train --type wordpiece`).");
            int pad = tokenizer.TokenToId("[PAD]") ?? 0;
            var specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" }.Select(tokenizer.TokenToId).OfType<int>().ToList();
            MaskedLmCollator Collator(ulong seed) => new(vocabSize, mask, pad, specials, seed);   // 15%: 80% [MASK], 10% random, 10% kept
            Tensor MlmLoss(IntTensor masked, IntTensor labels)
            {
                int n = masked.Numel;
                var logits = bert.MlmLogits(bert.Bert.Forward(masked));                        // (B,T,V)
                return F.CrossEntropy(logits.Reshape(n, vocabSize), labels.Reshape(n));
            }
            double w = cfg.Objectives[0].Weight;
            objective = b => [new TaskLoss("mlm", MlmLoss(b.Inputs, b.Targets), w)];
            source = new MaskedLmSource(windows, Collator(cfg.Seed));   // masks drawn with the data, saved with its position
            if (heldOut != null)
                heldOutLoss = () =>
                {
                    var masking = Collator(cfg.Seed + 1);
                    return HeldOutStreamLoss(bert, (inputs, _) =>                           // the same masks at every evaluation
                    {
                        var m = masking.Mask(inputs.Data);
                        return MlmLoss(new IntTensor(m.InputIds, 1, m.InputIds.Length), new IntTensor(m.Labels, 1, m.Labels.Length));
                    }, heldOut, cfg.SeqLen);
                };
            model = bert;
        }

        var optimizer = new AdamW(model.Parameters(), (float)cfg.Lr, (float)cfg.Beta1, (float)cfg.Beta2, 1e-8f, (float)cfg.WeightDecay);
        var store = new CheckpointStore(cfg.CheckpointDir, cfg.KeepCheckpoints);
        if (!resume && store.List().Count > 0)
            throw new UsageException($"{cfg.CheckpointDir} already holds checkpoints; pass --resume to continue that run, or set $.checkpoint.dir / $.out to a new folder.");
        var options = new TrainerOptions
        {
            TotalSteps = cfg.Steps,
            AccumulationSteps = cfg.Accumulation,
            MaxGradNorm = cfg.MaxGradNorm,
            Seed = cfg.Seed,
            DropoutGenerator = init,   // the models' dropout draws from it; re-seeded from (seed, step) so a resume draws the same masks
            MetricsPath = Path.Combine(cfg.Out, "metrics.jsonl"),
            LogEvery = 1,
            EvalEvery = cfg.EvalEvery,
            Evaluate = heldOutLoss != null ? () => new Dictionary<string, double> { ["held_out_loss"] = heldOutLoss() } : null,
            CheckpointEvery = cfg.CheckpointEvery,
            Checkpoints = store,
            Precision = cfg.Precision,
        };
        using var trainer = new Trainer<LmBatch>(model, objective, source, optimizer, cfg.Schedule, options);
        trainer.Reporters.Add(new ProgressLine(Console.Error, Math.Max(1, (int)(cfg.Steps / 50)), inPlace: !Console.IsErrorRedirected));
        Console.Error.WriteLine($"{cfg.ModelType} {model.NumParameters():N0} parameters; {cfg.Sources.Count} source(s), {streams.Sum(s => (long)s.Length):N0} tokens; "
            + $"{cfg.Steps} steps of {cfg.BatchSize * cfg.Accumulation}x{cfg.SeqLen} tokens; {cfg.Schedule.Describe()}; {cfg.Precision.Name}; device {device.Name}");
        if (resume)
        {
            var loaded = trainer.ResumeFromLatest();
            if (loaded != null) ResumeChanges.Check(loaded, cfg, allowChanges);
            Console.Error.WriteLine(loaded == null ? $"no checkpoint in {cfg.CheckpointDir}; starting at step 0" : $"resumed from {loaded.Path} at step {trainer.Step}");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double lastLoss = double.NaN;
        trainer.StepCompleted += m => lastLoss = m.Loss;
        using (var interrupt = new InterruptRequest("finishing the current step, then saving a checkpoint"))
        {
            try { trainer.Run(stop: interrupt.Token); }
            catch (TrainingDivergedException e)
            {
                Console.Error.WriteLine($"failed: {e.Message}");
                return 1;
            }
            catch (DeviceOutOfMemoryException e)
            {
                Console.Error.WriteLine("error: " + OutOfMemoryReport(e, configPath, cfg.BatchSize, cfg.SeqLen, store));
                return 2;
            }
            if (interrupt.Requested && trainer.Step < cfg.Steps) return Interrupted(trainer, store, $"--config {configPath}{(fromPath != null ? $" --from {fromPath}" : "")}{(device != Device.Cpu ? $" --device {device.Name}" : "")}");
        }
        if (store.List().LastOrDefault().Step != trainer.Step) trainer.SaveCheckpoint();
        ModelDirectory.Save(cfg.Out, cfg.Gpt != null ? ModelKind.Gpt : ModelKind.Bert, (object?)cfg.Gpt ?? cfg.Bert!, model.StateDict(), cfg.Tokenizer,
            cleaning: Data.TokenShards.ReadIndex(cfg.Sources[0].Shards).Cleaning ?? saved?.Cleaning);
        string evalText = "";
        if (heldOutLoss != null)
        {
            double h = heldOutLoss();   // in fp32, as `curriculum eval` scores the saved model
            evalText = $", held-out loss {h:F4} (perplexity {Math.Exp(h):F2})";
        }
        Console.WriteLine($"pretrain: {trainer.Step} steps, {trainer.Tokens:N0} tokens in {ProgressReport.Duration(clock.Elapsed.TotalSeconds)}; last training loss {lastLoss:F4}{evalText}; "
            + $"model saved to {cfg.Out} ({ModelDirectory.WeightsFile}, {ModelDirectory.TokenizerFile}), checkpoints in {cfg.CheckpointDir}, metrics in {options.MetricsPath}; {PeakMemory.Describe()}");
        return 0;
    }

    /// <summary>
    /// The device's message, this run's batch size and sequence length with their config fields, and the last checkpoint:
    /// checkpoints are written atomically (a temporary file renamed), so the one listed is whole.
    /// </summary>
    internal static string OutOfMemoryReport(DeviceOutOfMemoryException e, string configPath, int batchSize, int seqLen, CheckpointStore store)
    {
        var latest = store.List().LastOrDefault();
        string checkpoint = latest.Path != null
            ? $"The last checkpoint, {latest.Path} (step {latest.Step}), is intact; --resume continues from it."
            : $"No checkpoint was written yet (none in {store.Directory}).";
        return $"{e.Message} This run: batch size {batchSize} ($.training.batch_size), sequence length {seqLen} ($.training.seq_len) "
            + $"in {configPath}; a larger $.training.accumulation keeps the tokens per step. {checkpoint}";
    }

    // Stopped by Ctrl-C or SIGTERM between two steps: the run so far is saved as a checkpoint (atomically), the model
    // folder is left for the finished run to write.
    static int Interrupted(Trainer<LmBatch> trainer, CheckpointStore store, string arguments)
    {
        var latest = store.List().LastOrDefault();
        if (trainer.Step == 0)
        {
            Console.Error.WriteLine("interrupted before the first step; nothing to save.");
            return InterruptRequest.ExitCode;
        }
        string path = latest.Step == trainer.Step ? latest.Path : trainer.SaveCheckpoint();
        Console.Error.WriteLine($"interrupted at step {trainer.Step} of {trainer.Options.TotalSteps}; checkpoint saved to {path}.{Environment.NewLine}"
            + $"continue with: curriculum pretrain {arguments} --resume");
        return InterruptRequest.ExitCode;
    }

    /// <summary>Mean loss over consecutive windows of the held-out stream (at most 64), in eval mode without a graph.</summary>
    static double HeldOutStreamLoss(Module model, Func<IntTensor, IntTensor, Tensor> loss, int[] stream, int seqLen)
    {
        bool training = model.Training;
        model.Eval();
        double sum = 0;
        int n = 0;
        using (Autograd.NoGrad())
            for (int s = 0; s + seqLen + 1 <= stream.Length && n < 64; s += seqLen, n++)
                sum += loss(new IntTensor(stream[s..(s + seqLen)], 1, seqLen), new IntTensor(stream[(s + 1)..(s + seqLen + 1)], 1, seqLen)).Item();
        model.Train(training);
        return n == 0 ? double.NaN : sum / n;
    }
}
