#!/usr/bin/python3
"""Side-by-side training-step speed and memory: `curriculum bench engine` against
tools/reference/torch_train_step.py (the same model, batch, optimiser and FLOPs formula).

For each config and thread count, runs the engine and PyTorch in alternation (so both see the same
machine load), ROUNDS times, and prints a Markdown table: the best tokens/s of each and the peak RSS
of each. Then, per config, the engine's best against PyTorch's best over all
thread counts, which is what the targets compare.

PyTorch runs with OPENBLAS_NUM_THREADS set to the thread count: torch.set_num_threads does not limit
the OpenBLAS of Debian's python3-torch, which would otherwise use every core.

Usage (from the repository root, after `dotnet build lib/Curriculum.Cli -c Release`):
  /usr/bin/python3 tools/bench/engine_side_by_side.py [--configs tiny small] [--threads 1 2] [--steps 20] [--rounds 3]
CURRICULUM overrides the command that runs the CLI (default: dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll);
ANCHOR the path of torch_train_step.py (default: tools/reference/torch_train_step.py).
"""
import argparse, json, os, shlex, subprocess


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny", "small"])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    cli = shlex.split(os.environ.get("CURRICULUM", "dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll"))
    anchor = os.environ.get("ANCHOR", "tools/reference/torch_train_step.py")
    print("| config | threads | engine tokens/s | PyTorch tokens/s | engine peak RSS MB | PyTorch peak RSS MB |")
    print("|---|---|---|---|---|---|")
    best = {}
    for config in a.configs:
        for th in a.threads:
            ours, theirs = [], []
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(th))
            for _ in range(a.rounds):
                ours.append(run(cli + ["bench", "engine", "--json", "--config", config, "--threads", str(th), "--steps", str(a.steps)]))
                theirs.append(run(["/usr/bin/python3", anchor, config, "--threads", str(th), "--steps", str(a.steps)], env))
            o = max(ours, key=lambda r: r["tokens_per_s"])
            t = max(theirs, key=lambda r: r["tokens_per_s"])
            print(f"| {config} | {th} | {o['tokens_per_s']:,.0f} | {t['tokens_per_s']:,.0f} | {max(r['peak_rss_mb'] for r in ours):.0f} "
                  f"| {max(r['peak_rss_mb'] for r in theirs):.0f} |", flush=True)
            b = best.setdefault(config, [None, None])
            b[0] = o if b[0] is None or o["tokens_per_s"] > b[0]["tokens_per_s"] else b[0]
            b[1] = t if b[1] is None or t["tokens_per_s"] > b[1]["tokens_per_s"] else b[1]
    print()
    for config, (o, t) in best.items():
        print(f"{config}: engine best {o['tokens_per_s']:,.0f} tokens/s ({o['threads']} thread(s)) = "
              f"{o['tokens_per_s'] / t['tokens_per_s']:.2f}x PyTorch best {t['tokens_per_s']:,.0f} ({t['threads']} thread(s)); "
              f"peak RSS {o['peak_rss_mb'] / t['peak_rss_mb']:.2f}x")


if __name__ == "__main__":
    main()
