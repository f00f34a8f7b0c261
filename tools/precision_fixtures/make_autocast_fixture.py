#!/usr/bin/python3
"""Writes PyTorch's bf16 autocast results for Curriculum.Tensors.Autocast's tests into tests/fixtures/precision/autocast.json.

Rerun from the repository root with Debian's PyTorch (python3-torch, 1.13):
    /usr/bin/python3 tools/precision_fixtures/make_autocast_fixture.py

Contents (fixed seed, float32 values written as JSON numbers, which round-trip exactly):
  linear:  x (16,48), weight (24,48), bias (24), dy (16,24) in float32; under torch.autocast("cpu", dtype=torch.bfloat16)
           y = F.linear(x, weight, bias) is bfloat16 (written as float32), and y.backward(dy) gives the float32
           gradients x.grad, weight.grad, bias.grad (each computed by a bf16 product, then cast back).
  matmul:  a (2,3,8,16) @ b (2,3,16,8) under the same autocast (a bf16 batched product), result as float32.
"""
import json, os
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "precision", "autocast.json")


def flat(t):
    return [float(v) for v in t.detach().float().reshape(-1).tolist()]


def main():
    torch.manual_seed(9)
    x = torch.randn(16, 48, requires_grad=True)
    w = (torch.randn(24, 48) * 0.2).requires_grad_()
    b = (torch.randn(24) * 0.1).requires_grad_()
    dy = torch.randn(16, 24)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = F.linear(x, w, b)
    assert y.dtype == torch.bfloat16
    y.backward(dy.to(torch.bfloat16))
    a = torch.randn(2, 3, 8, 16)
    bm = torch.randn(2, 3, 16, 8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        p = torch.matmul(a, bm)
    assert p.dtype == torch.bfloat16
    out = {
        "torch": torch.__version__,
        "linear": {"x": flat(x), "weight": flat(w), "bias": flat(b), "dy": flat(dy), "y": flat(y),
                   "x_grad": flat(x.grad), "weight_grad": flat(w.grad), "bias_grad": flat(b.grad)},
        "matmul": {"a": flat(a), "b": flat(bm), "y": flat(p)},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    os.replace(OUT + ".tmp", OUT)


if __name__ == "__main__":
    main()
