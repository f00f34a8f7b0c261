#!/usr/bin/python3
"""Side by side: the library's model on a libtorch device (`curriculum bench engine --device torch-cpu`: our modules,
autograd tape and AdamW, each op a call into libtorch) against the same encoder written directly in TorchSharp
(tools/reference/torchsharp_train_step: TorchSharp's modules, autograd and AdamW on the same libtorch). Same model,
batch, optimiser, FLOPs formula; the difference is what the front end above the kernels costs.

For each config and thread count, runs the two in alternation ROUNDS times (so both see the same machine load) and
prints a Markdown table: median tokens/s of each with the spread (min-max), the ratio of the medians, the per-round
ratios and the peak RSS of each. Also `curriculum bench engine --device cpu` (the managed kernels) in the same rounds.

Usage (from the repository root, after `dotnet build lib/Curriculum.Cli -c Release` and
`dotnet build tools/reference/torchsharp_train_step -c Release`):
  /usr/bin/python3 tools/bench/torch_dispatch_side_by_side.py [--configs tiny small] [--threads 1 2] [--steps 10] [--rounds 3]
  [--device torch-cpu|cuda]
CURRICULUM overrides the command that runs the CLI; REFERENCE the command that runs the TorchSharp reference.
"""
import argparse, os, shlex, sys
from rounds import cli, median, run_json, spread

REFERENCE = shlex.split(os.environ.get(
    "REFERENCE", "dotnet tools/reference/torchsharp_train_step/bin/Release/net10.0/TorchSharpTrainStep.dll"))


def measure(config, threads, steps, rounds, device):
    """`rounds` alternating runs: (ours on the device, TorchSharp direct, ours on the managed cpu), JSON dicts."""
    ours, direct, managed = [], [], []
    common = ["--json", "--config", config, "--threads", str(threads), "--steps", str(steps)]
    for _ in range(rounds):
        ours.append(run_json(cli() + ["bench", "engine", "--device", device] + common))
        direct.append(run_json(REFERENCE + [config, "--threads", str(threads), "--steps", str(steps),
                                            "--device", "cuda" if device == "cuda" else "cpu"]))
        managed.append(run_json(cli() + ["bench", "engine", "--device", "cpu"] + common))
    return ours, direct, managed


def table(configs, threads, steps, rounds, device):
    tps = lambda rs: [r["tokens_per_s"] for r in rs]
    rss = lambda rs: median([r["peak_rss_mb"] for r in rs])
    lines = [f"| config | threads | ours on {device}, tokens/s | TorchSharp direct, tokens/s | ours / direct | per-round ratios "
             f"| ours on cpu (managed), tokens/s | peak RSS ours / direct / managed |",
             "|---|---|---|---|---|---|---|---|"]
    for config in configs:
        for th in threads:
            ours, direct, managed = measure(config, th, steps, rounds, device)
            if ours[0]["params"] != direct[0]["params"]:
                sys.exit(f"{config}: the models differ: {ours[0]['params']} parameters against {direct[0]['params']}")
            per_round = [o / d for o, d in zip(tps(ours), tps(direct))]
            lines.append(f"| {config} | {th} | {spread(tps(ours))} | {spread(tps(direct))} | {median(tps(ours)) / median(tps(direct)):.2f} "
                         f"| {min(per_round):.2f}-{max(per_round):.2f} | {spread(tps(managed))} "
                         f"| {rss(ours):.0f} / {rss(direct):.0f} / {rss(managed):.0f} MB |")
            print(lines[-1], file=sys.stderr, flush=True)   # progress; the table is printed at the end
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny", "small"])
    ap.add_argument("--threads", type=int, nargs="+", default=sorted({1, os.cpu_count()}))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--device", default="torch-cpu", choices=["torch-cpu", "cuda"])
    a = ap.parse_args()
    print("\n".join(table(a.configs, a.threads, a.steps, a.rounds, a.device)))


if __name__ == "__main__":
    main()
