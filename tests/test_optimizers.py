"""Mutants of the optimizers reference: each classic mistake loses points at the check meant to catch it, and the
diagnosis names it. Legitimate variants (sgd in place, Adam's 'efficient' form) keep full marks."""
import copy
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

from grader import spec
from grader.course import Course
from grader.run import grade
from grader.suites import optimizers as suite
from helpers import assert_caught, mutant_edits

SLOT = 5   # a sandbox slot of our own: gradings running beside these tests (slot 0) cannot reap our workers

OPTIM = "optim.py"
SGD_LINE = 'next_w = w - config["learning_rate"] * dw\n    return next_w, config\n\n\ndef sgd_momentum'
ADAGRAD_STEP = ('cache = cache + dw * dw\n    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + '
                'config["epsilon"])')
RMSPROP_CACHE = 'cache = decay * config["cache"] + (1 - decay) * dw * dw'
RMSPROP_STEP = RMSPROP_CACHE + '\n    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])'
EPS_OUTSIDE, EPS_INSIDE = '.sqrt({}) + config["epsilon"]', '.sqrt({} + config["epsilon"])'
MOMENTUM_V = 'v = config["momentum"] * v - config["learning_rate"] * dw'
ADAM_LR = 'config.setdefault("learning_rate", 1e-3)'
ADAM_STEP = 'next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])'
ADAM_STORE = 'config["m"], config["v"], config["t"] = m, v, t'

MUTANTS = [
    # (name, rule, [(old, new), ...], the check that must fail, checks that must still pass, words of the diagnosis)
    ("sgd_sign", "sgd", [(SGD_LINE, SGD_LINE.replace("w - config", "w + config"))],
     "sgd.values", (), "up the gradient"),
    ("momentum_sign", "sgd_momentum",
     [(MOMENTUM_V, MOMENTUM_V.replace("v - config", "v + config"))],
     "sgd_momentum.cs231n", (), "sign is flipped"),
    ("velocity_not_stored", "sgd_momentum",
     [('    config["velocity"] = v\n    return next_w, config\n\n\ndef nesterov',
       '    return next_w, config\n\n\ndef nesterov')],
     "sgd_momentum.values", (), "written back"),
    ("nesterov_as_plain_momentum", "nesterov_momentum",
     [("next_w = w - mu * v_prev + (1 + mu) * v", "next_w = w + v")],
     "nesterov_momentum.values", (), "plain momentum"),
    ("adagrad_decaying_cache", "adagrad", [("cache = cache + dw * dw", "cache = 0.99 * cache + 0.01 * dw * dw")],
     "adagrad.values", (), "running SUM"),
    ("adagrad_eps_inside_sqrt", "adagrad",
     [(ADAGRAD_STEP, ADAGRAD_STEP.replace(EPS_OUTSIDE.format("cache"), EPS_INSIDE.format("cache")))],
     "adagrad.tiny_gradients", (), "inside the square root"),
    ("rmsprop_missing_sqrt", "rmsprop",
     [(RMSPROP_STEP, RMSPROP_STEP.replace("(np.sqrt(cache) + ", "(cache + "))],
     "rmsprop.cs231n", (), "square root of the second moment is missing"),
    ("rmsprop_decay_swapped", "rmsprop",
     [(RMSPROP_CACHE, 'cache = (1 - decay) * config["cache"] + decay * dw * dw')],
     "rmsprop.cs231n", (), "swapped"),
    ("rmsprop_eps_inside_sqrt", "rmsprop",
     [(RMSPROP_STEP, RMSPROP_STEP.replace(EPS_OUTSIDE.format("cache"), EPS_INSIDE.format("cache")))],
     "rmsprop.tiny_gradients", ("rmsprop.cs231n",), "inside the square root"),
    ("adam_no_bias_correction", "adam", [(ADAM_STEP, ADAM_STEP.replace("m_hat", "m").replace("v_hat", "v"))],
     "adam.cs231n", (), "no bias correction"),
    ("adam_t_after_use", "adam", [('    t = config["t"] + 1\n', '    t = config["t"]\n'),
                                  (ADAM_STORE, ADAM_STORE.replace("m, v, t", "m, v, t + 1"))],
     "adam.cs231n", (), "incremented after it is used"),
    ("adam_t_not_stored", "adam", [(ADAM_STORE, ADAM_STORE.replace("m, v, t", 'm, v, config["t"]'))],
     "adam.cs231n", (), "not written back"),
    ("adam_m_v_swapped", "adam", [(ADAM_STORE, ADAM_STORE.replace("m, v, t", "v, m, t"))],
     "adam.cs231n", (), "m and v are swapped"),
    ("adam_eps_inside_sqrt", "adam",
     [(ADAM_STEP, ADAM_STEP.replace(EPS_OUTSIDE.format("v_hat"), EPS_INSIDE.format("v_hat")))],
     "adam.tiny_gradients", ("adam.cs231n",), "inside the square root"),
    ("adam_default_lr_1e-2", "adam", [(ADAM_LR, ADAM_LR.replace("1e-3", "1e-2"))],
     "adam.defaults", ("adam.cs231n",), "default learning rate"),
]


def edited(tmp_path, edits):
    """A copy of the optimizers reference with every (old, new) edit applied."""
    return mutant_edits(tmp_path, "optimizers", OPTIM, edits)


def graded(monkeypatch, path, rule):
    """Only the checks of one rule (the others are unchanged by a one-rule mutant): keeps this file fast."""
    one = replace(suite.ASSIGNMENT, checks=[c for c in suite.ASSIGNMENT.checks if c.name.split(".")[0] == rule])
    monkeypatch.setattr(spec, "assignments", lambda names=None: [one])
    report = grade(path, ["optimizers"], Course(), slot=SLOT)
    return {o.check.name: o for o in report.outcomes}, report


@pytest.mark.parametrize("name,rule,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, monkeypatch, name, rule, edits, check, still, words):
    result, report = graded(monkeypatch, edited(tmp_path, edits), rule)
    assert_caught(result, check, still, says=words, report=report)


SGD_IN_PLACE = 'w -= config["learning_rate"] * dw\n    next_w = w\n    return next_w, config\n\n\ndef sgd_momentum'
ADAM_ALPHA = ('alpha = config["learning_rate"] * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n'
              '    next_w = w - alpha * m / (np.sqrt(v) + config["epsilon"])')


@pytest.mark.parametrize("name,rule,edits", [
    ("sgd_in_place", "sgd", [(SGD_LINE, SGD_IN_PLACE)]),            # CS231n's own sgd: w -= lr * dw
    ("adam_alpha_form", "adam", [(ADAM_STEP, ADAM_ALPHA)]),         # CS231n 2025's solution (Kingma & Ba, sec. 2)
])
def test_legitimate_variants_keep_full_marks(tmp_path, monkeypatch, name, rule, edits):
    result, report = graded(monkeypatch, edited(tmp_path, edits), rule)
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_hidden_checks_name_the_mistake_without_showing_inputs(tmp_path, monkeypatch):
    result, _ = graded(monkeypatch, edited(tmp_path, MUTANTS[-2][2]), "adam")
    out = result["adam.tiny_gradients"].output
    assert out.startswith("hidden check failed") and "inside the square root" in out and "dw" not in out


# ---------------------------------------------------------------- the suite's own pieces

RULES = suite.RULES


@pytest.mark.parametrize("rule", RULES)
@given(params=suite.STEP_DRAWN)
@settings(max_examples=5)
def test_simulated_right_rules_equal_the_reference(rule, params):
    """The mistake simulators, set right, are the reference: a fingerprint names a real difference."""
    from reference.optimizers import grading, optim
    right = {"sgd": grading.sgd_like(), "sgd_momentum": grading.momentum_like(),
             "nesterov_momentum": grading.momentum_like(nesterov=True), "adagrad": grading.adagrad_like(),
             "rmsprop": grading.rmsprop_like(), "adam": grading.adam_like()}[rule]
    inputs = suite.make_step(rule)(params)
    ours = right(inputs["w"].copy(), inputs["dw"].copy(), copy.deepcopy(inputs["config"]))
    theirs = getattr(optim, rule)(inputs["w"].copy(), inputs["dw"].copy(), copy.deepcopy(inputs["config"]))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-13)
    for key, value in theirs[1].items():
        np.testing.assert_allclose(ours[1][key], value, rtol=1e-13)


@pytest.mark.parametrize("rule", RULES)
@given(params=suite.STEPS_DRAWN)
@settings(max_examples=3)
def test_torch_oracle_equals_the_reference(rule, params):
    from reference.optimizers import optim
    inputs = suite.make_steps(rule)(params)
    w, config = suite.simulate_steps(getattr(optim, rule), inputs)
    t_w, t_state = suite.oracle().torch_steps(rule, inputs["w"], inputs["grads"], inputs["config"])
    np.testing.assert_allclose(t_w, w, rtol=1e-10, atol=1e-12)
    for key, value in t_state.items():
        np.testing.assert_allclose(value, config[key], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rule", RULES)
@given(params=suite.QUADRATIC_DRAWN)
@settings(max_examples=10)
def test_reference_converges_on_drawn_quadratics(rule, params):
    """What the worker runs, in NumPy: the reference meets the bound on every drawn problem."""
    from reference.optimizers import optim
    p = suite.make_quadratic(params)
    A, c, w = p["A"], p["c"], p["w"]
    config, steps, floor = suite.QUADRATIC[rule]
    config, f = dict(config), lambda w: 0.5 * (w - c) @ A @ (w - c)
    f0 = f(w)
    for _ in range(steps):
        w, config = getattr(optim, rule)(w, A @ (w - c), config)
    assert f(w) <= 1e-3 * f0 + floor


@pytest.mark.parametrize("rule", RULES)
@given(params=suite.ROSENBROCK_DRAWN)
@settings(max_examples=10)
def test_reference_progresses_on_drawn_rosenbrock_starts(rule, params):
    from reference.optimizers import optim
    w0 = np.array(params["starts"], dtype=float).T
    w, config = w0.copy(), dict(suite.ROSENBROCK[rule])
    for _ in range(suite.ROSENBROCK_STEPS):
        x, y = w
        g = np.stack([2 * (x - 1) - 400 * x * (y - x * x), 200 * (y - x * x)])
        w, config = getattr(optim, rule)(w, g, config)
    assert np.all(suite.rosenbrock(w) <= 0.5 * suite.rosenbrock(w0) + 3)
