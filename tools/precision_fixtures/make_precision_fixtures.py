#!/usr/bin/python3
"""Writes the PyTorch reference values for Curriculum.Precision's tests into tests/fixtures/precision/.

Rerun from the repository root with Debian's PyTorch (python3-torch, 1.13):
    /usr/bin/python3 tools/precision_fixtures/make_precision_fixtures.py
Reads tools/reference/torch_train_step.py (the benchmark model).

Files written (each deterministic: fixed seed, no timing):
  rounding.json     float32 inputs as bit patterns and torch's .bfloat16() / .half() results as bit patterns:
                    half-way points, their neighbours, max / overflow, subnormal boundaries, NaN, random values.
  finfo.json        torch.finfo for float32, float16, bfloat16.
  grad_scaler.json  a step-by-step run of torch.cuda.amp.GradScaler's own Python code (scale, unscale_, step,
                    update). In torch 1.13 its two kernels exist for CUDA only, so on CPU they are replaced by
                    line-by-line transliterations of the CUDA kernels (aten/src/ATen/native/cuda/AmpKernels.cu:
                    _amp_non_finite_check_and_unscale_cuda_, _amp_update_scale_cuda_kernel); the step
                    skipping, the inverse scale (double reciprocal, then float) and the state machine are torch's.
  memory.json       parameter counts of the benchmark model (tiny/small/base) as model.parameters() counts them,
                    and the bytes of the tensors autograd saves for backward in one forward pass
                    (saved_tensors_hooks; float tensors only; parameters and 0-d tensors left out; a storage
                    shared by several saved views counted once), for the fp32 model, the fp32 model with
                    torch.utils.checkpoint around each block, and model.bfloat16() (the loss taken in fp32).
"""
import functools, importlib.util, json, math, os, random, struct, sys
import torch
import torch.utils.checkpoint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "precision")


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)


def f2b(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def b2f(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


# ---------- rounding ----------
def rounding_inputs():
    bits = set()
    add = lambda b: bits.update({b & 0xFFFFFFFF, (b | 0x80000000) & 0xFFFFFFFF})
    for b in [0, 0x7F800000, 0x7FC00000, 0x7F800001, 0x7FBFFFFF, 0x7FFFFFFF, 0x7F7FFFFF, 0x00000001,
              0x007FFFFF, 0x00800000, 0x3F800000]:
        add(b)
    # bf16: half-way points (low 16 bits 0x8000) with an even and an odd kept part, and their neighbours.
    for hi in [0x3F80, 0x3F81, 0x0000, 0x0001, 0x007F, 0x0080, 0x7F7E, 0x7F7F, 0x4049, 0x2000, 0x5F00]:
        for lo in [0x7FFF, 0x8000, 0x8001, 0x0001, 0xFFFF]:
            add((hi << 16) | lo)
    # fp16: every 97th pair of neighbours h, h+1 (normal and subnormal): the midpoint and the floats beside it.
    for h in list(range(0, 0x7BFF, 97)) + [0, 1, 2, 3, 0x3FF, 0x400, 0x401, 0x3C00, 0x3C01, 0x7BFE]:
        lo = float(torch.tensor([h], dtype=torch.int16).view(torch.float16).float())
        hi = float(torch.tensor([h + 1], dtype=torch.int16).view(torch.float16).float())
        mid = f2b((lo + hi) / 2)  # exact in float32: one more bit than fp16 needs
        for d in (-1, 0, 1):
            add(mid + d)
    for x in [65504.0, 65519.0, 65520.0, 65536.0, 2.0 ** -24, 2.0 ** -25, 3 * 2.0 ** -26, 2.0 ** -14,
              2.0 ** -14 - 2.0 ** -25, 1e-8, 1e5]:
        for d in (-1, 0, 1):
            add(f2b(x) + d)
    add(0x477FEFFF)  # just below 65520: rounds to 65504
    rng = random.Random(0)
    for _ in range(600):  # across fp16's exponents, with random mantissas
        add(f2b(rng.uniform(1, 2) * 2.0 ** rng.randint(-30, 17)) ^ rng.getrandbits(1) << 31)
    for _ in range(600):  # any finite float32 (bf16's range)
        e = rng.randint(0, 254)
        add((rng.getrandbits(1) << 31) | (e << 23) | rng.getrandbits(23))
    return sorted(bits)


def rounding():
    inputs = rounding_inputs()
    x = torch.tensor([b if b < 2 ** 31 else b - 2 ** 32 for b in inputs], dtype=torch.int32).view(torch.float32)
    bf = x.bfloat16().view(torch.int16).int() & 0xFFFF
    hf = x.half().view(torch.int16).int() & 0xFFFF
    return {"torch": torch.__version__, "input_f32_bits": inputs,
            "bf16_bits": bf.tolist(), "fp16_bits": hf.tolist()}


def finfo():
    out = {}
    for name, dt in [("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)]:
        fi = torch.finfo(dt)
        out[name] = {"bits": fi.bits, "eps": fi.eps, "max": fi.max, "min": fi.min, "tiny": fi.tiny,
                     "smallest_normal": fi.smallest_normal, "resolution": fi.resolution}
    return {"torch": torch.__version__, "finfo": out}


# ---------- GradScaler ----------
def grad_scaler():
    import torch.cuda.amp.grad_scaler as gs

    class CpuReplicator(gs._MultiDeviceReplicator):  # the original asserts a CUDA tensor
        def __init__(self, master_tensor):
            self.master = master_tensor
            self._per_device_tensors = {}

    def non_finite_check_and_unscale_(grads, found_inf, inv_scale):
        # _amp_non_finite_check_and_unscale_cuda_: found_inf = 1 if any value is not finite; every value
        # (finite or not) multiplied by inv_scale unless inv_scale == 1.
        for g in grads:
            if not torch.isfinite(g).all():
                found_inf.fill_(1.0)
            if inv_scale.item() != 1.0:
                g.mul_(inv_scale)

    def update_scale_(scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
        # _amp_update_scale_cuda_kernel
        if found_inf.item():
            scale.mul_(backoff_factor)
            growth_tracker.fill_(0)
        else:
            successful = growth_tracker.item() + 1
            if successful == growth_interval:
                new_scale = torch.tensor(scale.item() * growth_factor, dtype=torch.float32)
                if torch.isfinite(new_scale):
                    scale.fill_(new_scale.item())
                growth_tracker.fill_(0)
            else:
                growth_tracker.fill_(successful)
        return scale

    gs._MultiDeviceReplicator = CpuReplicator
    gs.amp_definitely_not_available = lambda: False  # else __init__ disables the scaler on a CPU-only machine
    torch._amp_foreach_non_finite_check_and_unscale_ = non_finite_check_and_unscale_
    torch._amp_update_scale_ = update_scale_

    runs = []
    # X: an inf in the gradient, N: a NaN. The second run starts near fp32's max with tiny gradients: growth stops at 2^127.
    for init_scale, interval, pattern, coef in [(65536.0, 3, "..X...X.X....N...", [0.25, 1e-3, 3.0]),
                                                (2.0 ** 126, 1, "....X..", [1e-30, 2e-30, 3e-30])]:
        scaler = gs.GradScaler(init_scale=init_scale, growth_factor=2.0, backoff_factor=0.5,
                               growth_interval=interval, enabled=True)
        p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5]))
        opt = torch.optim.SGD([p], lr=0.1)
        calls = []
        sgd_step = opt.step
        opt.step = lambda *a, **k: (calls.append(1), sgd_step(*a, **k))[1]  # records whether GradScaler.step stepped
        steps = []
        for i, c in enumerate(pattern):
            if scaler._scale is None:
                scaler._lazy_init_scale_growth_tracker(p.device)
            scale_used = scaler._scale.item()
            loss = (p * (torch.tensor(coef) * (i + 1))).sum()
            scaled = loss * scaler._scale  # GradScaler.scale(loss), whose is_cuda assert fails on CPU
            opt.zero_grad()
            scaled.backward()
            if c == "X":
                p.grad[1] = float("inf")
            elif c == "N":
                p.grad[0] = float("nan")
            scaled_grad = p.grad.clone()
            calls.clear()
            scaler.unscale_(opt)
            unscaled = p.grad.clone()
            scaler.step(opt)
            stepped = len(calls) == 1
            scaler.update()
            steps.append({"loss": loss.item(), "scale_used": scale_used,
                          "scaled_grad": [float(v) if math.isfinite(v) else str(v) for v in scaled_grad.tolist()],
                          "unscaled_grad": [float(v) if math.isfinite(v) else str(v) for v in unscaled.tolist()],
                          "stepped": stepped, "scale_after": scaler.get_scale(),
                          "growth_tracker_after": scaler._get_growth_tracker()})
        runs.append({"init_scale": init_scale, "growth_factor": 2.0, "backoff_factor": 0.5,
                     "growth_interval": interval, "pattern": pattern, "steps": steps})
    return {"torch": torch.__version__, "runs": runs}


# ---------- memory ----------
def load_anchor():
    path = os.path.join(ROOT, "tools", "reference", "torch_train_step.py")
    spec = importlib.util.spec_from_file_location("torch_train_step", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def saved_bytes(model, V, T, B):
    params = {p.storage().data_ptr() for p in model.parameters()}
    seen, by_dtype = set(), {}

    def pack(t):
        if t.is_floating_point() and t.dim() > 0 and t.storage().data_ptr() not in params:
            key = t.storage().data_ptr()
            if key not in seen:
                seen.add(key)
                name = str(t.dtype).replace("torch.", "")
                by_dtype[name] = by_dtype.get(name, 0) + t.storage().nbytes()
        return t

    torch.manual_seed(0)
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = torch.nn.functional.cross_entropy(model(x).view(-1, V).float(), y.view(-1))
    del loss
    return by_dtype


def memory():
    anchor = load_anchor()
    out = {}
    for name, (V, T, d, L, h, f, B) in anchor.CONFIGS.items():
        torch.manual_seed(0)
        m = anchor.Encoder(V, T, d, L, h, f)
        entry = {"config": [V, T, d, L, h, f, B], "params": sum(p.numel() for p in m.parameters()),
                 "param_tensors": len(list(m.parameters()))}
        entry["saved_fp32"] = saved_bytes(m, V, T, B)
        for b in m.blocks:  # torch.utils.checkpoint per block: keeps the block's input, recomputes the rest
            b.forward = functools.partial(torch.utils.checkpoint.checkpoint, b.forward)
        entry["saved_fp32_checkpointed"] = saved_bytes(m, V, T, B)
        for b in m.blocks:
            del b.forward
        entry["saved_bf16_model"] = saved_bytes(m.bfloat16(), V, T, B)
        out[name] = entry
    return {"torch": torch.__version__, "configs": out}


if __name__ == "__main__":
    torch.set_num_threads(1)
    write("rounding.json", rounding())
    write("finfo.json", finfo())
    write("grad_scaler.json", grad_scaler())
    write("memory.json", memory())
    print("wrote", OUT, file=sys.stderr)
