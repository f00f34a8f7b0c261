#!/usr/bin/env python3
"""PyTorch reference values for the tensor engine's tests (tests/fixtures/engine/).

Rerun from the repository root with Debian's PyTorch (python3-torch; install libopenblas0-pthread too):
    /usr/bin/python3 tools/torch_fixtures/make_engine_fixtures.py
It writes three safetensors files (float32 and int32 only, read by the engine's own reader):
  ops.safetensors        for each op case "<case>.*": inputs, the output, an upstream gradient "gy" and
                         the gradients of the inputs ("<case>.grad.<input>"), computed in float64.
  encoder_step.safetensors  the encoder of tools/reference/torch_train_step.py at d=48, 3 heads, T=19, V=97,
                         2 layers, ffn 80, batch 2: initial parameters, batch, logits, loss, gradients, and the
                         parameters after one and after two AdamW steps (lr 1e-3, wd 0.01), in float64.
  optim.safetensors      SGD with momentum, AdamW with two parameter groups, and clip_grad_norm_ over three steps.
Inputs are drawn in float32 and widened, so the float32 engine sees exactly the same inputs.
"""
import importlib.util
import math
import os

import torch
import torch.nn.functional as F

from safetensors_io import save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "engine")


def randn(*shape, scale=1.0):
    return (torch.randn(tuple(shape), dtype=torch.float32) * scale).double()


def case(store, name, fn, inputs, ints=None):
    """Runs fn(**inputs, **ints) in float64, stores inputs, output(s), upstream gradients and input gradients."""
    ints = ints or {}
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves, **ints)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    total = 0
    for i, o in enumerate(outs):
        gy = randn(*o.shape)
        suffix = "" if len(outs) == 1 else str(i)
        store[f"{name}.out{suffix}"] = o
        store[f"{name}.gy{suffix}"] = gy
        total = total + (o * gy).sum()
    total.backward()
    for k, v in inputs.items():
        store[f"{name}.{k}"] = v
        store[f"{name}.grad.{k}"] = leaves[k].grad
    for k, v in ints.items():
        store[f"{name}.{k}"] = v


def sdpa(q, k, v, attn_mask=None, is_causal=False):
    """softmax(q k^T / sqrt(D) + mask) v: torch.nn.functional.scaled_dot_product_attention's definition
    (that function arrived in PyTorch 2.0; Debian's 1.13 lacks it)."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if is_causal:
        L, S = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        scores = scores + attn_mask
    return scores.softmax(-1) @ v


def make_ops():
    torch.manual_seed(1)
    s = {}
    case(s, "add_bcast", lambda a, b: a + b, {"a": randn(2, 3, 5), "b": randn(5)})
    case(s, "sub_bcast", lambda a, b: a - b, {"a": randn(4, 5), "b": randn(1, 5)})
    case(s, "mul_bcast", lambda a, b: a * b, {"a": randn(2, 3, 5), "b": randn(3, 1)})
    case(s, "div_bcast", lambda a, b: a / b, {"a": randn(3, 4), "b": randn(3, 1).abs() + 0.5})
    case(s, "matmul_2d", lambda a, b: a @ b, {"a": randn(5, 7), "b": randn(7, 3)})
    case(s, "matmul_nd_2d", lambda a, b: a @ b, {"a": randn(2, 5, 7), "b": randn(7, 3)})
    case(s, "matmul_batched", lambda a, b: a @ b, {"a": randn(2, 3, 5, 7), "b": randn(2, 3, 7, 4)})
    case(s, "transpose", lambda x: x.transpose(1, 2), {"x": randn(2, 3, 5)})
    case(s, "permute", lambda x: x.permute(2, 0, 1), {"x": randn(2, 3, 4)})
    case(s, "linear", lambda x, w, b: F.linear(x, w, b), {"x": randn(2, 5, 7), "w": randn(3, 7), "b": randn(3)})
    case(s, "linear_nobias", lambda x, w: F.linear(x, w), {"x": randn(4, 7), "w": randn(3, 7)})
    case(s, "embedding", lambda w, idx: F.embedding(idx, w), {"w": randn(11, 6)},
         {"idx": torch.tensor([[3, 0, 10, 3, 7], [7, 7, 1, 2, 3]])})
    case(s, "layernorm", lambda x, w, b: F.layer_norm(x, (9,), w, b, 1e-5),
         {"x": randn(2, 5, 9, scale=2.0) + 0.5, "w": randn(9), "b": randn(9)})
    case(s, "gelu_erf", lambda x: F.gelu(x), {"x": randn(3, 7, scale=3.0)})
    case(s, "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), {"x": randn(3, 7, scale=3.0)})
    case(s, "relu", lambda x: F.relu(x), {"x": randn(3, 7)})
    case(s, "tanh", lambda x: torch.tanh(x), {"x": randn(3, 7, scale=2.0)})
    case(s, "exp", lambda x: torch.exp(x), {"x": randn(3, 4)})
    case(s, "log", lambda x: torch.log(x), {"x": randn(3, 4).abs() + 0.1})
    case(s, "softmax_last", lambda x: F.softmax(x, -1), {"x": randn(3, 7, scale=2.0)})
    case(s, "softmax_mid", lambda x: F.softmax(x, 1), {"x": randn(2, 5, 3, scale=2.0)})
    case(s, "log_softmax_last", lambda x: F.log_softmax(x, -1), {"x": randn(3, 7, scale=2.0)})
    case(s, "log_softmax_first", lambda x: F.log_softmax(x, 0), {"x": randn(4, 3, scale=2.0)})

    # Attention: an arbitrary additive mask (some keys blocked, never a whole row), causal, cross with padding.
    blocked = torch.rand(2, 1, 5, 7) < 0.3
    blocked[..., 0] = False
    mask = torch.zeros(2, 1, 5, 7, dtype=torch.float64).masked_fill(blocked, float("-inf"))
    case(s, "sdpa_mask", lambda q, k, v: sdpa(q, k, v, attn_mask=mask.to(torch.float64)),
         {"q": randn(2, 3, 5, 4), "k": randn(2, 3, 7, 4), "v": randn(2, 3, 7, 6)})
    s["sdpa_mask.mask"] = mask
    case(s, "sdpa_causal", lambda q, k, v: sdpa(q, k, v, is_causal=True),
         {"q": randn(2, 3, 6, 4), "k": randn(2, 3, 6, 4), "v": randn(2, 3, 6, 4)})

    def heads(x, h):  # (B,T,C) -> (B,H,T,C/H)
        B, T, C = x.shape
        return x.view(B, T, h, C // h).transpose(1, 2)

    def merge(x):  # (B,H,T,D) -> (B,T,H*D)
        B, H, T, D = x.shape
        return x.transpose(1, 2).reshape(B, T, H * D)

    pad = torch.tensor([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0]])
    padmask = torch.zeros(2, 1, 1, 7, dtype=torch.float64).masked_fill(pad[:, None, None, :] == 0, float("-inf"))
    case(s, "mha_cross_padding", lambda q, k, v: merge(sdpa(heads(q, 3), heads(k, 3), heads(v, 3), attn_mask=padmask)),
         {"q": randn(2, 5, 12), "k": randn(2, 7, 12), "v": randn(2, 7, 9)})
    s["mha_cross_padding.pad"] = pad

    def self_attn(qkv):
        q, k, v = qkv.split(12, dim=2)
        return merge(sdpa(heads(q, 3), heads(k, 3), heads(v, 3), is_causal=True))
    case(s, "self_attention_causal", self_attn, {"qkv": randn(2, 6, 36)})

    t = torch.tensor([3, 0, 10, -100, 5, 5, 1])
    case(s, "cross_entropy", lambda x, t: F.cross_entropy(x, t), {"x": randn(7, 11, scale=2.0)}, {"t": t})
    case(s, "cross_entropy_smooth", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), {"x": randn(7, 11, scale=2.0)}, {"t": t})
    case(s, "cross_entropy_sum", lambda x, t: F.cross_entropy(x, t, reduction="sum", label_smoothing=0.2), {"x": randn(7, 11)}, {"t": t})
    t3 = torch.tensor([[1, 2, -100, 4, 0], [9, 9, 8, -100, 3]])
    case(s, "cross_entropy_3d", lambda x, t: F.cross_entropy(x.reshape(-1, 11), t.reshape(-1)), {"x": randn(2, 5, 11)}, {"t": t3})

    case(s, "gather", lambda x, idx: torch.gather(x, 1, idx), {"x": randn(3, 5)}, {"idx": torch.tensor([[0, 4, 4, 1], [2, 2, 3, 0], [1, 0, 0, 0]])})
    case(s, "index_select", lambda x, idx: torch.index_select(x, 0, idx), {"x": randn(6, 4)}, {"idx": torch.tensor([4, 0, 4, 2])})
    case(s, "index_select_mid", lambda x, idx: torch.index_select(x, 1, idx), {"x": randn(2, 5, 3)}, {"idx": torch.tensor([1, 4, 1])})
    case(s, "concat", lambda a, b: torch.cat([a, b], 1), {"a": randn(2, 3, 4), "b": randn(2, 5, 4)})
    case(s, "split", lambda x: x.split([2, 3, 4], 1), {"x": randn(2, 9, 3)})
    case(s, "sum_all", lambda x: x.sum(), {"x": randn(3, 5)})
    case(s, "mean_all", lambda x: x.mean(), {"x": randn(3, 5)})
    case(s, "sum_dim", lambda x: x.sum(1), {"x": randn(2, 3, 4)})
    case(s, "mean_dim_keep", lambda x: x.mean(-1, keepdim=True), {"x": randn(2, 3, 4)})
    save(os.path.join(OUT, "ops.safetensors"), s)


def load_anchor_encoder():
    """The Encoder class of tools/reference/torch_train_step.py, the model `curriculum bench engine` trains."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference", "torch_train_step.py")
    spec = importlib.util.spec_from_file_location("torch_train_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Encoder


def make_encoder_step():
    torch.manual_seed(0)
    V, T, d, L, h, f, B = 97, 19, 48, 2, 3, 80, 2
    m = load_anchor_encoder()(V, T, d, L, h, f)
    with torch.no_grad():  # round the initial values to float32, then compute in float64
        for p in m.parameters():
            p.copy_(p.float())
    m = m.double()
    s = {f"param.{n}": p.detach().clone() for n, p in m.named_parameters()}
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    s["x"], s["y"] = x, y
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=0.01)
    for step in (1, 2):
        logits = m(x)
        loss = F.cross_entropy(logits.view(-1, V), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if step == 1:
            s["logits"], s["loss"] = logits.detach(), loss.detach().reshape(1)
            for n, p in m.named_parameters():
                s[f"grad.{n}"] = p.grad.clone()
        opt.step()
        for n, p in m.named_parameters():
            s[f"after{step}.{n}"] = p.detach().clone()
    save(os.path.join(OUT, "encoder_step.safetensors"), s)


def make_optim():
    torch.manual_seed(2)
    s = {}
    p0 = [randn(4, 3), randn(5)]
    grads = [[randn(4, 3), randn(5)] for _ in range(3)]
    for i, p in enumerate(p0):
        s[f"p{i}"] = p
        for k in range(3):
            s[f"g{k}.p{i}"] = grads[k][i]

    def run(name, make_opt, clip=None):
        ps = [p.clone().requires_grad_(True) for p in p0]
        opt = make_opt(ps)
        for k in range(3):
            for p, g in zip(ps, grads[k]):
                p.grad = g.clone()
            if clip is not None:
                s[f"{name}.norm{k}"] = torch.nn.utils.clip_grad_norm_(ps, clip).reshape(1)
            opt.step()
            for i, p in enumerate(ps):
                s[f"{name}.step{k}.p{i}"] = p.detach().clone()

    run("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01))
    run("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
    run("adamw_groups", lambda ps: torch.optim.AdamW([{"params": [ps[0]]}, {"params": [ps[1]], "weight_decay": 0.0}],
                                                      lr=0.01, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1))
    run("adamw_clip", lambda ps: torch.optim.AdamW(ps, lr=0.01), clip=1.5)
    save(os.path.join(OUT, "optim.safetensors"), s)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_ops()
    make_encoder_step()
    make_optim()
    for n in sorted(os.listdir(OUT)):
        print(n, os.path.getsize(os.path.join(OUT, n)), "bytes")
