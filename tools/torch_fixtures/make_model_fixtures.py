#!/usr/bin/env python3
"""PyTorch references for the models' tests (tests/fixtures/models/).

Rerun from the repository root with Debian's PyTorch (python3-torch; install libopenblas0-pthread too):
    /usr/bin/python3 tools/torch_fixtures/make_model_fixtures.py
Each model below is re-implemented here independently of the C# code, with the same parameter names, at small
odd sizes (d=48, 3 heads, T=19, V=97, 2 layers, ffn 80, batch 2). For each it writes <model>.safetensors with
  param.<name>   the parameters (drawn N(0, 0.1²) in float32; biases and LayerNorms perturbed so none is trivial),
  input.*        the batch (int32),
  loss.*         the losses, computed in float64,
  grad.<name>    d(total loss)/d(parameter), in float64,
t5.safetensors also holds T5's relative position buckets for offsets -150..150 (buckets.*);
and counts.safetensors: count.<model>.<config> = the parameter count of the named configs (nano/tiny/small/base).
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_io import save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "models")
D, H, T, V, L, FF, B = 48, 3, 19, 97, 2, 80, 2


def attention(q, k, v, heads, mask=None, causal=False, bias=None, scale=True):
    """q (B,Tq,C), k, v (B,Tk,C) -> (B,Tq,C): softmax(q kᵀ/√d + bias + mask) v per head."""
    b, tq, c = q.shape
    tk = k.shape[1]
    d = c // heads
    q, k, v = (x.view(b, -1, heads, d).transpose(1, 2) for x in (q, k, v))
    s = q @ k.transpose(-2, -1)
    if scale:
        s = s / math.sqrt(d)
    if bias is not None:
        s = s + bias
    if mask is not None:
        s = s + mask
    if causal:
        s = s.masked_fill(torch.ones(tq, tk, dtype=torch.bool).triu(1), float("-inf"))
    return (s.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, c)


class PreLnBlock(nn.Module):
    def __init__(s, d, h, f, eps=1e-5):
        super().__init__()
        s.ln1, s.qkv, s.proj = nn.LayerNorm(d, eps=eps), nn.Linear(d, 3 * d), nn.Linear(d, d)
        s.ln2, s.fc1, s.fc2 = nn.LayerNorm(d, eps=eps), nn.Linear(d, f), nn.Linear(f, d)
        s.h = h

    def forward(s, x, mask=None, causal=False):
        q, k, v = s.qkv(s.ln1(x)).split(x.shape[-1], dim=2)
        x = x + s.proj(attention(q, k, v, s.h, mask, causal))
        return x + s.fc2(F.gelu(s.fc1(s.ln2(x))))


class PostLnBlock(nn.Module):
    """BERT's layer: LayerNorm after each residual sum."""
    def __init__(s, d, h, f, eps=1e-12):
        super().__init__()
        s.qkv, s.proj, s.ln1 = nn.Linear(d, 3 * d), nn.Linear(d, d), nn.LayerNorm(d, eps=eps)
        s.fc1, s.fc2, s.ln2 = nn.Linear(d, f), nn.Linear(f, d), nn.LayerNorm(d, eps=eps)
        s.h = h

    def forward(s, x, mask=None):
        q, k, v = s.qkv(x).split(x.shape[-1], dim=2)
        x = s.ln1(x + s.proj(attention(q, k, v, s.h, mask)))
        return s.ln2(x + s.fc2(F.gelu(s.fc1(x))))


class Bert(nn.Module):
    def __init__(s, V, P, d, L, h, f, types=2, eps=1e-12):
        super().__init__()
        s.tok, s.pos, s.seg = nn.Embedding(V, d), nn.Embedding(P, d), nn.Embedding(types, d)
        s.ln_emb = nn.LayerNorm(d, eps=eps)
        s.blocks = nn.ModuleList(PostLnBlock(d, h, f, eps) for _ in range(L))
        s.pooler = nn.Linear(d, d)

    def forward(s, ids, types, keep):
        x = s.ln_emb(s.tok(ids) + s.pos(torch.arange(ids.shape[1])) + s.seg(types))
        mask = torch.zeros(keep.shape, dtype=x.dtype).masked_fill(keep == 0, float("-inf"))[:, None, None, :]
        for blk in s.blocks:
            x = blk(x, mask)
        return x


class BertForPreTraining(nn.Module):
    def __init__(s, V, P, d, L, h, f):
        super().__init__()
        s.bert = Bert(V, P, d, L, h, f)
        s.mlm_dense, s.mlm_ln = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-12)
        s.mlm_bias = nn.Parameter(torch.zeros(V))
        s.nsp = nn.Linear(d, 2)

    def forward(s, ids, types, keep, mlm_labels, nsp_labels):
        h = s.bert(ids, types, keep)
        logits = F.linear(s.mlm_ln(F.gelu(s.mlm_dense(h))), s.bert.tok.weight, s.mlm_bias)   # tied decoder + bias
        mlm = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), mlm_labels.reshape(-1), ignore_index=-100)
        pooled = torch.tanh(s.bert.pooler(h[:, 0]))
        nsp = F.cross_entropy(s.nsp(pooled), nsp_labels)
        return mlm, nsp


class Gpt(nn.Module):
    def __init__(s, V, P, d, L, h, f):
        super().__init__()
        s.tok, s.pos = nn.Embedding(V, d), nn.Embedding(P, d)
        s.blocks = nn.ModuleList(PreLnBlock(d, h, f) for _ in range(L))
        s.ln_f = nn.LayerNorm(d)

    def forward(s, ids, targets, mask=None):
        x = s.tok(ids) + s.pos(torch.arange(ids.shape[1]))
        for blk in s.blocks:
            x = blk(x, mask, causal=mask is None)
        logits = F.linear(s.ln_f(x), s.tok.weight)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)


def randomise(m):
    """N(0, 0.1²) everywhere, LayerNorm weights 1 + N(0, 0.1²), rounded to float32; then float64."""
    with torch.no_grad():
        for n, p in m.named_parameters():
            r = torch.randn(p.shape, dtype=torch.float32) * 0.1
            if "ln" in n and n.endswith("weight"):
                r += 1
            p.copy_(r)
    return m.double()


def store_params(store, m):
    for n, p in m.named_parameters():
        store["param." + n] = p


def store_grads(store, m):
    for n, p in m.named_parameters():
        store["grad." + n] = p.grad


def bert_case():
    torch.manual_seed(1)
    m = randomise(BertForPreTraining(V, T, D, L, H, FF))
    ids = torch.randint(5, V, (B, T))
    ids[:, 0] = 2                                     # [CLS]
    keep = torch.ones(B, T, dtype=torch.long)
    keep[1, 15:] = 0                                   # row 1 padded after 15 tokens
    ids[1, 15:] = 0
    types = torch.zeros(B, T, dtype=torch.long)
    types[0, 9:] = 1
    types[1, 7:15] = 1
    labels = torch.full((B, T), -100, dtype=torch.long)
    for r, c in [(0, 1), (0, 4), (0, 11), (0, 18), (1, 3), (1, 8), (1, 13)]:
        labels[r, c] = int(torch.randint(5, V, ()))
    nsp_labels = torch.tensor([0, 1])
    store = {}
    store_params(store, m)
    mlm, nsp = m(ids, types, keep, labels, nsp_labels)
    (mlm + nsp).backward()
    store_grads(store, m)
    store.update({"input.ids": ids, "input.types": types, "input.keep": keep, "input.mlm_labels": labels,
                  "input.nsp_labels": nsp_labels, "loss.mlm": mlm.reshape(1), "loss.nsp": nsp.reshape(1)})
    save(os.path.join(OUT, "bert.safetensors"), store)


def gpt_case():
    torch.manual_seed(2)
    m = randomise(Gpt(V, T + 5, D, L, H, FF))
    ids = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B, T))
    targets[1, 10] = -100                              # a document boundary
    store = {}
    store_params(store, m)
    loss = m(ids, targets)
    loss.backward()
    store_grads(store, m)
    prefix = torch.tensor([5, 0])                     # row 0: 5 bidirectional positions; row 1: plain causal
    mask = torch.zeros(B, 1, T, T, dtype=torch.float64)
    for r in range(B):
        for i in range(T):
            for j in range(T):
                if j > i and j >= int(prefix[r]):
                    mask[r, 0, i, j] = float("-inf")
    with torch.no_grad():
        prefix_loss = m(ids, targets, mask)
    store.update({"input.ids": ids, "input.targets": targets, "input.prefix": prefix,
                  "loss.causal": loss.reshape(1), "loss.prefix": prefix_loss.reshape(1)})
    save(os.path.join(OUT, "gpt.safetensors"), store)


def relative_position_bucket(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    """T5's bucketing of key - query offsets (Hugging Face transformers, modeling_t5.py), written out again."""
    buckets = torch.zeros_like(relative_position)
    if bidirectional:
        num_buckets //= 2
        buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    large = max_exact + (torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return buckets + torch.where(is_small, relative_position, large)


class RelBias(nn.Module):
    def __init__(s, buckets, max_distance, heads, bidirectional):
        super().__init__()
        s.table = nn.Embedding(buckets, heads)
        s.args = (bidirectional, buckets, max_distance)

    def forward(s, tq, tk):
        rel = torch.arange(tk)[None, :] - torch.arange(tq)[:, None]
        return s.table(relative_position_bucket(rel, *s.args)).permute(2, 0, 1)[None]   # (1,H,Tq,Tk)


class T5Attn(nn.Module):
    def __init__(s, d, h):
        super().__init__()
        s.q, s.k, s.v, s.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        s.h = h

    def forward(s, x, ctx=None, bias=None, mask=None, causal=False):
        ctx = x if ctx is None else ctx
        return s.o(attention(s.q(x), s.k(ctx), s.v(ctx), s.h, mask, causal, bias))


class T5Enc(nn.Module):
    def __init__(s, d, h, f):
        super().__init__()
        s.ln1, s.attn, s.ln2 = nn.LayerNorm(d), T5Attn(d, h), nn.LayerNorm(d)
        s.wi, s.wo = nn.Linear(d, f, bias=False), nn.Linear(f, d, bias=False)

    def forward(s, x, bias, mask):
        x = x + s.attn(s.ln1(x), bias=bias, mask=mask)
        return x + s.wo(F.relu(s.wi(s.ln2(x))))


class T5Dec(nn.Module):
    def __init__(s, d, h, f):
        super().__init__()
        s.ln1, s.self_attn, s.ln2 = nn.LayerNorm(d), T5Attn(d, h), nn.LayerNorm(d)
        s.cross_attn, s.ln3 = T5Attn(d, h), nn.LayerNorm(d)
        s.wi, s.wo = nn.Linear(d, f, bias=False), nn.Linear(f, d, bias=False)

    def forward(s, y, bias, enc, mask):
        y = y + s.self_attn(s.ln1(y), bias=bias, causal=True)
        y = y + s.cross_attn(s.ln2(y), ctx=enc, mask=mask)
        return y + s.wo(F.relu(s.wi(s.ln3(y))))


class T5(nn.Module):
    def __init__(s, V, d, Le, Ld, h, f, buckets=32, max_distance=128):
        super().__init__()
        s.shared = nn.Embedding(V, d)
        s.enc_bias = RelBias(buckets, max_distance, h, True)
        s.encoder = nn.ModuleList(T5Enc(d, h, f) for _ in range(Le))
        s.enc_ln = nn.LayerNorm(d)
        s.dec_bias = RelBias(buckets, max_distance, h, False)
        s.decoder = nn.ModuleList(T5Dec(d, h, f) for _ in range(Ld))
        s.dec_ln = nn.LayerNorm(d)

    def forward(s, ids, keep, dec_ids, labels):
        mask = torch.zeros(keep.shape, dtype=torch.float64).masked_fill(keep == 0, float("-inf"))[:, None, None, :]
        x, S = s.shared(ids), ids.shape[1]
        bias = s.enc_bias(S, S)
        for blk in s.encoder:
            x = blk(x, bias, mask)
        enc = s.enc_ln(x)
        y, U = s.shared(dec_ids), dec_ids.shape[1]
        bias = s.dec_bias(U, U)
        for blk in s.decoder:
            y = blk(y, bias, enc, mask)
        logits = F.linear(s.dec_ln(y) * s.shared.weight.shape[1] ** -0.5, s.shared.weight)   # tied head, T5's rescale
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def t5_case():
    torch.manual_seed(3)
    m = randomise(T5(V, D, L, L, H, FF, buckets=16, max_distance=24))
    S, U = T, 11
    ids = torch.randint(3, V, (B, S))
    keep = torch.ones(B, S, dtype=torch.long)
    keep[1, 13:] = 0
    ids[1, 13:] = 0
    labels = torch.randint(3, V, (B, U))
    labels[1, 8:] = -100
    dec_ids = torch.cat([torch.zeros(B, 1, dtype=torch.long), labels[:, :-1].clamp(min=0)], 1)   # shifted right, pad 0
    store = {}
    store_params(store, m)
    loss = m(ids, keep, dec_ids, labels)
    loss.backward()
    store_grads(store, m)
    rel = torch.arange(-150, 151)
    store.update({"input.ids": ids, "input.keep": keep, "input.decoder_ids": dec_ids, "input.labels": labels,
                  "loss.seq2seq": loss.reshape(1), "buckets.offsets": rel,
                  "buckets.bidirectional_32_128": relative_position_bucket(rel, True, 32, 128),
                  "buckets.unidirectional_32_128": relative_position_bucket(rel, False, 32, 128),
                  "buckets.bidirectional_16_24": relative_position_bucket(rel, True, 16, 24)})
    save(os.path.join(OUT, "t5.safetensors"), store)


CONFIGS = {  # V, P, d, layers, heads, ffn: nano (notebooks) and the benchmark's tiny / small / base
    "nano": (512, 64, 64, 2, 4, 256),
    "tiny": (4096, 128, 128, 2, 4, 512),
    "small": (8192, 128, 256, 4, 4, 1024),
    "base": (8192, 128, 512, 6, 8, 2048),
}


def counts():
    store = {}
    for name, (v, p, d, l, h, f) in CONFIGS.items():
        for model, m in [("bert", BertForPreTraining(v, p, d, l, h, f)), ("gpt", Gpt(v, p, d, l, h, f)),
                         ("t5", T5(v, d, l, l, h, f))]:
            store[f"count.{model}.{name}"] = torch.tensor([sum(q.numel() for q in m.parameters())])
    save(os.path.join(OUT, "counts.safetensors"), store)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    bert_case()
    gpt_case()
    t5_case()
    counts()
    print("wrote", sorted(os.listdir(OUT)))
