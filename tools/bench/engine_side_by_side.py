#!/usr/bin/python3
"""Side-by-side training-step speed and memory: `curriculum bench engine` against
tools/reference/torch_train_step.py (the same model, batch, optimiser and FLOPs formula).

For each config and thread count, runs the engine and PyTorch in alternation (so both see the same
machine load), ROUNDS times, and prints a Markdown table of the median tokens/s of each with the
spread (min-max), the ratio of the medians, the engine's GFLOP/s as a share of the matrix-product peak
it measured in the same run, and the peak RSS of each. Then, per config, the engine on every core (what
`bench engine` runs by default) against PyTorch at its fastest thread count.

PyTorch runs with OPENBLAS_NUM_THREADS set to the thread count: torch.set_num_threads does not limit
the OpenBLAS of Debian's python3-torch, which would otherwise use every core.

Usage (from the repository root, after `dotnet build lib/Curriculum.Cli -c Release`):
  /usr/bin/python3 tools/bench/engine_side_by_side.py [--configs tiny small] [--threads 1 2] [--steps 10] [--rounds 5]
CURRICULUM overrides the command that runs the CLI; ANCHOR the path of torch_train_step.py.
"""
import argparse, os, sys
from rounds import cli, median, run_json, spread

ANCHOR = os.environ.get("ANCHOR", "tools/reference/torch_train_step.py")


def measure(config, threads, steps, rounds):
    """`rounds` alternating runs of the engine and PyTorch: (engine results, PyTorch results), JSON dicts."""
    ours, theirs = [], []
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    for _ in range(rounds):
        ours.append(run_json(cli() + ["bench", "engine", "--json", "--config", config, "--threads", str(threads), "--steps", str(steps)]))
        theirs.append(run_json(["/usr/bin/python3", ANCHOR, config, "--threads", str(threads), "--steps", str(steps)], env))
    return ours, theirs


def table(configs, threads, steps, rounds):
    """The Markdown table and the best-against-best lines, as a list of lines."""
    tps = lambda rs: [r["tokens_per_s"] for r in rs]
    lines = ["| config | threads | engine tokens/s | PyTorch tokens/s | ratio | engine GFLOP/s (of matrix-product peak) | peak RSS engine / PyTorch |",
             "|---|---|---|---|---|---|---|"]
    summary = []
    for config in configs:
        runs = {}
        for th in threads:
            ours, theirs = runs[th] = measure(config, th, steps, rounds)
            lines.append(f"| {config} | {th} | {spread(tps(ours))} | {spread(tps(theirs))} | {median(tps(ours)) / median(tps(theirs)):.2f}x "
                         f"| {median([r['gflops'] for r in ours]):.1f} ({median([r['peak_fraction'] for r in ours]):.0%} of {median([r['peak_gflops'] for r in ours]):.0f}) "
                         f"| {median([r['peak_rss_mb'] for r in ours]):.0f} / {median([r['peak_rss_mb'] for r in theirs]):.0f} MB |")
            print(lines[-1], file=sys.stderr, flush=True)   # progress; the table is printed at the end
        every = max(threads)
        fastest = max(threads, key=lambda th: median(tps(runs[th][1])))
        ours, theirs = tps(runs[every][0]), tps(runs[fastest][1])
        per_round = [o / t for o, t in zip(ours, theirs)]
        summary.append(f"- `{config}`: the engine on {every} threads, {median(ours) / median(theirs):.2f}x PyTorch at its fastest "
                       f"({fastest} thread{'s' if fastest > 1 else ''}); per-round ratios {min(per_round):.2f}-{max(per_round):.2f}.")
    return lines + [""] + summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny", "small"])
    ap.add_argument("--threads", type=int, nargs="+", default=sorted({1, os.cpu_count()}))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("\n".join(table(a.configs, a.threads, a.steps, a.rounds)))


if __name__ == "__main__":
    main()
