using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum bench trainer</c>: the trainer's overhead per step (drawing batches, the loss bookkeeping, the
/// gradient norm and clipping, the guard, the metrics log) on the anchor encoder. Two measures, side by side:
/// the trainer's own split of its step time (step - forward/backward - optimiser), and its step time against a
/// bare loop (forward, backward, AdamW on pre-drawn batches), the two loops alternating in rounds.
/// </summary>
static class BenchTrainerCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Model size: tiny, small or base.", DefaultValueFactory = _ => "tiny" };
        config.AcceptOnlyFromAmong("tiny", "small", "base");
        var threads = new Option<int>("--threads") { Description = "Worker threads (Parallelism.MaxThreads).", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per loop per round.", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds, each timing the bare loop then the trainer.", DefaultValueFactory = _ => 3 };
        var cmd = new Command("trainer", "Trainer overhead on the anchor encoder: its own time split and its step time against a bare loop.");
        cmd.Options.Add(config);
        cmd.Options.Add(threads);
        cmd.Options.Add(steps);
        cmd.Options.Add(rounds);
        cmd.SetAction(parse =>
        {
            int nThreads = parse.GetValue(threads), nSteps = parse.GetValue(steps), nRounds = parse.GetValue(rounds);
            if (nThreads < 1 || nSteps < 1 || nRounds < 1)
            {
                Console.Error.WriteLine("bench trainer: --threads, --steps and --rounds must be at least 1.");
                return 2;
            }
            Console.WriteLine(Run(parse.GetValue(config)!, nThreads, nSteps, nRounds));
            return 0;
        });
        return cmd;
    }

    static string Run(string name, int threads, int steps, int rounds)
    {
        Parallelism.MaxThreads = threads;
        var cfg = BenchmarkEncoderConfig.Named(name);
        var gen = new Generator(0);
        var tokens = new int[200_000];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = gen.NextInt(cfg.Vocab);

        // The bare loop: pre-drawn batches, nothing but forward, backward and the optimiser.
        var bareModel = new BenchmarkEncoder(cfg, new Generator(1));
        var bareOpt = new AdamW(bareModel.Parameters(), lr: 1e-3f, weightDecay: 0.01f);
        var bareBatches = new TokenWindowSource([tokens], cfg.Batch, cfg.Context, seed: 5);
        var batches = Enumerable.Range(0, 4).Select(_ => bareBatches.Next(0)).ToArray();
        int bareStep = 0;
        void BareStep()
        {
            var b = batches[bareStep++ % batches.Length];
            var loss = bareModel.Loss(b.Inputs, b.Targets);
            bareOpt.ZeroGrad();
            loss.Backward();
            bareOpt.Step();
        }

        string dir = Path.Combine(Path.GetTempPath(), "curriculum-bench-trainer-" + Environment.ProcessId);
        var model = new BenchmarkEncoder(cfg, new Generator(1));
        var trainer = new Trainer<LmBatch>(model, Objective.Single<LmBatch>(b => model.Loss(b.Inputs, b.Targets)),
            new TokenWindowSource([tokens], cfg.Batch, cfg.Context, seed: 5),
            new AdamW(model.Parameters(), lr: 1e-3f, weightDecay: 0.01f),
            new WarmupCosineDecaySchedule(1e-3, 10, 10_000, 1e-4),
            new TrainerOptions
            {
                TotalSteps = 10_000,
                MaxGradNorm = 1.0,
                MetricsPath = Path.Combine(dir, "metrics.jsonl"),
                Spikes = new SpikeGuard(Window: 20, K: 6),
            });
        try
        {
            for (int i = 0; i < 3; i++) { BareStep(); trainer.TrainStep(); }   // warm-up: JIT, buffer pools
            var bare = new List<double>();
            var trained = new List<double>();
            trainer.Timings.Reset();
            for (int r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) BareStep();
                bare.Add(sw.Elapsed.TotalSeconds / steps);
                sw.Restart();
                trainer.Run(trainer.Step + steps);
                trained.Add(sw.Elapsed.TotalSeconds / steps);
            }
            var t = trainer.Timings;
            double bareMs = Median(bare) * 1e3, trainerMs = Median(trained) * 1e3;
            var result = new Dictionary<string, object>
            {
                ["impl"] = "curriculum-trainer",
                ["config"] = name,
                ["threads"] = threads,
                ["steps"] = steps * rounds,
                ["bare_step_ms"] = Math.Round(bareMs, 2),
                ["trainer_step_ms"] = Math.Round(trainerMs, 2),
                ["trainer_vs_bare"] = Math.Round(trainerMs / bareMs, 4),
                ["forward_backward_ms"] = Math.Round(t.ForwardBackwardSeconds / t.Steps * 1e3, 2),
                ["optimizer_ms"] = Math.Round(t.OptimizerSeconds / t.Steps * 1e3, 2),
                ["overhead_ms"] = Math.Round(t.OverheadSeconds / t.Steps * 1e3, 3),
                ["overhead_fraction"] = Math.Round(t.OverheadFraction, 5),
            };
            return JsonSerializer.Serialize(result);
        }
        finally
        {
            trainer.Dispose();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
