#!/usr/bin/python3
"""Regenerates the README's "Speed" section in one run and prints it as Markdown, to be pasted unedited.

Every figure is measured here, now: the engine's training step against PyTorch (engine_side_by_side.py), the
matrix product against PyTorch's (gemm_side_by_side.py), BPE encoding against tiktoken
(tools/tokenizer_fixtures/bench_vs_tiktoken.sh), where the step's time goes (`bench engine --profile`), and the
benchmarks that have a target instead of a reference (`bench data`, `bench trainer`, checkpointing, RSS growth).
Ours and the reference alternate, ROUNDS rounds each; a figure is the median with the spread (min-max). The load
average at the start and the end says how busy the machine was.

Usage (from the repository root; needs Debian's python3-torch and `npm ci --prefix tools/node`):
  /usr/bin/python3 tools/bench/speed_section.py [--rounds 5] [--steps 10] > speed.md
Progress goes to stderr.
"""
import argparse, datetime, json, os, platform, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_side_by_side, gemm_side_by_side  # noqa: E402
from rounds import cli, median, run_json, spread  # noqa: E402

GEMM_SHAPES = ["square 1024", "small qkv fwd", "small fc1 dW", "small head fwd", "attn q k^T"]
MATRIX_OPS = ("Linear", "LinearCrossEntropy")   # ops that are one matrix product each, with a bias or the loss fused in


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def versions():
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    torch = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return dotnet, torch, node


def profile(config, threads, steps):
    """`bench engine --profile`: its JSON result and the per-op table it prints on stderr."""
    p = subprocess.run(cli() + ["bench", "engine", "--json", "--profile", "--config", config, "--threads", str(threads), "--steps", str(steps)],
                       capture_output=True, text=True, check=True)
    table = p.stderr[p.stderr.index("op "):]
    return json.loads(p.stdout.strip().splitlines()[-1]), table


def matrix_share(table):
    """Share of the step in the ops that are a matrix product each: their total ms over the step's ms."""
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line.strip()}
    return sum(float(rows[op][4]) for op in MATRIX_OPS if op in rows) / float(rows["step"][-1])


def tokenizer_rows(rounds):
    """BPE encoding of data/corpora/general.jsonl's texts, ours against tiktoken, alternating (bench_vs_tiktoken.sh)."""
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "general.txt")
        with open(text, "w") as f:
            f.write("\n\n".join(json.loads(line)["text"] for line in open("data/corpora/general.jsonl")))
        mb = os.path.getsize(text) / 1e6
        out = subprocess.run(["bash", "tools/tokenizer_fixtures/bench_vs_tiktoken.sh", text, str(rounds)], capture_output=True, text=True, check=True).stdout
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    rows = []
    for enc in ("cl100k_base", "o200k_base"):
        ours = [r["mb_per_s"] for r in results if r.get("impl") == "curriculum" and r["encoding"] == enc]
        theirs = [r["mb_per_s"] for r in results if r.get("impl") == "tiktoken-wasm" and r["encoding"] == enc]
        same = all(r["ids_identical"] for r in results if "ids_identical" in r and r["encoding"] == enc)
        rows.append(f"| {enc} | {spread(ours, '{:.1f}')} | {spread(theirs, '{:.1f}')} | {median(ours) / median(theirs):.1f}x | {'yes' if same else 'NO'} |")
    return mb, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds per side-by-side figure")
    ap.add_argument("--steps", type=int, default=10, help="timed training steps per engine/PyTorch run")
    ap.add_argument("--target-rounds", type=int, default=3, help="runs per benchmark that has a target, not a reference")
    a = ap.parse_args()
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode != 0:
        sys.exit("speed_section.py: the reference needs Debian's PyTorch: apt-get install python3-torch libopenblas0-pthread")
    cores = os.cpu_count()
    started, load_start = datetime.datetime.now(datetime.timezone.utc), load()
    log(f"building the CLI (Release); load {load_start}")
    subprocess.run(["dotnet", "build", "lib/Curriculum.Cli", "-c", "Release", "--nologo", "-v", "quiet", "-clp:ErrorsOnly"], check=True, stdout=sys.stderr)
    dotnet, torch, node = versions()

    log("training step, engine and PyTorch alternating")
    engine = engine_side_by_side.table(["tiny", "small"], sorted({1, cores}), a.steps, a.rounds)
    log("where the step's time goes")
    prof_result, prof_table = profile("small", cores, a.steps)
    log("matrix product, ours and PyTorch alternating")
    gemm = gemm_side_by_side.table(GEMM_SHAPES, sorted({1, cores}), a.rounds)
    log("tokenizer, ours and tiktoken alternating")
    text_mb, tokenizer = tokenizer_rows(a.rounds)
    log("benchmarks with a target")
    dedup = [run_json(cli() + ["bench", "data", "dedup"]) for _ in range(a.target_rounds)]
    pack = [run_json(cli() + ["bench", "data", "pack"]) for _ in range(a.target_rounds)]
    trainer = [run_json(cli() + ["bench", "trainer", "--steps", "8", "--rounds", "3"]) for _ in range(a.target_rounds)]
    ckpt = [run_json(cli() + ["bench", "engine", "--json", "--config", "small", "--checkpointing", "--steps", "5"]) for _ in range(a.target_rounds)]
    rss = run_json(cli() + ["bench", "engine", "--json", "--config", "tiny", "--steps", "200"])
    minutes, load_end = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60, load()
    cmd = "/usr/bin/python3 tools/bench/speed_section.py" + "".join(
        f" --{k.replace('_', '-')} {v}" for k, v in vars(a).items() if v != ap.get_default(k))

    share = matrix_share(prof_table)
    out = [
        "## Speed",
        "",
        f"Generated by `{cmd}` on {started:%Y-%m-%d %H:%M} UTC ({minutes:.0f} min) on {cpu_model()}, {cores} cores, with .NET {dotnet}, "
        f"PyTorch {torch} (Debian `python3-torch`, OpenBLAS) and Node {node}. Load average (1, 5, 15 min): **{load_start}** at the start, "
        f"**{load_end}** at the end. Ours and the reference run alternately, {a.rounds} rounds; each figure is the median, with the "
        "spread (min-max) in brackets, and a ratio is the ratio of the medians. Run the command to get your machine's figures.",
        "",
        "### Training step",
        "",
        "The anchor model of `tools/reference/torch_train_step.py` (pre-LN encoder, tied output head, AdamW; batch 16 x 128 tokens), "
        f"`curriculum bench engine` against that script, {a.steps} timed steps a run after 5 warm-up steps. PyTorch's threads are set "
        "with `OPENBLAS_NUM_THREADS` too, as `torch.set_num_threads` does not limit Debian's OpenBLAS. GFLOP/s count "
        "6·N·tokens + 12·L·B·T²·d per step (both sides use this formula); the peak is the best GFLOP/s of the engine's own "
        "matrix product in the same run, on the same threads: the output head's product for one sequence (T x V x d), timed "
        "after every step so that it sees the load the steps see.",
        "",
        *engine,
        "",
        f"### Where the step's time goes (`small`, {cores} threads)",
        "",
        f"`./curriculum bench engine --config small --threads {cores} --steps {a.steps} --profile`:",
        "",
        "```",
        prof_table.rstrip(),
        "```",
        "",
        f"`Linear` and the output head fused with its loss, a matrix product each with its bias or loss around it, take {share:.0%} "
        f"of the step; attention (its two products per head, the softmax and the head reshapes), GELU, LayerNorm, the residual adds, "
        f"the optimiser and the collection take the other {1 - share:.0%}. The whole step runs at {prof_result['gflops']:.0f} GFLOP/s, "
        f"{prof_result['peak_fraction']:.0%} of the {prof_result['peak_gflops']:.0f} GFLOP/s the same matrix product reached in that run"
        + (": what is left to gain is mostly in the matrix products themselves." if share >= 0.8 else "."),
        "",
        "### Matrix product",
        "",
        f"`/usr/bin/python3 tools/bench/gemm_side_by_side.py --threads {' '.join(map(str, sorted({1, cores})))} --rounds {a.rounds} --shapes ...` "
        "(shapes of the training step; PyTorch's `torch.matmul`/`torch.bmm` on OpenBLAS):",
        "",
        *gemm,
        "",
        "### Tokenizer encoding",
        "",
        f"`tools/tokenizer_fixtures/bench_vs_tiktoken.sh FILE {a.rounds}`, FILE the {text_mb:.1f} MB of English text in "
        "`data/corpora/general.jsonl`, one thread each, against npm `tiktoken` (WASM); the ids are checked to be identical:",
        "",
        "| encoding | ours MB/s | tiktoken MB/s | ratio | ids identical |",
        "|---|---|---|---|---|",
        *tokenizer,
        "",
        f"### Against targets ({a.target_rounds} runs each)",
        "",
        "| what | measured | target | command |",
        "|---|---|---|---|",
        f"| near-duplicate removal, {dedup[0]['docs']:,} docs of ~{dedup[0]['mean_chars']:.0f} chars, 1 thread | {spread([r['seconds'] for r in dedup], '{:.1f}')} s, "
        f"recall {median([r['recall'] for r in dedup]):.3f}, precision {median([r['precision'] for r in dedup]):.3f} | < 30 s, >= 0.95, >= 0.95 | `./curriculum bench data dedup` |",
        f"| packing token ids | {spread([r['mb_per_s'] for r in pack])} MB/s | >= 50 MB/s | `./curriculum bench data pack` |",
        f"| trainer overhead (all but forward, backward, optimiser), `tiny`, 1 thread | {spread([100 * r['overhead_fraction'] for r in trainer], '{:.2f}')}% of the step | < 3% "
        "| `./curriculum bench trainer --threads 1 --steps 8 --rounds 3` |",
        f"| gradient checkpointing, `small`, {cores} threads | peak activations {median([r['activation_peak_mb'] for r in ckpt]):.1f} -> "
        f"{median([r['activation_peak_mb_checkpointed'] for r in ckpt]):.1f} MB for {spread([r['step_time_ratio'] for r in ckpt], '{:.2f}')}x step time "
        "| >= 40% less for <= 1.4x | `./curriculum bench engine --config small --checkpointing --steps 5` |",
        f"| RSS growth over 200 steps, `tiny`, {cores} threads: highest RSS in the last tenth minus in the first | "
        f"{rss['rss_last_tenth_mb']:.1f} - {rss['rss_first_tenth_mb']:.1f} = {rss['rss_growth_mb']:+.1f} MB | no growth | "
        "`./curriculum bench engine --config tiny --steps 200 --json` |",
        "",
        "The matrix product is deterministic whatever the thread count (work is split over output tiles, never over the "
        "summation), so a run gives the same numbers on 1 or more threads.",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
