using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Precision;
using Curriculum.Tensors;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum bench engine</c>: training-step throughput of the anchor encoder (tools/reference/torch_train_step.py),
/// same sizes, same FLOPs formula, a fixed random batch, AdamW lr 1e-3 wd 0.01 on every parameter.
/// <c>--precision bf16|fp16</c> runs under that autocast policy (emulated: fp32 storage rounded to the format; fp16 with a
/// GradScaler). <c>--checkpointing</c> trains a second, identical model with gradient checkpointing per block, its steps
/// interleaved with the first's, and reports both step times and both measured activation peaks.
/// Beside tokens/s it reports the model FLOPs per step, the GFLOP/s they make, and that as a fraction of the matrix
/// product's peak: the best GFLOP/s of the output head's product for one sequence (T x V x d, X Wᵀ, on the model's own
/// embedding), timed once after every step on the same threads, so that it sees the same machine load: how close the
/// step runs to what this CPU can do. <c>--device torch-cpu|cuda</c> runs the same model, batch and optimiser on
/// libtorch's kernels (<c>model.to(device)</c>); the matrix-product peak stays the managed engine's, and the activation
/// probe, which reads the managed heap, is left out there; <c>device_peak_mb</c> is then the most the device's live
/// buffers held during the timed steps (<see cref="IDeviceKernels.PeakAllocatedBytes"/>).
/// </summary>
static class BenchEngineCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Model size: tiny, small or base.", DefaultValueFactory = _ => "tiny" };
        config.AcceptOnlyFromAmong("tiny", "small", "base");
        var threads = new Option<int>("--threads") { Description = "Worker threads (Parallelism.MaxThreads); default: every core.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var steps = new Option<int>("--steps") { Description = "Timed steps, after 5 warm-up steps.", DefaultValueFactory = _ => 20 };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16 (bf16 autocast) or fp16 (fp16 autocast with loss scaling); 16-bit is emulated.", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong("fp32", "bf16", "fp16");
        var checkpointing = new Option<bool>("--checkpointing") { Description = "Also run the same model with gradient checkpointing per block, side by side." };
        var json = new Option<bool>("--json") { Description = "Print only the JSON line." };
        var profile = new Option<bool>("--profile") { Description = "Also print a per-op table of forward/backward time per step (to stderr)." };
        var device = DeviceChoice.Option();
        var cmd = new Command("engine", "Train the anchor encoder with the tensor engine; print step time, tokens/s, GFLOP/s against the measured matrix-product peak, peak RSS, activation memory.");
        cmd.Options.Add(config);
        cmd.Options.Add(threads);
        cmd.Options.Add(steps);
        cmd.Options.Add(precision);
        cmd.Options.Add(checkpointing);
        cmd.Options.Add(json);
        cmd.Options.Add(profile);
        cmd.Options.Add(device);
        cmd.SetAction(parse => CliErrors.Guard(() =>
        {
            int nThreads = parse.GetValue(threads), nSteps = parse.GetValue(steps);
            if (nThreads < 1 || nSteps < 1)
            {
                Console.Error.WriteLine("bench engine: --threads and --steps must be at least 1.");
                return 2;
            }
            string name = parse.GetValue(config)!, prec = parse.GetValue(precision)!;
            bool ckpt = parse.GetValue(checkpointing);
            var onDevice = DeviceChoice.Get(parse.GetValue(device)!);
            var line = Run(name, nThreads, nSteps, prec, ckpt, parse.GetValue(profile), onDevice, out var table);
            if (!parse.GetValue(json)) Console.Error.WriteLine($"engine {name} on {onDevice.Name}, {prec}, {nThreads} thread(s), {nSteps} steps{(ckpt ? ", without and with checkpointing" : "")}:");
            Console.WriteLine(line);
            Console.Out.Flush();
            if (table != null) Console.Error.Write($"per-op time on {onDevice.Name}:{Environment.NewLine}{table}");
            return 0;
        }));
        return cmd;
    }

    static PrecisionPolicy Policy(string precision) => precision switch
    {
        "bf16" => PrecisionPolicy.Bf16Autocast,
        "fp16" => PrecisionPolicy.Fp16Autocast,
        _ => PrecisionPolicy.Fp32,
    };

    /// <summary>One model with its optimiser (and loss scaler under fp16), stepping on the shared batch.</summary>
    sealed class ModelRun(BenchmarkEncoderConfig cfg, PrecisionPolicy policy, bool checkpointing, Device device)
    {
        public readonly BenchmarkEncoder Model = Build(cfg, checkpointing, device);
        readonly GradScaler? _scaler = policy.NeedsLossScaling ? new GradScaler() : null;
        AdamW? _opt;
        public double Seconds, OptimizerSeconds, CollectSeconds;

        static BenchmarkEncoder Build(BenchmarkEncoderConfig cfg, bool checkpointing, Device device)
        {
            var model = new BenchmarkEncoder(cfg, new Generator(0));
            GradientCheckpointing.Enable(model, checkpointing);
            return DeviceChoice.MoveTo(model, device);
        }

        Tensor Forward(IntTensor x, IntTensor y)
        {
            using (Autocast.Enter(policy)) return Model.Loss(x, y);   // = F.cross_entropy(m(x).view(-1, V), y.view(-1)), head fused into the loss
        }

        void Backward(Tensor loss) => loss.Backward(Tensor.Scalar(_scaler?.Scale(1f) ?? 1f));

        public float Step(IntTensor x, IntTensor y)
        {
            _opt ??= new AdamW(Model.Parameters(), lr: 1e-3f, weightDecay: 0.01f);
            var sw = Stopwatch.StartNew();
            OpProfiler.Mark();
            var loss = Forward(x, y);
            Backward(loss);
            double backwardEnd = sw.Elapsed.TotalSeconds;
            var ps = Model.Parameters().ToList();
            ParameterRounding.RoundGradients(ps, policy);
            bool skip = _scaler != null && _scaler.UnscaleAndCheck(ps.Select(p => p.Grad!.Data.AsMemory()));
            if (!skip) _opt.Step();
            _scaler?.Update();
            ParameterRounding.RoundWeights(ps, policy);
            _opt.ZeroGrad();               // as zero_grad(set_to_none=True) before the next backward, but before the collect
            double optimizerEnd = sw.Elapsed.TotalSeconds;
            // The step's activations are garbage now; collecting here keeps RSS at one step's working set
            // instead of letting large-object garbage pile up to the GC's budget (measured on tiny: peak RSS 504 MB
            // without it, 254 MB with it, step time unchanged). A training loop does the same.
            GC.Collect();
            Seconds += sw.Elapsed.TotalSeconds;
            OptimizerSeconds += optimizerEnd - backwardEnd;
            CollectSeconds += sw.Elapsed.TotalSeconds - optimizerEnd;
            return loss.Item();
        }

        /// <summary>Peak bytes of live activations in one forward and backward, gradients allocated beforehand (untimed).</summary>
        public long ActivationPeak(IntTensor x, IntTensor y)
        {
            Backward(Forward(x, y));
            using var probe = ActivationMemoryProbe.Start();
            var loss = Forward(x, y);
            probe.Sample();
            Backward(loss);
            Model.ZeroGrad();
            return probe.PeakBytes;
        }
    }

    static string Run(string name, int threads, int steps, string precision, bool checkpointing, bool profile, Device device, out string? table)
    {
        Parallelism.MaxThreads = threads;
        var cfg = BenchmarkEncoderConfig.Named(name);
        var policy = Policy(precision);
        var gen = new Generator(0);
        var x = IntTensor.RandInt(cfg.Vocab, [cfg.Batch, cfg.Context], gen);
        var y = IntTensor.RandInt(cfg.Vocab, [cfg.Batch, cfg.Context], gen);
        var runs = checkpointing ? new[] { new ModelRun(cfg, policy, false, device), new ModelRun(cfg, policy, true, device) } : [new ModelRun(cfg, policy, false, device)];

        foreach (var r in runs) for (int i = 0; i < 5; i++) r.Step(x, y);
        foreach (var r in runs) r.Seconds = r.OptimizerSeconds = r.CollectSeconds = 0;
        device.Kernels?.ResetPeakAllocatedBytes();      // the timed steps' peak of the device's live buffers
        var rss = new double[steps];
        float last = 0;
        var head = new GemmThroughput(false, true, cfg.Context, cfg.Vocab, cfg.Dim, b: runs[0].Model.Tok.Weight.ToArray());
        double headBestMs = head.BestMilliseconds(1);
        for (int i = 0; i < steps; i++)                   // interleaved, so both see the same machine load
        {
            foreach (var r in runs)
            {
                OpProfiler.Enabled = profile && r == runs[0];   // the table is for the model without checkpointing
                last = r.Step(x, y);
                OpProfiler.Enabled = false;
            }
            rss[i] = ProcStatusMb("VmRSS");
            headBestMs = Math.Min(headBestMs, head.CallMilliseconds());
        }
        double dt = runs[0].Seconds / steps;
        long? devicePeak = device.Kernels?.PeakAllocatedBytes;
        // RSS is read before the activation probe runs: the probe's extra forward and backward is not training.
        double peakRss = ProcStatusMb("VmHWM");
        var (rssFirst, rssLast) = RssWindows(rss);
        // The probe reads the managed heap: on cpu it sees the activations; a libtorch device keeps them in native memory.
        var peaks = device == Device.Cpu ? runs.Select(r => r.ActivationPeak(x, y)).ToArray() : null;
        table = profile ? ProfileTable(OpProfiler.Snapshot(), steps, dt * 1e3, runs[0].OptimizerSeconds * 1e3 / steps,
            runs[0].CollectSeconds * 1e3 / steps) : null;
        long n = runs[0].Model.NumParameters();
        double tokens = (double)cfg.Batch * cfg.Context, flops = cfg.TrainFlopsPerStep(n);
        double gflops = flops / dt / 1e9, peak = head.Flops / headBestMs / 1e6;
        var shape = new TransformerShape(cfg.Vocab, cfg.Context, cfg.Dim, cfg.Layers, cfg.Heads, cfg.Ffn, cfg.Batch);
        // The engine stores every value as fp32, so its estimate uses fp32 storage; the 16-bit estimate is what real
        // 16-bit tensors would take. Checkpointed: saved block inputs and head plus one recomputed block (an upper bound).
        double EstimateMb(PrecisionPolicy p, bool ckpt)
        {
            var e = MemoryAccounting.Estimate(shape, p, ckpt);
            return Math.Round((e.Activations + e.RecomputedActivations) / 1e6, 1);
        }
        var storage = PrecisionPolicy.Fp32;
        var result = new Dictionary<string, object>
        {
            ["impl"] = "curriculum-engine",
            ["device"] = device.Name,
            ["config"] = name,
            ["threads"] = threads,
            ["precision"] = precision,
            ["params"] = n,
            ["step_ms"] = Math.Round(dt * 1e3, 2),
            ["tokens_per_s"] = Math.Round(tokens / dt, 1),
            ["flops_per_step"] = flops,
            ["gflops"] = Math.Round(gflops, 2),
            ["peak_gflops"] = Math.Round(peak, 2),
            ["peak_fraction"] = Math.Round(gflops / peak, 3),
            ["peak_rss_mb"] = Math.Round(peakRss, 1),
            ["rss_first_tenth_mb"] = Math.Round(rssFirst, 1),
            ["rss_last_tenth_mb"] = Math.Round(rssLast, 1),
            ["rss_growth_mb"] = Math.Round(rssLast - rssFirst, 1),
            ["final_loss"] = Math.Round(last, 4),
        };
        if (peaks != null) result["activation_peak_mb"] = Math.Round(peaks[0] / 1e6, 1);
        if (devicePeak is long bytes) result["device_peak_mb"] = Math.Round(bytes / 1e6, 1);
        result["activation_estimate_mb"] = EstimateMb(storage, false);
        if (precision != "fp32") result["activation_estimate_16bit_mb"] = EstimateMb(policy, false);
        if (checkpointing)
        {
            double dtc = runs[1].Seconds / steps;
            result["step_ms_checkpointed"] = Math.Round(dtc * 1e3, 2);
            if (peaks != null) result["activation_peak_mb_checkpointed"] = Math.Round(peaks[1] / 1e6, 1);
            result["activation_estimate_mb_checkpointed"] = EstimateMb(storage, true);
            if (precision != "fp32") result["activation_estimate_16bit_mb_checkpointed"] = EstimateMb(policy, true);
            result["step_time_ratio"] = Math.Round(dtc / dt, 3);
            if (peaks != null) result["activation_peak_ratio"] = Math.Round((double)peaks[1] / peaks[0], 3);
        }
        return JsonSerializer.Serialize(result);
    }

    /// <summary>
    /// The highest RSS in the first and in the last tenth of the timed steps. RSS after a step rises and falls with
    /// the collector's heap (a cycle of a few steps), so a growth is the difference of window maxima, not of two
    /// single readings that may sit at different points of the cycle.
    /// </summary>
    static (double First, double Last) RssWindows(double[] rss)
    {
        int window = Math.Max(1, rss.Length / 10);
        return (rss.Take(window).Max(), rss.Skip(rss.Length - window).Max());
    }

    /// <summary>Per-op milliseconds per step, most expensive first, then the optimiser, the collection and the rest.</summary>
    static string ProfileTable(IReadOnlyList<OpTime> ops, int steps, double stepMs, double optimizerMs, double collectMs)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"op",-26} {"calls",6} {"fwd ms",9} {"bwd ms",9} {"total ms",9} {"share",6}");
        double sum = 0;
        void Row(string name, int calls, double f, double b)
        {
            sum += f + b;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-26} {calls,6} {f,9:F2} {b,9:F2} {f + b,9:F2} {(f + b) / stepMs,6:P0}"));
        }
        foreach (var o in ops) Row(o.Op, Math.Max(o.ForwardCalls, o.BackwardCalls) / steps, o.ForwardMs / steps, o.BackwardMs / steps);
        Row("(optimizer step)", 1, optimizerMs, 0);
        Row("(GC.Collect)", 1, collectMs, 0);
        Row("(other)", 0, stepMs - sum, 0);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"step",-26} {"",6} {"",9} {"",9} {stepMs,9:F2}"));
        return w.ToString();
    }

    /// <summary>A memory figure from /proc/self/status (kB there), in MB; NaN where the file is absent (not Linux).</summary>
    static double ProcStatusMb(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return double.NaN;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return double.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
