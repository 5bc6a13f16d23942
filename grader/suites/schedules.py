"""Checks of the learning-rate schedules: step, exponential and 1/t decay (the lecture's three).

Each function takes the epoch t as an int (and returns a float) or as an array of ints (and returns an array of
t's shape); values are compared with the reference on the lecture's kind of settings (halve every few epochs)
and on drawn ones. The diagnoses read the student's own curve (where it changes, whether it grows, its value at
t = 0): nothing here computes a schedule. The reference equals torch.optim.lr_scheduler's StepLR,
ExponentialLR(gamma = e^−k) and LambdaLR(1 / (1 + k·t)) (tests/test_schedules.py).
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.prop import Property
from ..checks.validate import Fail, check_value
from ..spec import HIDDEN, Assignment

STEP, EXP, INV = "step_decay", "exponential_decay", "inverse_time_decay"


def make_schedule(p):
    t = np.arange(p["T"]) if p.get("array", True) else p["T"]
    extra = {"gamma": p["gamma"]} if p.get("gamma") is not None else {}
    return dict({"learning_rate": p["lr"], "t": t, "step_size": p.get("step_size"), "k": p.get("k")}, **extra)


STEP_PUBLIC = ({"lr": 0.1, "T": 20, "step_size": 5},                       # halve it every 5 epochs (gamma's default)
               {"lr": 1e-3, "T": 35, "step_size": 10, "gamma": 0.1},
               {"lr": 0.5, "T": 7, "step_size": 3, "gamma": 0.5, "array": False})
RATE_PUBLIC = ({"lr": 0.1, "T": 20, "k": 0.1}, {"lr": 1e-3, "T": 50, "k": 0.5}, {"lr": 0.5, "T": 4, "k": 0.25,
                                                                                  "array": False})
LR = st.sampled_from([1.0, 0.1, 0.05, 1e-3, 3e-4])
STEP_DRAWN = st.fixed_dictionaries({"lr": LR, "T": st.integers(1, 60), "step_size": st.integers(1, 15),
                                    "gamma": st.sampled_from([None, 0.1, 0.2, 0.5, 0.9]), "array": st.booleans()})
RATE_DRAWN = st.fixed_dictionaries({"lr": LR, "T": st.integers(1, 60), "k": st.sampled_from([0.0, 0.01, 0.1, 0.3, 1.0]),
                                    "array": st.booleans()})


def call(name):
    def build(plan, i):
        if name == STEP:
            return plan.call(STEP, i["learning_rate"], i["t"], i["step_size"], *([i["gamma"]] if "gamma" in i else []))
        return plan.call(name, i["learning_rate"], i["t"], i["k"])
    return build


def curve_hints(name):
    """Likely causes read from the student's curve and the expected one (arrays of lr_t for t = 0, 1, ...)."""
    def hints(inputs):
        def at_zero(s, e):
            if s.ndim == 1 and s.size and e.size and not np.isclose(s[0], e[0]):
                return "at t = 0 the schedule gives the initial learning rate itself (%g)" % e[0]
            return None

        def grows(s, e):
            if s.ndim == 1 and s.size > 1 and np.any(np.diff(s) > 0) and not np.any(np.diff(e) > 0):
                return "yours grows with t: a decay multiplies by e^(−k·t), or divides by (1 + k·t)"
            return None

        def above_start(s, e):
            if np.any(s > inputs["learning_rate"] * (1 + 1e-12)):
                return "yours exceeds the initial learning rate: a decay never increases it (check the sign of k·t)"
            return None

        def steps(s, e):
            if name != STEP or s.ndim != 1 or s.size < 2:
                return None
            changes, expected = np.flatnonzero(~np.isclose(np.diff(s), 0)) + 1, np.flatnonzero(np.diff(e) != 0) + 1
            if changes.size > expected.size + 1:
                return "yours changes between the steps: use whole steps, floor(t / step_size) (integer division //)"
            for shift, why in ((-1, "yours decays one epoch early: the first decay is at t = step_size"),
                               (1, "yours decays one epoch late: the first decay is at t = step_size")):
                moved = np.arange(inputs["step_size"], s.size + 1, inputs["step_size"]) + shift
                moved = moved[(moved > 0) & (moved < s.size)]
                if moved.size and np.array_equal(changes, moved):
                    return why
            return None
        return [at_zero, grows, above_start, steps]
    return hints


def decreasing(name):
    def body(ctx, inputs):
        """lr_0 at t = 0, then never larger: the student's own curve."""
        plan = ctx.plan()
        plan.returns(call(name)(plan, inputs))
        (s,) = ctx.run_student(plan)
        check_value(s, np.zeros(len(inputs["t"])), "%s(lr_0=%g, t=0..%d)" % (name, inputs["learning_rate"],
                                                                             len(inputs["t"]) - 1), np.inf)
        if not np.isclose(s[0], inputs["learning_rate"], rtol=1e-12):
            raise Fail("%s at t = 0 is %.6g; it must be the initial learning rate %g"
                       % (name, s[0], inputs["learning_rate"]), "wrong initial value",
                       hint="nothing has decayed yet at t = 0")
        up = np.flatnonzero(np.diff(s) > 1e-15 * inputs["learning_rate"])
        if up.size:
            t = int(up[0])
            raise Fail("%s grows from t = %d (%.6g) to t = %d (%.6g): a decay never increases the learning rate"
                       % (name, t, s[t], t + 1, s[t + 1]), "schedule grows",
                       hint="check the sign of the exponent and where k·t goes")
    return body


def schedule_figures(inputs, student, expected, label):
    """Your learning-rate curve and the expected one, epoch by epoch (a public failure in the HTML report)."""
    from ..figures import curves
    s, e = np.asarray(student, dtype=float), np.asarray(expected, dtype=float)
    if s.shape != e.shape or s.ndim != 1 or s.size < 2:
        return []
    return [curves("the learning rate, epoch by epoch", [("figure.yours", s), ("figure.expected", e)],
                   xlabel="epoch t", ylabel="learning rate")]


def schedule_checks(name, public, drawn, what, points):
    cases = Cases(make_schedule, public, drawn)
    return [
        Compare(name + ".values", points, (name,), cases=cases, build=call(name), labels=("lr",), tol=1e-10,
                hints=curve_hints(name), examples=3, figures=schedule_figures, description=what),
        Compare(name + ".hidden", 1, (name,), HIDDEN, cases=Cases(make_schedule, (), drawn), build=call(name),
                labels=("lr",), tol=1e-10, hints=curve_hints(name), examples=8,
                description="the same on hidden settings"),
        Property(name + ".decreasing", 1, (name,), cases=Cases(make_schedule, public[:2],
                                                                drawn.map(lambda p: dict(p, array=True))),
                 body=decreasing(name), examples=4,
                 description="lr_0 at t = 0 and never larger after (your own curve)"),
    ]


CHECKS = (
    schedule_checks(STEP, STEP_PUBLIC, STEP_DRAWN,
                    "lr_0 · gamma^floor(t / step_size), gamma 0.5 by default (halve it every step_size epochs)", 2)
    + schedule_checks(EXP, RATE_PUBLIC, RATE_DRAWN, "lr_0 · e^(−k·t), for an int t and an array of them", 2)
    + schedule_checks(INV, RATE_PUBLIC, RATE_DRAWN, "lr_0 / (1 + k·t), for an int t and an array of them", 2)
)

ASSIGNMENT = Assignment(
    name="schedules", title="Learning-rate schedules: step, exponential and 1/t decay",
    symbols={s: ("schedules",) for s in (STEP, EXP, INV)}, checks=CHECKS, reference_modules=("schedules",))
