#!/usr/bin/env python3
"""Learning-rate schedules computed by PyTorch, for tests/Curriculum.Tests/Schedules.

Rerun (needs PyTorch; Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/schedule_fixtures/make_schedule_fixtures.py
writes tests/fixtures/schedules/torch_schedules.json.

Each case steps a real torch.optim.lr_scheduler on an SGD optimiser and records the LR used at every
step s = 0, 1, ... (read from param_groups before the s-th scheduler.step()). The Hugging Face schedules
(transformers.optimization) are LambdaLR with their published formulas, written out below.
"""
import json
import math
import os

import torch


def lambda_lr(factor):
    return lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, factor)


# transformers.optimization._get_linear_schedule_with_warmup_lr_lambda
def hf_linear(warmup, total):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    return f


# transformers.optimization._get_cosine_schedule_with_warmup_lr_lambda (min_lr_rate variant, num_cycles = 0.5)
def hf_cosine_min_lr(warmup, total, min_lr_rate):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        factor = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))
        factor = factor * (1 - min_lr_rate) + min_lr_rate
        return max(0, factor)
    return f


# transformers.optimization._get_inverse_sqrt_schedule_lr_lambda
def hf_inverse_sqrt(warmup, timescale):
    if timescale is None:
        timescale = warmup or 10_000
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        shift = timescale - warmup
        return 1.0 / math.sqrt((step + shift) / timescale)
    return f


# transformers.optimization._get_wsd_scheduler_lambda (linear warm-up, num_cycles = 0.5)
def hf_wsd(warmup, stable, decay, decay_type, min_lr_ratio):
    def f(step):
        if step < warmup:
            progress = float(step) / float(max(1, warmup))
            return max(0.0, progress * (1.0 - min_lr_ratio) + min_lr_ratio)
        if step < warmup + stable:
            return 1.0
        if step < warmup + stable + decay:
            progress = float(step - warmup - stable) / float(max(1, decay))
            if decay_type == "linear":
                factor = 1.0 - progress
            elif decay_type == "cosine":
                factor = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))
            else:  # "1-sqrt"
                factor = 1.0 - math.sqrt(progress)
            return max(0.0, factor * (1.0 - min_lr_ratio) + min_lr_ratio)
        return min_lr_ratio
    return f


def run(make_scheduler, base_lr, steps):
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=base_lr)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def case(name, schedule, params, torch_name, make_scheduler, base_lr, steps):
    return {"name": name, "schedule": schedule, "params": params, "torch": torch_name,
            "lr": run(make_scheduler, base_lr, steps)}


CosineAnnealingLR = torch.optim.lr_scheduler.CosineAnnealingLR
CosineAnnealingWarmRestarts = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
LinearLR = torch.optim.lr_scheduler.LinearLR

cases = [
    case("hf_linear_warmup_decay", "WarmupLinearDecay", {"peakLr": 1e-3, "warmupSteps": 10, "totalSteps": 100, "minLr": 0.0},
         "LambdaLR(get_linear_schedule_with_warmup)", lambda_lr(hf_linear(10, 100)), 1e-3, 121),
    case("torch_linear_lr_decay", "WarmupLinearDecay", {"peakLr": 2e-3, "warmupSteps": 0, "totalSteps": 80, "minLr": 2e-4},
         "LinearLR(start_factor=1, end_factor=0.1, total_iters=80)",
         lambda o: LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=80), 2e-3, 101),
    case("hf_cosine_min_lr", "WarmupCosineDecay", {"peakLr": 3e-4, "warmupSteps": 20, "totalSteps": 200, "minLr": 3e-5},
         "LambdaLR(get_cosine_with_min_lr_schedule_with_warmup, min_lr_rate=0.1)", lambda_lr(hf_cosine_min_lr(20, 200, 0.1)), 3e-4, 201),
    case("hf_cosine_zero_floor", "WarmupCosineDecay", {"peakLr": 1e-3, "warmupSteps": 7, "totalSteps": 63, "minLr": 0.0},
         "LambdaLR(get_cosine_schedule_with_warmup)", lambda_lr(hf_cosine_min_lr(7, 63, 0.0)), 1e-3, 63),
    case("torch_cosine_annealing", "WarmupCosineDecay", {"peakLr": 1e-3, "warmupSteps": 0, "totalSteps": 150, "minLr": 1e-5},
         "CosineAnnealingLR(T_max=150, eta_min=1e-5)", lambda o: CosineAnnealingLR(o, T_max=150, eta_min=1e-5), 1e-3, 151),
    case("hf_inverse_sqrt", "WarmupInverseSqrtDecay", {"peakLr": 5e-4, "warmupSteps": 50, "timescale": None},
         "LambdaLR(get_inverse_sqrt_schedule)", lambda_lr(hf_inverse_sqrt(50, None)), 5e-4, 401),
    case("hf_inverse_sqrt_timescale", "WarmupInverseSqrtDecay", {"peakLr": 5e-4, "warmupSteps": 50, "timescale": 200},
         "LambdaLR(get_inverse_sqrt_schedule, timescale=200)", lambda_lr(hf_inverse_sqrt(50, 200)), 5e-4, 401),
    case("torch_sgdr_tmult2", "CosineWithRestarts", {"peakLr": 1e-3, "firstCycleSteps": 10, "cycleMultiplier": 2, "minLr": 1e-5},
         "CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=1e-5)",
         lambda o: CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-5), 1e-3, 161),
    case("torch_sgdr_tmult1", "CosineWithRestarts", {"peakLr": 1e-3, "firstCycleSteps": 25, "cycleMultiplier": 1, "minLr": 0.0},
         "CosineAnnealingWarmRestarts(T_0=25, T_mult=1)",
         lambda o: CosineAnnealingWarmRestarts(o, T_0=25, T_mult=1), 1e-3, 121),
]
for shape, hf_name in (("Linear", "linear"), ("Cosine", "cosine"), ("OneMinusSqrt", "1-sqrt")):
    cases.append(case(f"hf_wsd_{hf_name}", "WarmupStableDecay",
                      {"peakLr": 1e-3, "warmupSteps": 10, "stableSteps": 60, "decaySteps": 30, "shape": shape, "minLr": 0.0},
                      f"LambdaLR(get_wsd_schedule, decay_type='{hf_name}')", lambda_lr(hf_wsd(10, 60, 30, hf_name, 0.0)), 1e-3, 111))
cases.append(case("hf_wsd_cosine_floor", "WarmupStableDecay",
                  {"peakLr": 1e-3, "warmupSteps": 0, "stableSteps": 40, "decaySteps": 25, "shape": "Cosine", "minLr": 1e-4},
                  "LambdaLR(get_wsd_schedule, decay_type='cosine', min_lr_ratio=0.1)", lambda_lr(hf_wsd(0, 40, 25, "cosine", 0.1)), 1e-3, 80))

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "tests", "fixtures", "schedules", "torch_schedules.json")
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
os.replace(tmp, out)
print(f"wrote {len(cases)} cases to {out}")
