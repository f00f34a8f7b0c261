#!/usr/bin/python3
"""Reference single-precision matrix-product speed of PyTorch on CPU, beside `curriculum bench gemm`.

Times torch.matmul of op(A) (M,K) by op(B) (K,N) in float32, where op transposes a stored
matrix for the `--trans` letters (nn, nt, tn, tt, like the BLAS flags), with the same
arguments and the same one-line JSON as the C# benchmark:
  {"impl": "pytorch-<version>", "m", "n", "k", "threads", "gflops", "ms"}
gflops = 2*M*N*K / best time; ms = best of --repeats timed calls (each repeat runs enough
calls to last ~0.2 s). OPENBLAS_NUM_THREADS is set to --threads, because
torch.set_num_threads alone leaves Debian's OpenBLAS on all cores. With --batch B it times B independent products (attention's per-head
products) by torch.bmm and counts B times the FLOPs.

Run with Debian's interpreter and torch (python3-torch + libopenblas0-pthread), e.g.
  /usr/bin/python3 tools/bench/torch_gemm.py --size 512 --threads 1
  /usr/bin/python3 tools/bench/torch_gemm.py --m 2048 --n 4096 --k 128 --trans nt --threads 2
"""
import argparse, json, os, sys, time

# torch.set_num_threads does not reach Debian's OpenBLAS (its own pthread pool), which would
# otherwise use every core: pin it through the environment before torch loads it.
_threads = next((sys.argv[i + 1] for i, x in enumerate(sys.argv[:-1]) if x == "--threads"), "1")
os.environ["OPENBLAS_NUM_THREADS"] = _threads
import torch  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=512, help="M = N = K unless given separately")
    ap.add_argument("--m", type=int)
    ap.add_argument("--n", type=int)
    ap.add_argument("--k", type=int)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--trans", default="nn", choices=["nn", "nt", "tn", "tt"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    m, n, k = a.m or a.size, a.n or a.size, a.k or a.size
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    def stored(rows, cols, trans):  # op(X) is (rows, cols); X is stored transposed when trans
        shape = (cols, rows) if trans else (rows, cols)
        x = torch.randn(a.batch, *shape) if a.batch > 1 else torch.randn(*shape)
        return x.transpose(-2, -1) if trans else x

    A = stored(m, k, a.trans[0] == "t")
    B = stored(k, n, a.trans[1] == "t")
    C = torch.empty(a.batch, m, n) if a.batch > 1 else torch.empty(m, n)
    op = (lambda: torch.bmm(A, B, out=C)) if a.batch > 1 else (lambda: torch.matmul(A, B, out=C))
    op()
    t0 = time.perf_counter()
    calls = 0
    while time.perf_counter() - t0 < 0.05 or calls < 2:
        op()
        calls += 1
    calls = max(1, int(calls * 0.2 / (time.perf_counter() - t0)))
    best = float("inf")
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            op()
        best = min(best, (time.perf_counter() - t0) / calls)
    flops = 2.0 * a.batch * m * n * k
    print(json.dumps({"impl": "pytorch-" + torch.__version__, "m": m, "n": n, "k": k, "batch": a.batch,
                      "trans": a.trans, "threads": a.threads, "gflops": round(flops / best / 1e9, 2),
                      "ms": round(best * 1e3, 4)}))


if __name__ == "__main__":
    main()
