using Curriculum.Data;
using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Precision;

namespace Curriculum.Cli;

/// <summary>One data source of a pre-training run: a folder of token shards from `curriculum data prepare`, and its mixture weight.</summary>
sealed record RunSource(string Name, string Shards, double Weight);

/// <summary>
/// A pre-training run as run.json describes it (see samples/run.json): model, tokenizer, data sources and mixture
/// schedule, objectives and their weights, batch, budget, optimiser, LR schedule, precision, checkpoints, evaluation.
/// Every field is checked on load; an error names the file and the JSON path.
/// </summary>
sealed record RunConfig(
    string File,
    string ModelType, GptConfig? Gpt, BertConfig? Bert,
    string Tokenizer,
    IReadOnlyList<RunSource> Sources, MixtureSchedule Mixture, string? HeldOut,
    IReadOnlyList<(string Name, double Weight)> Objectives,
    int BatchSize, int SeqLen, long Steps, int Accumulation, double? MaxGradNorm, ulong Seed,
    double Lr, double WeightDecay, double Beta1, double Beta2,
    ILearningRateSchedule Schedule,
    PrecisionPolicy Precision,
    string CheckpointDir, int CheckpointEvery, int KeepCheckpoints,
    int EvalEvery, string Out)
{
    static readonly string[] Sizes = ["nano", "tiny", "small", "base"];

    public static RunConfig Load(string file, int? vocabSizeOverride = null)
    {
        var root = ConfigReader.Load(file);
        root.RejectUnknown("model", "tokenizer", "data", "objectives", "training", "optimizer", "lr_schedule", "precision", "checkpoint", "eval_every", "out");

        var model = root.Object("model");
        model.RejectUnknown("type", "size", "context", "dropout");
        string type = model.String("type", null, "gpt", "bert");
        string size = model.String("size", "nano", Sizes);
        string tokenizer = root.FilePath("tokenizer");
        if (!System.IO.File.Exists(tokenizer)) throw root.Error("tokenizer", $"{tokenizer}: no such file; expected a tokenizer.json from `curriculum tokenizer train`.");
        int vocab = vocabSizeOverride ?? Tokenization.TokenizerJson.Load(tokenizer).VocabularySize;
        GptConfig? gpt = null;
        BertConfig? bert = null;
        if (type == "gpt")
        {
            var c = GptConfig.Named(size);
            gpt = c with { VocabSize = vocab, MaxPositions = (int)model.Integer("context", c.MaxPositions, 2, 4096), Dropout = (float)model.Number("dropout", 0, 0, 0.9) };
        }
        else
        {
            var c = BertConfig.Named(size);
            bert = c with { VocabSize = vocab, MaxPositions = (int)model.Integer("context", c.MaxPositions, 2, 4096), Dropout = (float)model.Number("dropout", 0, 0, 0.9) };
        }
        int context = gpt?.MaxPositions ?? bert!.MaxPositions;

        var data = root.Object("data");
        data.RejectUnknown("sources", "schedule", "held_out");
        var sources = new List<RunSource>();
        foreach (var s in data.Objects("sources"))
        {
            s.RejectUnknown("name", "shards", "weight");
            string dir = s.FilePath("shards");
            if (!Directory.Exists(dir) || !System.IO.File.Exists(Path.Combine(dir, TokenShards.IndexFile)))
                throw s.Error("shards", $"{dir}: no {TokenShards.IndexFile} there; expected a folder written by `curriculum data prepare --tokenizer ...`.");
            sources.Add(new RunSource(s.String("name", Path.GetFileName(dir)), dir, s.Number("weight", 1, 0, double.PositiveInfinity, exclusiveMin: true)));
        }
        var phases = new List<MixturePhase> { new(0, sources.Select(s => s.Weight).ToArray()) };
        if (data.Has("schedule"))
        {
            double last = 0;
            foreach (var ph in data.Objects("schedule"))
            {
                ph.RejectUnknown("start", "weights");
                double start = ph.Number("start", null, 0, 1);
                if (start <= last) throw ph.Error("start", $"expected phases in increasing order after {last} (the base weights hold from 0).");
                last = start;
                phases.Add(new MixturePhase(start, ph.Numbers("weights", sources.Count)));
            }
        }
        string? heldOut = data.Has("held_out") ? data.FilePath("held_out") : null;
        if (heldOut != null && !System.IO.File.Exists(Path.Combine(heldOut, TokenShards.IndexFile)))
            throw data.Error("held_out", $"{heldOut}: no {TokenShards.IndexFile} there; expected a shard folder from `curriculum data prepare`.");

        var objectives = new List<(string, double)>();
        string[] allowed = type == "gpt" ? ["causal_lm"] : ["mlm", "nsp"];
        var objs = root.Objects("objectives");
        for (int i = 0; i < objs.Count; i++)
        {
            objs[i].RejectUnknown("name", "weight");
            string name = objs[i].String("name", null, allowed);
            if (name == "nsp")
                throw objs[i].Error("name", "\"nsp\" needs sentence pairs, which token shards do not keep; pre-train BERT with \"mlm\" alone (RoBERTa, Liu et al. 2019, found NSP unnecessary).");
            objectives.Add((name, objs[i].Number("weight", 1, 0, double.PositiveInfinity, exclusiveMin: true)));
        }

        var training = root.Object("training");
        training.RejectUnknown("batch_size", "seq_len", "steps", "tokens", "accumulation", "max_grad_norm", "seed");
        int batch = (int)training.Integer("batch_size", 8, 1, 4096);
        int seqLen = (int)training.Integer("seq_len", context, 2, context);
        int accumulation = (int)training.Integer("accumulation", 1, 1, 1024);
        if (training.Has("steps") == training.Has("tokens")) throw training.Error("steps", "give exactly one of \"steps\" or \"tokens\" (the training budget).");
        long steps = training.Has("steps") ? training.Integer("steps", null, 1)
            : Math.Max(1, training.Integer("tokens", null, 1) / ((long)batch * seqLen * accumulation));
        double? clip = training.Has("max_grad_norm") ? training.Number("max_grad_norm", null, 0, double.PositiveInfinity, exclusiveMin: true) : 1.0;
        ulong seed = (ulong)training.Integer("seed", 1, 0);

        var opt = root.OptionalObject("optimizer");
        opt?.RejectUnknown("lr", "weight_decay", "beta1", "beta2");
        double lr = opt?.Number("lr", 1e-3, 0, 10, exclusiveMin: true) ?? 1e-3;
        double wd = opt?.Number("weight_decay", 0.1, 0, 10) ?? 0.1;
        double b1 = opt?.Number("beta1", 0.9, 0, 1) ?? 0.9, b2 = opt?.Number("beta2", 0.95, 0, 1) ?? 0.95;

        var sch = root.OptionalObject("lr_schedule");
        sch?.RejectUnknown("type", "warmup_steps", "min_lr", "decay_fraction");
        string kind = sch?.String("type", "cosine", "cosine", "linear", "wsd", "constant") ?? "cosine";
        long warmup = sch?.Integer("warmup_steps", Math.Min(100, steps / 10), 0, steps) ?? Math.Min(100, steps / 10);
        double minLr = sch?.Number("min_lr", lr / 10, 0, lr) ?? lr / 10;
        ILearningRateSchedule schedule = kind switch
        {
            "constant" => new ConstantSchedule(lr),
            "linear" => new WarmupLinearDecaySchedule(lr, warmup, steps, minLr),
            "wsd" => Wsd(sch!, lr, warmup, steps, minLr),
            _ => new WarmupCosineDecaySchedule(lr, warmup, steps, minLr),
        };

        // 16-bit is emulated: tensors stay float32 and each op rounds its values to the format (numerics, not speed).
        var precision = root.String("precision", "fp32", "fp32", "bf16", "fp16") switch
        {
            "bf16" => PrecisionPolicy.Bf16Autocast,   // no loss scaling: bf16 has fp32's range
            "fp16" => PrecisionPolicy.Fp16Autocast,   // the trainer adds a GradScaler (PyTorch's defaults)
            _ => PrecisionPolicy.Fp32,
        };

        var ck = root.OptionalObject("checkpoint");
        ck?.RejectUnknown("dir", "every", "keep");
        string outDir = root.FilePath("out");
        string ckDir = ck != null && ck.Has("dir") ? ck.FilePath("dir") : Path.Combine(outDir, "checkpoints");
        int every = (int)(ck?.Integer("every", Math.Max(1, steps / 4), 0) ?? Math.Max(1, steps / 4));
        int keep = (int)(ck?.Integer("keep", 3, 1, 1000) ?? 3);
        int evalEvery = (int)root.Integer("eval_every", 0, 0);
        if (evalEvery > 0 && heldOut == null) throw root.Error("eval_every", "set, but $.data.held_out (a shard folder to evaluate on) is missing.");

        return new RunConfig(file, type, gpt, bert, tokenizer, sources, new MixtureSchedule(phases), heldOut, objectives,
            batch, seqLen, steps, accumulation, clip, seed, lr, wd, b1, b2, schedule, precision, ckDir, every, keep, evalEvery, outDir);
    }

    static WarmupStableDecaySchedule Wsd(ConfigReader sch, double lr, long warmup, long steps, double minLr)
    {
        double fraction = sch.Number("decay_fraction", 0.2, 0, 1, exclusiveMin: true);
        long decay = Math.Max(1, (long)(steps * fraction));
        if (warmup + decay > steps) throw sch.Error("decay_fraction", $"warm-up ({warmup}) plus decay ({decay}) exceed the {steps} steps.");
        return new WarmupStableDecaySchedule(lr, warmup, steps - warmup - decay, decay, DecayShape.Linear, minLr);
    }
}
