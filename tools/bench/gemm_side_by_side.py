#!/usr/bin/python3
"""Side-by-side matrix-product speed: `curriculum bench gemm` against tools/bench/torch_gemm.py.

Runs both on the same shapes in alternation (so both see the same machine load), ROUNDS times, and
prints the median GFLOP/s of each with the spread (min-max) and the ratio of the medians as a Markdown table. The shapes are the square sizes
128..1024 and the products of a training step of the tiny and small configs of
tools/reference/torch_train_step.py (B*T = 2048 tokens): QKV, MLP and output head forward
(X W^T: "nt"), their weight gradients (dY^T X: "tn"), input gradients (dY W: "nn"), and attention's
per-head products ((B*H) = 64 matrices of T x T x d_head).

Usage (from the repository root, after `dotnet build lib/Curriculum.Cli -c Release`):
  /usr/bin/python3 tools/bench/gemm_side_by_side.py [--threads 1 2] [--rounds 5] [--shapes "square 1024" ...]
CURRICULUM overrides the command that runs the CLI (default: dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll).
"""
import argparse, os, sys
from rounds import cli, median, run_json, spread

TORCH_GEMM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_gemm.py")

SHAPES = [  # (label, m, n, k, trans, batch)
    ("square 128", 128, 128, 128, "nn", 1),
    ("square 256", 256, 256, 256, "nn", 1),
    ("square 512", 512, 512, 512, "nn", 1),
    ("square 1024", 1024, 1024, 1024, "nn", 1),
    ("tiny qkv fwd", 2048, 384, 128, "nt", 1),
    ("tiny fc1 fwd", 2048, 512, 128, "nt", 1),
    ("tiny fc2 fwd", 2048, 128, 512, "nt", 1),
    ("tiny fc1 dW", 512, 128, 2048, "tn", 1),
    ("tiny fc2 dX", 2048, 512, 128, "nn", 1),
    ("tiny head fwd", 2048, 4096, 128, "nt", 1),
    ("tiny head dW", 4096, 128, 2048, "tn", 1),
    ("tiny head dX", 2048, 128, 4096, "nn", 1),
    ("small qkv fwd", 2048, 768, 256, "nt", 1),
    ("small fc1 dW", 1024, 256, 2048, "tn", 1),
    ("small head fwd", 2048, 8192, 256, "nt", 1),
    ("small head dW", 8192, 256, 2048, "tn", 1),
    ("small head dX", 2048, 256, 8192, "nn", 1),
    ("attn q k^T", 128, 128, 32, "nt", 64),
    ("attn P v", 128, 32, 128, "nn", 64),
    ("attn P^T dO", 128, 32, 128, "tn", 64),
]


def measure(shape, threads, rounds):
    """`rounds` alternating timings of one shape: (curriculum GFLOP/s list, PyTorch GFLOP/s list)."""
    label, m, n, k, t, b = shape
    args = ["--m", str(m), "--n", str(n), "--k", str(k), "--trans", t, "--batch", str(b), "--repeats", "3"]
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(run_json(cli() + ["bench", "gemm", "--json", "--threads", str(threads)] + args)["gflops"])
        theirs.append(run_json(["/usr/bin/python3", TORCH_GEMM, "--threads", str(threads)] + args)["gflops"])
    return ours, theirs


def table(labels, threads, rounds):
    """The Markdown table for the shapes named in labels (all when None), as a list of lines."""
    lines = ["| shape | m x n x k (trans, batch) | threads | curriculum GFLOP/s | PyTorch GFLOP/s | ratio |", "|---|---|---|---|---|---|"]
    for shape in SHAPES:
        label, m, n, k, t, b = shape
        if labels and label not in labels:
            continue
        for th in threads:
            ours, theirs = measure(shape, th, rounds)
            lines.append(f"| {label} | {m}x{n}x{k} ({t}, {b}) | {th} | {spread(ours, '{:.1f}')} | {spread(theirs, '{:.1f}')} | {median(ours) / median(theirs):.2f} |")
            print(lines[-1], file=sys.stderr, flush=True)   # progress; the table is printed at the end
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--shapes", nargs="+", help="labels of the shapes to time (default: all)")
    a = ap.parse_args()
    print("\n".join(table(a.shapes, a.threads, a.rounds)))


if __name__ == "__main__":
    main()
