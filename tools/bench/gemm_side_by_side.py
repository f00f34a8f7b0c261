#!/usr/bin/python3
"""Side-by-side matrix-product speed: `curriculum bench gemm` against tools/bench/torch_gemm.py.

Runs both on the same shapes in alternation (so both see the same machine load), ROUNDS times, and
prints the best GFLOP/s of each and their ratio as a Markdown table. The shapes are the square sizes
128..1024 and the products of a training step of the tiny and small configs of
tools/reference/torch_train_step.py (B*T = 2048 tokens): QKV, MLP and output head forward
(X W^T: "nt"), their weight gradients (dY^T X: "tn"), input gradients (dY W: "nn"), and attention's
per-head products ((B*H) = 64 matrices of T x T x d_head).

Usage (from the repository root, after `dotnet build lib/Curriculum.Cli -c Release`):
  /usr/bin/python3 tools/bench/gemm_side_by_side.py [--threads 1 2] [--rounds 3]
CURRICULUM overrides the command that runs the CLI (default: dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll).
"""
import argparse, json, os, shlex, subprocess

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


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["gflops"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    cli = shlex.split(os.environ.get("CURRICULUM", "dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll"))
    here = os.path.dirname(os.path.abspath(__file__))
    print("| shape | m x n x k (trans, batch) | threads | curriculum GFLOP/s | PyTorch GFLOP/s | ratio |")
    print("|---|---|---|---|---|---|")
    for label, m, n, k, t, b in SHAPES:
        args = ["--m", str(m), "--n", str(n), "--k", str(k), "--trans", t, "--batch", str(b), "--repeats", "3"]
        for th in a.threads:
            ours = theirs = 0.0
            for _ in range(a.rounds):
                ours = max(ours, run(cli + ["bench", "gemm", "--json", "--threads", str(th)] + args))
                theirs = max(theirs, run(["/usr/bin/python3", os.path.join(here, "torch_gemm.py"), "--threads", str(th)] + args))
            print(f"| {label} | {m}x{n}x{k} ({t}, {b}) | {th} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.2f} |", flush=True)


if __name__ == "__main__":
    main()
