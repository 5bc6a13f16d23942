"""What a gradient check of the conv layer costs: dlgrader's Gradient check against CS231n's elementwise method.

    python -m benchmarks.gradcheck_cost [--runs 5] [--layer fast|naive|both] [--mutants]

The case is the issue's: N=2, C=3, H=W=16, F=8 filters 3×3, stride 1, pad 1, float64.
- dlgrader: the suite's `conv_backward_<layer>.numerical_gradient` check on that case, graded as it is graded
  (the reference as the submission, in a sandbox worker that is already started): centred differences of the
  student's forward along random directions plus one-hot probes, all forward calls in one round trip.
  Seconds are the check's wall time: the analytic gradients on both sides, the forward calls, the transfers.
- (with `python -m benchmarks`) torch.autograd.gradcheck, full and fast_mode, on the same case through a
  torch.autograd.Function wrapper (torch_check).
- CS231n: `eval_numerical_gradient_array` (gradient_check.py) over every entry of x, w and b, in-process as in
  the notebook: 2 forward calls per entry, 2·(1536 + 216 + 8) = 3520 calls; then rel_error against the
  backward. A check "catches" a mutant when the worst rel_error over dx, dw, db exceeds 1e-6 (the notebook
  expects "around e-8 or less").
With --mutants each method also runs once on conv mutants (one realistic bug each, from tests/test_conv_pool.py).
"""
import argparse
import contextlib
import dataclasses
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np

from benchmarks.grade_latency import machine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE = {"N": 2, "C": 3, "F": 8, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 16, "W_out": 16, "seed": 0}
TOL = 1e-6
MUTANTS = {   # name: (layer it belongs to, old text of reference/conv_pool/layers.py, new text)
    "flipped_kernel": ("naive", "out[n, f, i, j] = np.sum(window * w[f]) + b[f]",
                       "out[n, f, i, j] = np.sum(window * w[f, :, ::-1, ::-1]) + b[f]"),
    "pad_on_one_side": ("naive", "    xp = _pad(x, pad)\n    out = np.zeros((N, F, H_out, W_out)",
                        "    xp = np.pad(x, ((0, 0), (0, 0), (2 * pad, 0), (2 * pad, 0)))\n"
                        "    out = np.zeros((N, F, H_out, W_out)"),
    "db_from_one_sample": ("naive", "db = dout.sum(axis=(0, 2, 3))", "db = dout[0].sum(axis=(1, 2))"),
    "stride_ignored_in_backward": ("naive", "rows = slice(i * stride, i * stride + HH)\n"
                                            "                    cols = slice(j * stride, j * stride + WW)",
                                   "rows = slice(i, i + HH)\n                    cols = slice(j, j + WW)"),
    "fast_dw_not_summed": ("fast", ".sum(axis=0).reshape(w.shape)", "[0].reshape(w.shape)"),
}


def rel_error(x, y):
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """CS231n's gradient_check.eval_numerical_gradient_array: a centred difference per entry of x."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = f(x).copy()
        x[ix] = oldval - h
        neg = f(x).copy()
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def submission_copy(top, mutant=None):
    """reference/conv_pool copied to `top` (with one mutation applied); returns its path."""
    dest = os.path.join(top, "conv_pool")
    shutil.copytree(os.path.join(ROOT, "reference", "conv_pool"), dest)
    if mutant:
        _, old, new = MUTANTS[mutant]
        path = os.path.join(dest, "layers.py")
        source = open(path).read()
        assert old in source, mutant
        open(path, "w").write(source.replace(old, new))
    return dest


def dlgrader_check(path, layer):
    """(passed, forward calls, seconds, error) of the suite's Gradient check on CASE, graded from `path`; the
    error is the largest relative error between a directional (or one-hot) numerical derivative and ⟨∇f, d⟩."""
    from grader.checks.cases import Cases
    from grader.course import Course
    from grader.isolation import claim_slot, probe
    from grader.run import grade_assignment
    from grader.submission import prepare
    from grader.suites.conv_pool import ASSIGNMENT, make_conv
    check = dataclasses.replace(ASSIGNMENT.check("conv_backward_%s.numerical_gradient" % layer),
                                cases=Cases(make_conv, (CASE,)))
    warm_up = ASSIGNMENT.check("conv_output_size.values")   # starts the worker before the timed check
    assignment = dataclasses.replace(ASSIGNMENT, checks=[warm_up, check])
    top = tempfile.mkdtemp(prefix="gradcheck-")
    try:
        submission = prepare(path, os.path.join(top, "submission"))
        isolation = probe()
        with claim_slot() if isolation.uid_switch else contextlib.nullcontext(0) as slot:   # like every grading
            outcome = grade_assignment(assignment, submission, Course(), top, False, isolation, [], slot)[1]
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return outcome.status == "passed", getattr(check, "forward_calls", 0), outcome.seconds, \
        getattr(check, "worst_error", None)


def load_layers(path):
    spec = importlib.util.spec_from_file_location("bench_layers_%d" % id(path), os.path.join(path, "layers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cs231n_check(path, layer):
    """(passed, forward calls, seconds, error) of CS231n's elementwise method over x, w and b on CASE; the error
    is the notebook's: the worst rel_error of dx, dw, db."""
    from grader.suites.conv_pool import make_conv
    layers = load_layers(path)
    forward = getattr(layers, "conv_forward_" + layer)
    backward = getattr(layers, "conv_backward_" + layer)
    case = make_conv(CASE)
    x, w, b, cp, dout = case["x"], case["w"], case["b"], case["conv_param"], case["dout"]
    calls = [0]

    def out(x, w, b):
        calls[0] += 1
        return forward(x, w, b, cp)[0]

    t0 = time.perf_counter()
    dx_num = eval_numerical_gradient_array(lambda v: out(v, w, b), x.copy(), dout)
    dw_num = eval_numerical_gradient_array(lambda v: out(x, v, b), w.copy(), dout)
    db_num = eval_numerical_gradient_array(lambda v: out(x, w, v), b.copy(), dout)
    dx, dw, db = backward(dout, forward(x, w, b, cp)[1])
    seconds = time.perf_counter() - t0
    worst = max(rel_error(dx_num, dx), rel_error(dw_num, dw), rel_error(db_num, db))
    return worst <= TOL, calls[0], seconds, worst


def torch_check(path, layer, fast_mode=False):
    """(passed, forward calls, seconds, None) of torch.autograd.gradcheck on CASE, through a
    torch.autograd.Function whose forward and backward are the submission's (x, w, b all checked; atol 1e-5,
    rtol 1e-3, eps 1e-6). gradcheck answers pass or fail at those tolerances: it reports no error figure."""
    import torch
    from grader.suites.conv_pool import make_conv
    layers = load_layers(path)
    forward = getattr(layers, "conv_forward_" + layer)
    backward = getattr(layers, "conv_backward_" + layer)
    case = make_conv(CASE)
    cp = case["conv_param"]
    calls = [0]

    class Conv(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, b):
            calls[0] += 1
            out, cache = forward(x.detach().numpy(), w.detach().numpy(), b.detach().numpy(), cp)
            ctx.cache = cache
            return torch.from_numpy(out)

        @staticmethod
        def backward(ctx, dout):
            return tuple(torch.from_numpy(np.ascontiguousarray(g))
                         for g in backward(dout.detach().numpy().copy(), ctx.cache))

    inputs = tuple(torch.from_numpy(case[k].copy()).requires_grad_() for k in ("x", "w", "b"))
    t0 = time.perf_counter()
    passed = torch.autograd.gradcheck(Conv.apply, inputs, raise_exception=False, fast_mode=fast_mode)
    return bool(passed), calls[0], time.perf_counter() - t0, None


def torch_fast_check(path, layer):
    """torch.autograd.gradcheck(fast_mode=True): one random projection instead of the full Jacobian."""
    return torch_check(path, layer, fast_mode=True)


METHODS = {"dlgrader": dlgrader_check, "cs231n": cs231n_check}
ALL_METHODS = dict(METHODS, torch_gradcheck=torch_check, torch_gradcheck_fast=torch_fast_check)


def timing(layer, runs):
    top = tempfile.mkdtemp(prefix="gradcheck-")
    try:
        path = submission_copy(top)
        for name, method in METHODS.items():
            results = [method(path, layer) for _ in range(runs)]
            times = [r[2] for r in results]
            assert all(r[0] for r in results), "the reference failed the %s check" % name
            print("| %s | %s | %d | %.3f s | %.3f s | %.3f s | %d |" % (
                name, layer, results[0][1], statistics.median(times), min(times), max(times), runs))
            sys.stdout.flush()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def mutants():
    for name, (layer, _, _) in MUTANTS.items():
        top = tempfile.mkdtemp(prefix="gradcheck-")
        try:
            path = submission_copy(top, name)
            verdicts = []
            for method in METHODS.values():
                try:
                    passed = method(path, layer)[0]
                except Exception as exc:   # a crash is a catch for CS231n's method (the notebook stops)
                    passed = False
                    print("  (%s raised %s)" % (method.__name__, type(exc).__name__))
                verdicts.append("passes" if passed else "**caught**")
            print("| %s (%s) | %s | %s |" % (name, layer, verdicts[0], verdicts[1]))
            sys.stdout.flush()
        finally:
            shutil.rmtree(top, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--layer", choices=("fast", "naive", "both"), default="fast")
    p.add_argument("--mutants", action="store_true")
    args = p.parse_args()
    print("machine: %s" % machine())
    print("| method | layer | forward calls | median | min | max | runs |")
    print("|---|---|---|---|---|---|---|")
    for layer in (("fast", "naive") if args.layer == "both" else (args.layer,)):
        timing(layer, args.runs)
    if args.mutants:
        print("\n| mutant (layer) | dlgrader Gradient check | CS231n elementwise |")
        print("|---|---|---|")
        mutants()


if __name__ == "__main__":
    main()
