"""The classic mistakes of the CS231n update rules, simulated in NumPy (grader/suites/optimizers.py names the one
whose output equals a wrong student's), and the variants accepted besides the reference.

Grading side only: with default arguments each simulator IS the right update rule, so this module lives here,
beside the reference, and never in the student kit (grader/studentkit/README.md, "The kit computes no answer").
"""
import numpy as np

from grader.suites.optimizers import DEFAULTS

from . import optim   # noqa: F401 (the reference, beside its mistakes: Diagnosis uses both)


def _config(config, rule):
    config = {} if config is None else config
    for k, v in DEFAULTS[rule].items():
        config.setdefault(k, v)
    return config


def sgd_like(sign=-1):
    def update(w, dw, config=None):
        config = _config(config, "sgd")
        return w + sign * config["learning_rate"] * dw, config
    return update


def momentum_like(sign=-1, step="plus", store=True, nesterov=False):
    def update(w, dw, config=None):
        config = _config(config, "nesterov_momentum" if nesterov else "sgd_momentum")
        mu, lr = config["momentum"], config["learning_rate"]
        v_prev = config.get("velocity", np.zeros_like(w))
        v = mu * v_prev + sign * lr * dw
        if nesterov:
            next_w = w - mu * v_prev + (1 + mu) * v
        else:
            next_w = w + v if step == "plus" else w - v
        if store:
            config["velocity"] = v
        return next_w, config
    return update


def adagrad_like(decay=None, eps_inside=False, sqrt=True):
    def update(w, dw, config=None):
        config = _config(config, "adagrad")
        cache = config.get("cache", np.zeros_like(w))
        cache = cache + dw * dw if decay is None else decay * cache + (1 - decay) * dw * dw
        config["cache"] = cache
        return w - config["learning_rate"] * dw / _denominator(cache, config["epsilon"], eps_inside, sqrt), config
    return update


def rmsprop_like(swapped=False, eps_inside=False, sqrt=True, no_decay=False):
    def update(w, dw, config=None):
        config = _config(config, "rmsprop")
        rho, cache = config["decay_rate"], config.get("cache", np.zeros_like(w))
        if no_decay:
            cache = cache + dw * dw
        elif swapped:
            cache = (1 - rho) * cache + rho * dw * dw
        else:
            cache = rho * cache + (1 - rho) * dw * dw
        config["cache"] = cache
        return w - config["learning_rate"] * dw / _denominator(cache, config["epsilon"], eps_inside, sqrt), config
    return update


def adam_like(bias=True, t_use="before", eps_inside=False, sqrt=True, swap_store=False, default_lr=1e-3,
              alpha_form=False):
    """Adam and its classic mistakes. t_use: "before" (right), "after" (t used, then incremented), "not stored"
    (t + 1 used, config['t'] never updated), "unchanged" (t used as is, never incremented).
    alpha_form: Kingma & Ba's 'efficient' version (CS231n 2025's solution), lr_t = lr·sqrt(1 − β2ᵗ)/(1 − β1ᵗ);
    w −= lr_t·m/(sqrt(v) + ε): accepted, it differs only through ε."""
    def update(w, dw, config=None):
        config = {} if config is None else config
        config.setdefault("learning_rate", default_lr)
        for k in ("beta1", "beta2", "epsilon"):
            config.setdefault(k, DEFAULTS["adam"][k])
        b1, b2, eps = config["beta1"], config["beta2"], config["epsilon"]
        m, v = config.get("m", np.zeros_like(w)), config.get("v", np.zeros_like(w))
        t0 = config.get("t", 0)
        t = t0 if t_use in ("after", "unchanged") else t0 + 1
        m = b1 * m + (1 - b1) * dw
        v = b2 * v + (1 - b2) * dw * dw
        if alpha_form:
            lr_t = config["learning_rate"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            next_w = w - lr_t * m / (np.sqrt(v) + eps)
        else:
            m_hat, v_hat = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if bias else (m, v)
            next_w = w - config["learning_rate"] * m_hat / _denominator(v_hat, eps, eps_inside, sqrt)
        config["m"], config["v"] = (v, m) if swap_store else (m, v)
        config["t"] = t0 if t_use in ("not stored", "unchanged") else t0 + 1
        return next_w, config
    return update


def _denominator(second_moment, eps, eps_inside, sqrt):
    if not sqrt:
        return second_moment + eps
    return np.sqrt(second_moment + eps) if eps_inside else np.sqrt(second_moment) + eps


EPS_INSIDE = "ε is inside the square root: use sqrt(·) + ε (it matters when gradients are tiny)"
NO_SQRT = "the square root of the second moment is missing: divide by sqrt(·) + ε"
MISTAKES = {
    "sgd": [("the step goes up the gradient: next_w = w − lr·dw", sgd_like(sign=+1))],
    "sgd_momentum": [
        ("the momentum sign is flipped: v = μ·v − lr·dw, then next_w = w + v", momentum_like(sign=+1)),
        ("the momentum sign is flipped: v = μ·v − lr·dw, then next_w = w + v", momentum_like(step="minus")),
        ("the velocity is not written back: store config['velocity'] = v", momentum_like(store=False))],
    "nesterov_momentum": [
        ("this is plain momentum (next_w = w + v); Nesterov in the φ form is "
         "next_w = w − μ·v_prev + (1 + μ)·v", momentum_like()),
        ("the momentum sign is flipped: v = μ·v − lr·dw", momentum_like(sign=+1, nesterov=True)),
        ("the velocity is not written back: store config['velocity'] = v", momentum_like(store=False, nesterov=True))],
    "adagrad": [
        ("the cache decays like RMSProp's; AdaGrad's cache is the running SUM of squared gradients",
         adagrad_like(decay=0.99)),
        (EPS_INSIDE, adagrad_like(eps_inside=True)), (NO_SQRT, adagrad_like(sqrt=False))],
    "rmsprop": [
        (NO_SQRT, rmsprop_like(sqrt=False)), (EPS_INSIDE, rmsprop_like(eps_inside=True)),
        ("decay_rate and 1 − decay_rate are swapped: cache = decay_rate·cache + (1 − decay_rate)·dw²",
         rmsprop_like(swapped=True)),
        ("the cache does not decay (that is AdaGrad): cache = decay_rate·cache + (1 − decay_rate)·dw²",
         rmsprop_like(no_decay=True))],
    "adam": [
        ("no bias correction: divide m by (1 − β1ᵗ) and v by (1 − β2ᵗ)", adam_like(bias=False)),
        ("t is incremented after it is used: increment t BEFORE the bias correction", adam_like(t_use="after")),
        ("t is not written back: config['t'] must grow by one per call", adam_like(t_use="not stored")),
        ("t is never incremented: t += 1 before the bias correction, and store it in config['t']",
         adam_like(t_use="unchanged")),
        (NO_SQRT, adam_like(sqrt=False)), (EPS_INSIDE, adam_like(eps_inside=True)),
        ("m and v are swapped when written back into config", adam_like(swap_store=True)),
        ("Adam's default learning rate is 1e-3", adam_like(default_lr=1e-2))],
}
ACCEPTED = {"adam": [adam_like(alpha_form=True)]}
