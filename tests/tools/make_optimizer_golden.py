#!/usr/bin/env python3
"""Golden trajectories for the optimizers beyond torch.optim 1.13 and for the Adam-family options.

torch.optim has no QHM, QHAdam, AdaBelief or Yogi, no switch to turn Adam's bias correction off
and no tf.keras update formula. The reference steps below are written from the authors' published
PyTorch code, operation for operation (the same torch calls, so the same roundings, including
torch's fused multiply-adds in `add(alpha=)` / `addcmul`):

  QHM, QHAdam   facebookresearch/qhoptim, qhoptim/pyt/qhm.py and qhadam.py (Ma & Yarats, 2019)
  AdaBelief     juntang-zhuang/Adabelief-Optimizer, adabelief_pytorch 0.2.0, AdaBelief.py
  Yogi          jettify/pytorch-optimizer, torch_optimizer/yogi.py (Zaheer et al., 2018)
  bias_correction=False   torch.optim's Adam/AdamW/NAdam/RAdam step with both corrections = 1,
                          as apex's FusedAdam(bias_correction=False)
  convention="keras"      Keras 3 optimizers/adam.py and adamax.py (the formulas; TensorFlow is
                          not installable here): scalars (alpha, 1 - beta1^t) in double, the
                          element-wise operations in the run's dtype, no fused multiply-add.

The deprecated positional forms of those files (`add_(alpha, tensor)`) are written with keywords
(`add_(tensor, alpha=alpha)`): the same kernel. Each case is run twice, in float64 and float32
(torch.set_default_dtype), with autograd gradients of a 2-D test function, and every step is
recorded so the C++ test can replay the recorded gradients.

Usage (needs Debian's python3-torch):
  /usr/bin/python3 tests/tools/make_optimizer_golden.py tests/data/optimizer_golden.json
"""
import json
import math
import sys

import torch

FUNCTIONS = {
    "rosenbrock": lambda x, y: (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2,
    "himmelblau": lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "quadratic_bowl": lambda x, y: 0.5 * (1.0 * x ** 2 + 10.0 * y ** 2),
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
}


class Reference:
    """One parameter tensor p, one step at a time (state names as the authors' code)."""

    def __init__(self, p, **hyper):
        self.p = p
        self.h = hyper
        self.state = {}
        self.derived = {}


class QHM(Reference):
    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        d_p = grad.clone()
        if h["weight_decay"] != 0:
            if h["weight_decay_type"] == "grad":
                d_p.add_(p, alpha=h["weight_decay"])
            else:
                p.mul_(1.0 - lr * h["weight_decay"])
        if not st:
            st["momentum_buffer"] = torch.zeros_like(p)
        buf = st["momentum_buffer"]
        buf.mul_(h["momentum"]).add_(d_p, alpha=1.0 - h["momentum"])
        p.add_(buf, alpha=-lr * h["nu"])
        p.add_(d_p, alpha=-lr * (1.0 - h["nu"]))
        self.derived = {"g_eff": d_p, "eff_lr": torch.full_like(p, lr)}


class QHAdam(Reference):
    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        nu1, nu2 = h["nus"]
        eps = h["eps"]
        d_p = grad.clone()
        if h["weight_decay"] != 0:
            if h["decouple_weight_decay"]:
                p.mul_(1 - lr * h["weight_decay"])
            else:
                d_p.add_(p, alpha=h["weight_decay"])
        d_p_sq = d_p.mul(d_p)
        if not st:
            st["beta1_weight"] = 0.0
            st["beta2_weight"] = 0.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
        st["beta1_weight"] = 1.0 + beta1 * st["beta1_weight"]
        st["beta2_weight"] = 1.0 + beta2 * st["beta2_weight"]
        if h.get("bias_correction", True):
            beta1_adj = 1.0 - (1.0 / st["beta1_weight"])
            beta2_adj = 1.0 - (1.0 / st["beta2_weight"])
        else:  # plain exponential moving averages from zero
            beta1_adj, beta2_adj = beta1, beta2
        st["exp_avg"].mul_(beta1_adj).add_(d_p, alpha=1.0 - beta1_adj)
        st["exp_avg_sq"].mul_(beta2_adj).add_(d_p_sq, alpha=1.0 - beta2_adj)
        avg_grad = st["exp_avg"].mul(nu1)
        if nu1 != 1.0:
            avg_grad.add_(d_p, alpha=1.0 - nu1)
        avg_grad_rms = st["exp_avg_sq"].mul(nu2)
        if nu2 != 1.0:
            avg_grad_rms.add_(d_p_sq, alpha=1.0 - nu2)
        avg_grad_rms.sqrt_()
        if eps != 0.0:
            avg_grad_rms.add_(eps)
        p.addcdiv_(avg_grad, avg_grad_rms, value=-lr)
        self.derived = {"g_eff": d_p, "avg_grad": avg_grad, "avg_grad_rms": avg_grad_rms,
                        "beta1_adj": beta1_adj, "beta2_adj": beta2_adj,
                        "eff_lr": lr / avg_grad_rms.double()}


class AdaBelief(Reference):
    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        eps = h["eps"]
        bias_correction = h.get("bias_correction", True)
        g = grad.clone()
        if not st:
            st["step"] = 0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_var"] = torch.zeros_like(p)
            if h["amsgrad"]:
                st["max_exp_avg_var"] = torch.zeros_like(p)
        if h["weight_decouple"]:
            if not h["fixed_decay"]:
                p.mul_(1.0 - lr * h["weight_decay"])
            else:
                p.mul_(1.0 - h["weight_decay"])
        elif h["weight_decay"] != 0:
            g.add_(p, alpha=h["weight_decay"])
        exp_avg, exp_avg_var = st["exp_avg"], st["exp_avg_var"]
        st["step"] += 1
        t = st["step"]
        bias_correction1 = 1 - beta1 ** t if bias_correction else 1.0
        bias_correction2 = 1 - beta2 ** t if bias_correction else 1.0
        exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
        grad_residual = g - exp_avg
        exp_avg_var.mul_(beta2).addcmul_(grad_residual, grad_residual, value=1 - beta2)
        if h["amsgrad"]:
            torch.max(st["max_exp_avg_var"], exp_avg_var.add_(eps), out=st["max_exp_avg_var"])
            denom = (st["max_exp_avg_var"].sqrt() / math.sqrt(bias_correction2)).add_(eps)
        else:
            denom = (exp_avg_var.add_(eps).sqrt() / math.sqrt(bias_correction2)).add_(eps)
        d = {"g_eff": g, "bias_correction1": bias_correction1, "bias_correction2": bias_correction2}
        if not h["rectify"]:
            step_size = lr / bias_correction1
            p.addcdiv_(exp_avg, denom, value=-step_size)
            d.update(denom=denom, eff_lr=lr / denom.double())
        else:
            beta2_t = beta2 ** t
            n_sma_max = 2 / (1 - beta2) - 1
            n_sma = n_sma_max - 2 * t * beta2_t / (1 - beta2_t)
            if n_sma >= 5:
                step_size = math.sqrt(
                    (1 - beta2_t if bias_correction else 1.0) * (n_sma - 4) / (n_sma_max - 4) * (n_sma - 2)
                    / n_sma * n_sma_max / (n_sma_max - 2)) / (1 - beta1 ** t if bias_correction else 1.0)
            elif h["degenerated_to_sgd"]:
                step_size = 1.0 / (1 - beta1 ** t if bias_correction else 1.0)
            else:
                step_size = -1
            d.update(rho_inf=n_sma_max, rho_t=n_sma, step_size=step_size)
            if n_sma >= 5:
                denom = exp_avg_var.sqrt().add_(eps)
                p.addcdiv_(exp_avg, denom, value=-step_size * lr)
                d.update(denom=denom, eff_lr=step_size * bias_correction1 * lr / denom.double())
            elif step_size > 0:
                p.add_(exp_avg, alpha=-step_size * lr)
                d.update(eff_lr=torch.full_like(p, step_size * bias_correction1 * lr, dtype=torch.float64))
            else:
                d.update(eff_lr=torch.zeros_like(p, dtype=torch.float64))
        self.derived = d


class Yogi(Reference):
    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        if not st:
            st["step"] = 0
            st["exp_avg"] = torch.full_like(p, h["initial_accumulator"])
            st["exp_avg_sq"] = torch.full_like(p, h["initial_accumulator"])
        exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
        st["step"] += 1
        t = st["step"]
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        g = grad
        if h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
        grad_squared = g.mul(g)
        exp_avg_sq.addcmul_(torch.sign(exp_avg_sq - grad_squared), grad_squared, value=-(1 - beta2))
        denom = (exp_avg_sq.sqrt() / math.sqrt(bias_correction2)).add_(h["eps"])
        step_size = lr / bias_correction1
        p.addcdiv_(exp_avg, denom, value=-step_size)
        self.derived = {"g_eff": g.clone(), "bias_correction1": bias_correction1,
                        "bias_correction2": bias_correction2, "denom": denom,
                        "eff_lr": lr / denom.double()}


class TorchAdam(Reference):
    """torch.optim.Adam/AdamW 1.13's single-tensor step (SCHEMA.md's order) with an optional
    switch that sets both bias corrections to 1 (apex FusedAdam's bias_correction=False)."""

    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        if not st:
            st["step"] = 0.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
            if h["amsgrad"]:
                st["max_exp_avg_sq"] = torch.zeros_like(p)
        g = grad
        if h.get("decoupled"):
            p.mul_(1 - lr * h["weight_decay"])
        elif h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        st["step"] += 1
        t = st["step"]
        st["exp_avg"].mul_(beta1).add_(g, alpha=1 - beta1)
        st["exp_avg_sq"].mul_(beta2).addcmul_(g, g.conj(), value=1 - beta2)
        bias_correction1 = 1 - beta1 ** t if h["bias_correction"] else 1.0
        bias_correction2 = 1 - beta2 ** t if h["bias_correction"] else 1.0
        step_size = lr / bias_correction1
        v = st["exp_avg_sq"]
        if h["amsgrad"]:
            torch.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
            v = st["max_exp_avg_sq"]
        denom = (v.sqrt() / math.sqrt(bias_correction2)).add_(h["eps"])
        p.addcdiv_(st["exp_avg"], denom, value=-step_size)
        v_hat = v.double() / bias_correction2
        self.derived = {"bias_correction1": bias_correction1, "bias_correction2": bias_correction2,
                        "denom": denom, "eff_lr": lr / (v_hat.sqrt() + h["eps"])}


class TorchNAdam(Reference):
    """torch.optim.NAdam's corrected (foreach) step, bias corrections optionally 1."""

    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        psi = h["momentum_decay"]
        bc = h["bias_correction"]
        if not st:
            st["step"] = 0.0
            st["mu_product"] = 1.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
        g = grad
        if h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        st["step"] += 1
        t = st["step"]
        bias_correction2 = 1 - beta2 ** t if bc else 1.0
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
        st["mu_product"] *= mu
        mp = st["mu_product"]
        st["exp_avg"].mul_(beta1).add_(g, alpha=1 - beta1)
        st["exp_avg_sq"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
        denom = (st["exp_avg_sq"].sqrt() / math.sqrt(bias_correction2)).add_(h["eps"])
        c1 = (lr * (1.0 - mu) / ((1.0 - mp) if bc else 1.0)) * -1
        c2 = (lr * mu_next / ((1.0 - mp * mu_next) if bc else 1.0)) * -1
        p.addcdiv_(g * c1, denom)
        p.addcdiv_(st["exp_avg"] * c2, denom)
        self.derived = {"denom": denom, "eff_lr": lr / denom.double()}


class TorchRAdam(Reference):
    """torch.optim.RAdam 1.13's single-tensor step, bias corrections optionally 1 (the SMA
    length rho_t keeps the true 1 - beta2^t)."""

    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        bc = h["bias_correction"]
        if not st:
            st["step"] = 0.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
        g = grad
        if h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        st["step"] += 1
        t = st["step"]
        st["exp_avg"].mul_(beta1).add_(g, alpha=1 - beta1)
        st["exp_avg_sq"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** t if bc else 1.0
        bias_correction2 = 1 - beta2 ** t
        bias_corrected_exp_avg = st["exp_avg"] / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive_lr = math.sqrt(bias_correction2 if bc else 1.0) / st["exp_avg_sq"].sqrt().add_(h["eps"])
            p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
            eff = lr * rect * adaptive_lr.double()
        else:
            p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
            eff = torch.full_like(p, lr, dtype=torch.float64)
        self.derived = {"rho_t": rho_t, "eff_lr": eff}


class KerasAdam(Reference):
    """Keras 3 Adam.update_step: m += (g - m)(1 - b1); v += (g² - v)(1 - b2);
    p -= m·alpha / (sqrt(v) + eps), alpha = lr·sqrt(1 - b2^t)/(1 - b1^t)."""

    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        if not st:
            st["step"] = 0.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
            if h["amsgrad"]:
                st["max_exp_avg_sq"] = torch.zeros_like(p)
        g = grad
        if h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        st["step"] += 1
        t = st["step"]
        if h["bias_correction"]:
            alpha = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
            bc2_sqrt = math.sqrt(1 - beta2 ** t)
        else:
            alpha, bc2_sqrt = lr, 1.0
        st["exp_avg"].add_((g - st["exp_avg"]) * (1 - beta1))
        st["exp_avg_sq"].add_((g * g - st["exp_avg_sq"]) * (1 - beta2))
        v = st["exp_avg_sq"]
        if h["amsgrad"]:
            torch.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
            v = st["max_exp_avg_sq"]
        denom = v.sqrt() + h["eps"]
        p.sub_((st["exp_avg"] * alpha) / denom)
        self.derived = {"denom": denom, "eff_lr": lr * bc2_sqrt / denom.double()}


class KerasAdamax(Reference):
    """Keras 3 Adamax.update_step: m += (g - m)(1 - b1); u = max(b2·u, |g|);
    p -= lr·m / ((1 - b1^t)(u + eps))."""

    def step(self, grad, lr):
        h, p, st = self.h, self.p, self.state
        beta1, beta2 = h["betas"]
        if not st:
            st["step"] = 0.0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_inf"] = torch.zeros_like(p)
        g = grad
        if h["weight_decay"] != 0:
            g = g.add(p, alpha=h["weight_decay"])
        st["step"] += 1
        t = st["step"]
        st["exp_avg"].add_((g - st["exp_avg"]) * (1 - beta1))
        torch.maximum(st["exp_inf"] * beta2, g.abs(), out=st["exp_inf"])
        bc1 = 1 - beta1 ** t
        p.sub_((st["exp_avg"] * lr) / ((st["exp_inf"] + h["eps"]) * bc1))
        self.derived = {"eff_lr": lr / (st["exp_inf"].double() + h["eps"])}


REFERENCES = {"qhm": QHM, "qhadam": QHAdam, "adabelief": AdaBelief, "yogi": Yogi}

# The full hyper-parameter set each reference reads (the authors' defaults), per OptiScope type.
DEFAULTS = {
    "qhm": dict(lr=0.1, momentum=0.999, nu=0.7, weight_decay=0.0, weight_decay_type="grad"),
    "qhadam": dict(lr=1e-3, betas=[0.9, 0.999], nus=[1.0, 1.0], weight_decay=0.0,
                   decouple_weight_decay=False, eps=1e-8, bias_correction=True),
    "adabelief": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-16, weight_decay=0.0, amsgrad=False,
                      weight_decouple=True, fixed_decay=False, rectify=True, degenerated_to_sgd=True,
                      bias_correction=True),
    "yogi": dict(lr=1e-2, betas=[0.9, 0.999], eps=1e-3, initial_accumulator=1e-6, weight_decay=0.0),
    "adam": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, amsgrad=False,
                 bias_correction=True, convention="torch"),
    "adamw": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.01, amsgrad=False,
                  bias_correction=True),
    "adamax": dict(lr=2e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, convention="torch"),
    "nadam": dict(lr=2e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                  bias_correction=True),
    "radam": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, bias_correction=True),
}


def reference_for(otype, hyper):
    if otype in REFERENCES:
        return REFERENCES[otype]
    if otype in ("adam", "adamw"):
        if hyper.get("convention") == "keras":
            return KerasAdam
        return TorchAdam
    if otype == "adamax":
        return KerasAdamax  # only the keras convention is generated here (torch's is in ../shared)
    if otype == "nadam":
        return TorchNAdam
    if otype == "radam":
        return TorchRAdam
    raise ValueError(otype)


CASES = [
    # function, start, optimizer type, kwargs (as written in the experiment file), steps
    ("rosenbrock", [-1.2, 1.0], "qhm", {"lr": 0.002, "momentum": 0.9, "nu": 0.7}, 120),
    ("himmelblau", [0.5, -1.5], "qhm", {"lr": 0.01, "momentum": 0.99, "nu": 0.5,
                                        "weight_decay": 0.01}, 120),
    ("booth", [-4.0, 7.0], "qhm", {"lr": 0.05, "nu": 0.3, "weight_decay": 0.1,
                                   "weight_decay_type": "direct"}, 100),
    ("rosenbrock", [-1.2, 1.0], "qhadam", {"lr": 0.05}, 120),
    ("himmelblau", [0.5, -1.5], "qhadam", {"lr": 0.1, "betas": [0.995, 0.999], "nus": [0.7, 1.0]}, 120),
    ("booth", [-4.0, 7.0], "qhadam", {"lr": 0.1, "nus": [0.8, 0.9], "weight_decay": 0.05,
                                      "decouple_weight_decay": True, "eps": 1e-6}, 100),
    ("quadratic_bowl", [2.0, 1.5], "qhadam", {"lr": 0.05, "nus": [0.7, 1.0], "weight_decay": 0.1,
                                              "bias_correction": False}, 100),
    ("rosenbrock", [-1.2, 1.0], "adabelief", {"lr": 0.001}, 150),
    ("himmelblau", [0.5, -1.5], "adabelief", {"lr": 0.1, "rectify": False, "weight_decay": 0.01,
                                              "weight_decouple": False}, 120),
    ("booth", [-4.0, 7.0], "adabelief", {"lr": 0.2, "betas": [0.8, 0.99], "eps": 1e-12,
                                         "amsgrad": True, "weight_decay": 0.1}, 100),
    ("quadratic_bowl", [2.0, 1.5], "adabelief", {"lr": 0.05, "rectify": True, "degenerated_to_sgd": False,
                                                 "fixed_decay": True, "weight_decay": 0.001}, 100),
    ("beale", [1.0, 1.5], "adabelief", {"lr": 0.02, "bias_correction": False, "rectify": False}, 100),
    ("beale", [1.0, 1.5], "adabelief", {"lr": 0.02, "bias_correction": False}, 100),
    ("rosenbrock", [-1.2, 1.0], "yogi", {"lr": 0.05}, 150),
    ("himmelblau", [0.5, -1.5], "yogi", {}, 150),
    ("booth", [-4.0, 7.0], "yogi", {"lr": 0.5, "betas": [0.8, 0.99], "eps": 1e-6,
                                    "initial_accumulator": 0.01, "weight_decay": 0.01}, 100),
    # bias_correction: false on torch.optim's formulas.
    ("rosenbrock", [-1.2, 1.0], "adam", {"lr": 0.01, "bias_correction": False}, 100),
    ("himmelblau", [0.5, -1.5], "adam", {"lr": 0.05, "bias_correction": False, "amsgrad": True,
                                         "weight_decay": 0.01}, 100),
    ("booth", [-4.0, 7.0], "adamw", {"lr": 0.05, "bias_correction": False, "weight_decay": 0.1}, 100),
    ("quadratic_bowl", [2.0, 1.5], "nadam", {"lr": 0.02, "bias_correction": False}, 100),
    ("rosenbrock", [-1.2, 1.0], "radam", {"lr": 0.005, "bias_correction": False}, 100),
    # convention: keras (tf.keras's Adam / Adamax formulas).
    ("rosenbrock", [-1.2, 1.0], "adam", {"lr": 0.01, "convention": "keras"}, 120),
    ("himmelblau", [0.5, -1.5], "adam", {"lr": 0.05, "convention": "keras", "amsgrad": True,
                                         "eps": 1e-3}, 100),
    ("beale", [1.0, 1.5], "adam", {"lr": 0.01, "convention": "keras", "bias_correction": False}, 100),
    ("booth", [-4.0, 7.0], "adamax", {"lr": 0.1, "convention": "keras"}, 100),
    ("quadratic_bowl", [2.0, 1.5], "adamax", {"lr": 0.05, "convention": "keras", "weight_decay": 0.01,
                                              "betas": [0.8, 0.95]}, 100),
]

KERAS_EPS = 1e-7  # tf.keras's default epsilon (Adam, Adamax)


def full_hyper(otype, kwargs):
    hyper = dict(DEFAULTS[otype])
    if kwargs.get("convention") == "keras":
        hyper["eps"] = KERAS_EPS
    hyper.update(kwargs)
    if otype == "adamw":
        hyper["decoupled"] = True
    return hyper


def tolist(v):
    if isinstance(v, torch.Tensor):
        return [float(x) for x in v.double().tolist()]
    return float(v)


def run(case, dtype):
    fname, start, otype, kwargs, steps = case
    torch.set_default_dtype(dtype)
    hyper = full_hyper(otype, kwargs)
    lr = hyper["lr"]
    p = torch.tensor(start, requires_grad=True)
    ref = reference_for(otype, hyper)(p.data, **hyper)
    f = FUNCTIONS[fname]
    records = []
    for k in range(steps + 1):
        p.grad = None
        loss = f(p[0], p[1])
        loss.backward()
        rec = {"p": tolist(p.data), "grad": tolist(p.grad)}
        if k > 0:
            rec["state"] = {n: tolist(v) for n, v in ref.state.items()
                            if isinstance(v, (torch.Tensor, float, int))}
            rec["derived"] = {n: tolist(v) for n, v in ref.derived.items()}
        records.append(rec)
        if k == steps:
            break
        with torch.no_grad():
            ref.step(p.grad.detach(), lr)
    return records


def main():
    cases = []
    for case in CASES:
        fname, start, otype, kwargs, steps = case
        cases.append({
            "name": f"{otype} {json.dumps(kwargs, sort_keys=True)} on {fname}",
            "function": fname, "start": start,
            "optimizer": dict(type=otype, **kwargs),
            "float64": run(case, torch.float64),
            "float32": run(case, torch.float32),
        })
    out = {"generator": {"torch_version": torch.__version__,
                         "note": "records[k]: p and grad after k steps; state/derived of step k; "
                                 "made by tests/tools/make_optimizer_golden.py"},
           "cases": cases}
    with open(sys.argv[1], "w") as fh:
        json.dump(out, fh, allow_nan=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
