#!/usr/bin/env python3
"""Generate extra PyTorch golden trajectories for tst_torch_golden.

The shared reference data covers one start, one hyper-parameter set and constant lr per
(function, optimizer). Issue 2 asks that OptiScope match PyTorch on *other* functions' constants,
hyper-parameters, start points and schedules too; this script records such runs with PyTorch
(float64, CPU) so the test can compare without needing PyTorch installed.

Usage (needs Debian's python3-torch):  /usr/bin/python3 tests/tools/make_torch_golden.py tests/data/torch_golden.json
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)
pi, e = math.pi, math.e

FUNCTIONS = {
    "rosenbrock": lambda x, y, a=1.0, b=100.0: (a - x) ** 2 + b * (y - x ** 2) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    "himmelblau": lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "rastrigin": lambda x, y, A=10.0: 2 * A + (x ** 2 - A * torch.cos(2 * pi * x)) + (y ** 2 - A * torch.cos(2 * pi * y)),
    "ackley": lambda x, y, a=20.0, b=0.2, c=2 * pi: (-a * torch.exp(-b * torch.sqrt(0.5 * (x ** 2 + y ** 2)))
                                                    - torch.exp(0.5 * (torch.cos(c * x) + torch.cos(c * y))) + a + e),
    "three_hump_camel": lambda x, y: 2 * x ** 2 - 1.05 * x ** 4 + x ** 6 / 6 + x * y + y ** 2,
    "six_hump_camel": lambda x, y: (4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2,
    "matyas": lambda x, y: 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y,
    "goldstein_price": lambda x, y: ((1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2))
                                     * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2))),
    "styblinski_tang": lambda x, y: 0.5 * ((x ** 4 - 16 * x ** 2 + 5 * x) + (y ** 4 - 16 * y ** 2 + 5 * y)),
    "quadratic_bowl": lambda x, y, c1=1.0, c2=10.0: 0.5 * (c1 * x ** 2 + c2 * y ** 2),
    "saddle": lambda x, y: x ** 2 - y ** 2,
}

OPTIMIZERS = {
    "sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax, "radam": torch.optim.RAdam,
    # foreach=True is the corrected NAdam formula (PyTorch >= 2.0), the one OptiScope follows.
    "nadam": lambda p, **kw: torch.optim.NAdam(p, foreach=True, **kw),
}


def scheduler(opt, sched):
    """A torch scheduler (or a LambdaLR for the TF/Keras formulas) for an OptiScope schedule."""
    if sched is None:
        return None
    t = sched["type"]
    kw = {k: v for k, v in sched.items() if k != "type"}
    if t == "exponential_decay":
        f = lambda s: kw["decay_rate"] ** ((s // kw["decay_steps"]) if kw.get("staircase") else s / kw["decay_steps"])
        return torch.optim.lr_scheduler.LambdaLR(opt, f)
    if t == "natural_exp_decay":
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: math.exp(-kw["decay_rate"] * s / kw["decay_steps"]))
    if t == "inverse_time_decay":
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 / (1 + kw["decay_rate"] * s / kw["decay_steps"]))
    if t == "step":
        return torch.optim.lr_scheduler.StepLR(opt, **kw)
    if t == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(opt, **kw)
    if t == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, **kw)
    if t == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, **kw)
    if t == "reduce_on_plateau":
        kw.pop("flavor")
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    raise ValueError(t)


CASES = [
    # function, params, start, optimizer type, optimizer kwargs, schedule, steps
    ("rosenbrock", {"a": 1.0, "b": 20.0}, [-1.0, 2.5], "adam", {"lr": 0.05, "betas": [0.8, 0.99]},
     {"type": "exponential_decay", "decay_steps": 50, "decay_rate": 0.7}, 300),
    ("rosenbrock", {"a": 2.0, "b": 50.0}, [0.3, -0.4], "adamw", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True},
     {"type": "cosine", "T_max": 120}, 250),
    ("himmelblau", {}, [0.5, 0.5], "nadam", {"lr": 0.05, "momentum_decay": 0.01},
     {"type": "natural_exp_decay", "decay_steps": 40, "decay_rate": 0.3}, 200),
    ("booth", {}, [-4.0, 7.0], "radam", {"lr": 0.1, "betas": [0.85, 0.995], "weight_decay": 0.001},
     {"type": "step", "step_size": 30, "gamma": 0.5}, 200),
    ("quadratic_bowl", {"c1": 3.0, "c2": 50.0}, [2.0, 1.5], "rmsprop",
     {"lr": 0.005, "alpha": 0.9, "momentum": 0.5, "centered": True}, {"type": "exponential", "gamma": 0.995}, 300),
    ("rastrigin", {"A": 4.0}, [1.3, -0.8], "adagrad", {"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
     {"type": "inverse_time_decay", "decay_steps": 25, "decay_rate": 0.5}, 200),
    ("six_hump_camel", {}, [-1.5, 0.9], "sgd", {"lr": 0.01, "momentum": 0.8, "nesterov": True},
     {"type": "one_cycle", "max_lr": 0.02, "total_steps": 200}, 200),
    ("three_hump_camel", {}, [1.7, -1.1], "adamax", {"lr": 0.03, "betas": [0.95, 0.98]},
     {"type": "exponential_decay", "decay_steps": 20, "decay_rate": 0.8, "staircase": True}, 200),
    ("styblinski_tang", {}, [0.5, -4.0], "adadelta", {"lr": 2.0, "rho": 0.8, "weight_decay": 0.01}, None, 300),
    ("matyas", {}, [8.0, -6.0], "sgd", {"lr": 0.3, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.02}, None, 200),
    ("ackley", {"a": 10.0, "b": 0.3, "c": 3.0}, [1.2, 0.7], "adam", {"lr": 0.01, "eps": 1e-6},
     {"type": "reduce_on_plateau", "flavor": "torch", "factor": 0.5, "patience": 5, "threshold": 1e-3}, 200),
    ("goldstein_price", {}, [0.4, -0.2], "adam", {"lr": 0.001}, None, 200),
    ("saddle", {}, [1.0, 1e-3], "adam", {"lr": 0.02}, {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}, 150),
]


def run(case):
    fname, params, start, otype, okw, sched, steps = case
    p = torch.tensor(start, requires_grad=True)
    opt = OPTIMIZERS[otype]([p], **okw)
    sch = scheduler(opt, sched)
    f = FUNCTIONS[fname]
    rows = []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = f(p[0], p[1], **params)
        loss.backward()
        rows.append([p[0].item(), p[1].item(), loss.item()])
        if k == steps:
            break
        opt.step()
        if sch is not None:
            if isinstance(sch, torch.optim.lr_scheduler.ReduceLROnPlateau):
                with torch.no_grad():
                    sch.step(f(p[0], p[1], **params).item())
            else:
                sch.step()
    run = {"name": f"{otype} on {fname}", "optimizer": dict(type=otype, **okw)}
    if sched is not None:
        run["schedule"] = sched
    experiment = {"format": "optiscope-experiment", "version": 1, "title": run["name"],
                  "problem": {"type": "function", "function": fname, "params": params, "start": start},
                  "steps": steps, "runs": [run]}
    return {"experiment": experiment, "records": rows}


def main():
    out = {"generator": {"torch_version": torch.__version__, "dtype": "float64",
                         "note": "records[k] = [x, y, loss] after k updates; made by tests/tools/make_torch_golden.py"},
           "cases": [run(c) for c in CASES]}
    with open(sys.argv[1], "w") as fh:
        json.dump(out, fh)
        fh.write("\n")


if __name__ == "__main__":
    main()
