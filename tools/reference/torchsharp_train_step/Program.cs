// Training-step throughput of tools/reference/torch_train_step.py's encoder written directly in TorchSharp: the same
// model (pre-LN blocks, fused QKV with bias, softmax attention over all positions, exact GELU, final LayerNorm, head
// tied to the token embedding), the same fixed random batch, AdamW lr 1e-3 betas 0.9/0.999 eps 1e-8 weight decay 0.01
// on every parameter, the same FLOPs formula (6·N·B·T + 12·L·B·T²·d). Everything below the loss is TorchSharp's own:
// its modules, its autograd, its optimiser. `curriculum bench engine --device torch-cpu` runs the library's model on
// the same libtorch kernels with the library's tape and AdamW above them; the two side by side
// (tools/bench/torch_dispatch_side_by_side.py) measure what that front end costs.
//
// Usage: TorchSharpTrainStep CONFIG [--threads N] [--steps N] [--device cpu|cuda]. Prints one JSON line.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Curriculum.Torch;
using TorchSharp;
using static TorchSharp.torch;

var configs = new Dictionary<string, (int V, int T, int D, int L, int H, int Ffn, int B)>
{
    ["tiny"] = (4096, 128, 128, 2, 4, 512, 16),
    ["small"] = (8192, 128, 256, 4, 4, 1024, 16),
    ["base"] = (8192, 128, 512, 6, 8, 2048, 16),
};
if (args.Length < 1 || !configs.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: TorchSharpTrainStep CONFIG [--threads N] [--steps N] [--device cpu|cuda]; CONFIG is one of {string.Join(", ", configs.Keys)}");
    return 2;
}
int threads = 1, steps = 20;
string deviceName = "cpu";
for (int i = 1; i < args.Length; i += 2)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--steps": steps = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--device": deviceName = value; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

TorchRuntime.EnsureLoaded();
if (deviceName == "cuda" && !cuda.is_available())
{
    Console.Error.WriteLine("--device cuda: libtorch sees no CUDA GPU (or this build is TorchSharp-cpu).");
    return 2;
}
var device = deviceName == "cuda" ? CUDA : CPU;
set_num_threads(threads);
manual_seed(0);
var (v, t, d, layers, heads, ffn, b) = configs[args[0]];
var model = new Encoder(v, t, d, layers, heads, ffn);
model.to(device);
var opt = optim.AdamW(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
var x = randint(0, v, [b, t], dtype: int64).to(device);
var y = randint(0, v, [b, t], dtype: int64).to(device);

float Step()
{
    using var scope = NewDisposeScope();   // frees the step's activations at once, as the CPython reference's refcounting does
    var loss = nn.functional.cross_entropy(model.forward(x).view(-1, v), y.view(-1));
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss.item<float>();
}

for (int i = 0; i < 5; i++) Step();
if (device.type == DeviceType.CUDA) cuda.synchronize();
var watch = Stopwatch.StartNew();
float last = 0;
for (int i = 0; i < steps; i++) last = Step();   // item() waits for the device, so each step is complete when timed
double seconds = watch.Elapsed.TotalSeconds / steps;
long n = model.parameters().Sum(p => p.numel());
double flops = 6.0 * n * b * t + 12.0 * layers * b * t * (double)t * d;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["impl"] = "torchsharp-" + typeof(torch).Assembly.GetName().Version!.ToString(3),
    ["device"] = deviceName,
    ["config"] = args[0],
    ["threads"] = threads,
    ["params"] = n,
    ["step_ms"] = Math.Round(seconds * 1e3, 2),
    ["tokens_per_s"] = Math.Round(b * t / seconds, 1),
    ["gflops"] = Math.Round(flops / seconds / 1e9, 2),
    ["final_loss"] = Math.Round(last, 4),
    ["peak_rss_mb"] = Math.Round(PeakRssBytes() / (1024.0 * 1024), 1),
}));
return 0;

// VmHWM, the resident high-water mark, as ru_maxrss gives the Python reference.
static long PeakRssBytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    return Environment.WorkingSet;
}

sealed class Block : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> ln1, qkv, proj, ln2, fc1, fc2;
    readonly int heads;

    public Block(int d, int heads, int ffn) : base("block")
    {
        (ln1, qkv, proj) = (nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d));
        (ln2, fc1, fc2) = (nn.LayerNorm(d), nn.Linear(d, ffn), nn.Linear(ffn, d));
        this.heads = heads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long bsz = x.shape[0], t = x.shape[1], d = x.shape[2];
        var parts = qkv.forward(ln1.forward(x)).split(d, dim: 2);
        var (q, k, v) = (Heads(parts[0]), Heads(parts[1]), Heads(parts[2]));   // (B,H,T,d/H)
        var att = (q.matmul(k.transpose(-2, -1)) / Math.Sqrt(d / heads)).softmax(-1);
        x = x + proj.forward(att.matmul(v).transpose(1, 2).reshape(bsz, t, d));
        return x + fc2.forward(nn.functional.gelu(fc1.forward(ln2.forward(x))));

        Tensor Heads(Tensor m) => m.view(bsz, t, heads, d / heads).transpose(1, 2);
    }
}

sealed class Encoder : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> tok, pos, ln;
    readonly TorchSharp.Modules.ModuleList<Block> blocks;
    readonly TorchSharp.Modules.Embedding tokEmbedding;

    public Encoder(int v, int t, int d, int layers, int heads, int ffn) : base("encoder")
    {
        tok = tokEmbedding = nn.Embedding(v, d);
        pos = nn.Embedding(t, d);
        blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Block(d, heads, ffn)).ToArray());
        ln = nn.LayerNorm(d);
        RegisterComponents();
    }

    public override Tensor forward(Tensor idx)
    {
        var x = tok.forward(idx) + pos.forward(arange(idx.shape[1], device: idx.device));
        foreach (var block in blocks) x = block.forward(x);
        return nn.functional.linear(ln.forward(x), tokEmbedding.weight!);
    }
}
