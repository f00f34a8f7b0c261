using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Curriculum.Tensors;
using Curriculum.Tensors.Kernels;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum bench gemm</c>: GFLOP/s of the engine's matrix product, one JSON line
/// {impl, m, n, k, batch, trans, threads, gflops, ms}; ms is the best of --repeats timings.
/// Compare with <c>/usr/bin/python3 tools/bench/torch_gemm.py</c> given the same arguments.
/// </summary>
static class BenchGemmCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "M = N = K unless given separately", DefaultValueFactory = _ => 512 };
        var m = new Option<int?>("--m") { Description = "rows of op(A) and C" };
        var n = new Option<int?>("--n") { Description = "columns of op(B) and C" };
        var k = new Option<int?>("--k") { Description = "columns of op(A), rows of op(B)" };
        var batch = new Option<int>("--batch") { Description = "independent products (Gemm.MultiplyBatched)", DefaultValueFactory = _ => 1 };
        var trans = new Option<string>("--trans") { Description = "nn, nt, tn or tt: which of A, B are stored transposed", DefaultValueFactory = _ => "nn" };
        var threads = new Option<int>("--threads") { Description = "Parallelism.MaxThreads", DefaultValueFactory = _ => 1 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (best is reported)", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print one JSON line (the only output format)" };
        var cmd = new Command("gemm", "GFLOP/s of the single-precision matrix product C = op(A) op(B).");
        foreach (var o in new Option[] { size, m, n, k, batch, trans, threads, repeats, json }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            int s = parse.GetValue(size);
            int rows = parse.GetValue(m) ?? s, cols = parse.GetValue(n) ?? s, depth = parse.GetValue(k) ?? s;
            int count = parse.GetValue(batch), nThreads = parse.GetValue(threads), nRepeats = parse.GetValue(repeats);
            string t = parse.GetValue(trans) ?? "nn";
            if (t is not ("nn" or "nt" or "tn" or "tt") || rows < 1 || cols < 1 || depth < 1 || count < 1
                || nThreads < 1 || nRepeats < 1)
            {
                Console.Error.WriteLine("bench gemm: --trans must be nn|nt|tn|tt and sizes, --batch, --threads, --repeats at least 1.");
                return 2;
            }
            Parallelism.MaxThreads = nThreads;
            var product = new GemmThroughput(t[0] == 't', t[1] == 't', rows, cols, depth, count);
            double ms = product.BestMilliseconds(nRepeats), gflops = product.Flops / (ms * 1e6);
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["impl"] = "curriculum-" + Gemm.KernelName,
                ["m"] = rows, ["n"] = cols, ["k"] = depth, ["batch"] = count, ["trans"] = t, ["threads"] = nThreads,
                ["gflops"] = Math.Round(gflops, 2), ["ms"] = Math.Round(ms, 4),
            }));
            return 0;
        });
        return cmd;
    }
}
