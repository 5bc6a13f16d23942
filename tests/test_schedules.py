"""Mutants of the schedules reference: each realistic mistake loses points at the check meant to catch it, with
the diagnosis that names it; legitimate forms keep full marks; the reference equals torch.optim.lr_scheduler."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import assert_caught, mutant_edits
from partial import graded

FILE = "schedules.py"
STEP = "out = learning_rate * float(gamma) ** (np.asarray(t) // step_size)"
EXP = "out = learning_rate * np.exp(-k * np.asarray(t, dtype=float))"
INV = "out = learning_rate / (1.0 + k * np.asarray(t, dtype=float))"

MUTANTS = [
    # (name, [(old, new), ...], the check that must fail, checks that must still pass, words of the diagnosis)
    ("step_without_floor", [(STEP, STEP.replace("//", "/"))], "step_decay.values", (), "whole steps"),
    ("step_one_epoch_early", [(STEP, STEP.replace("(np.asarray(t) //", "((np.asarray(t) + 1) //"))],
     "step_decay.values", (), "one epoch early"),
    ("step_one_epoch_late", [(STEP, STEP.replace("(np.asarray(t) //", "((np.asarray(t) - 1) //"))],
     "step_decay.values", (), "at t = 0"),
    ("step_default_gamma_0.1", [("step_size, gamma=0.5):", "step_size, gamma=0.1):")], "step_decay.values", (), "lr"),
    ("exponential_grows", [(EXP, EXP.replace("np.exp(-k *", "np.exp(k *"))], "exponential_decay.values", (),
     "grows with t"),
    ("exponential_grows_caught_on_its_own_curve", [(EXP, EXP.replace("np.exp(-k *", "np.exp(k *"))],
     "exponential_decay.decreasing", (), "a decay never increases"),
    ("exponential_discrete_factor", [(EXP, "out = learning_rate * (1 - k) ** np.asarray(t, dtype=float)")],
     "exponential_decay.values", (), "lr"),
    ("inverse_power_of_t", [(INV, "out = learning_rate / (1.0 + k) ** np.asarray(t, dtype=float)")],
     "inverse_time_decay.values", (), "lr"),
    ("inverse_without_the_one", [(INV, INV.replace("(1.0 + k * ", "(k * "))], "inverse_time_decay.values", (),
     "inf"),
    ("inverse_returns_a_list", [("    out = learning_rate / (1.0 + k * np.asarray(t, dtype=float))\n"
                                 "    return out if np.ndim(t) else float(out)",
                                 "    out = learning_rate / (1.0 + k * np.asarray(t, dtype=float))\n"
                                 "    return list(out) if np.ndim(t) else float(out)")],
     "inverse_time_decay.values", (), "numpy array"),
]


@pytest.mark.parametrize("name,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, edits, check, still, words):
    result = graded(mutant_edits(tmp_path, "schedules", FILE, edits), "schedules", (check,) + still)
    assert_caught(result, check, still, says=words)


def test_legitimate_forms_keep_full_marks(tmp_path):
    """math.floor / np.floor for the step, e ** x for the exponential, 1/t written as a product."""
    path = mutant_edits(tmp_path, "schedules", FILE, [
        ("    " + STEP + "\n    return out if np.ndim(t) else float(out)",
         "    if np.ndim(t):\n        return learning_rate * gamma ** np.floor(np.asarray(t) / step_size)\n"
         "    import math\n    return learning_rate * gamma ** math.floor(t / step_size)"),
        (EXP, "out = learning_rate * np.e ** (-k * np.asarray(t))"),
        (INV, "out = learning_rate * (1 + k * np.asarray(t)) ** -1.0")])
    result = graded(path, "schedules", ("step_decay.values", "exponential_decay.values", "inverse_time_decay.values",
                                        "step_decay.hidden", "exponential_decay.hidden", "inverse_time_decay.hidden"))
    assert all(o.status == "passed" for o in result.values()), {n: o.output for n, o in result.items()}


@settings(max_examples=10)
@given(lr=st.sampled_from([1.0, 0.1, 1e-3]), T=st.integers(1, 40), step_size=st.integers(1, 12),
       gamma=st.sampled_from([0.1, 0.5, 0.9]), k=st.sampled_from([0.0, 0.05, 0.3, 1.0]))
def test_reference_equals_torch_lr_schedulers(lr, T, step_size, gamma, k):
    from reference.schedules import oracle
    from reference.schedules.schedules import exponential_decay, inverse_time_decay, step_decay
    t = np.arange(T)
    np.testing.assert_allclose(step_decay(lr, t, step_size, gamma),
                               oracle.torch_learning_rates("step_decay", lr, T, step_size=step_size, gamma=gamma),
                               rtol=1e-12)
    np.testing.assert_allclose(exponential_decay(lr, t, k),
                               oracle.torch_learning_rates("exponential_decay", lr, T, k=k), rtol=1e-10)
    np.testing.assert_allclose(inverse_time_decay(lr, t, k),
                               oracle.torch_learning_rates("inverse_time_decay", lr, T, k=k), rtol=1e-12)


@given(lr=st.floats(1e-5, 1.0), t=st.integers(0, 1000), k=st.floats(0.0, 2.0), step_size=st.integers(1, 50))
def test_reference_scalars_agree_with_arrays_and_never_grow(lr, t, k, step_size):
    from reference.schedules.schedules import exponential_decay, inverse_time_decay, step_decay
    for f, arg in ((step_decay, step_size), (exponential_decay, k), (inverse_time_decay, k)):
        scalar, curve = f(lr, t, arg), f(lr, np.arange(t + 1), arg)
        assert type(scalar) is float and curve.shape == (t + 1,) and scalar == curve[-1]
        assert curve[0] == lr and np.all(np.diff(curve) <= 0)


def test_a_hidden_check_names_the_mistake_without_the_case(tmp_path):
    path = mutant_edits(tmp_path, "schedules", FILE, [(EXP, EXP.replace("np.exp(-k *", "np.exp(k *"))])
    out = graded(path, "schedules", ("exponential_decay.hidden",))["exponential_decay.hidden"].output
    assert out.startswith("hidden check failed") and ("grows with t" in out or "exceeds the initial" in out)
    assert "parameters" not in out and "learning_rate =" not in out and "\n" not in out
