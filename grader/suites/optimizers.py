"""Checks of the first-order update rules: update(w, dw, config) -> (next_w, config).

- CS231n's notebook values (published matrices), one step against the reference on fixed and drawn inputs,
  defaults and state written back into `config` (configs cross the wire as dicts and come back as dicts).
- Multi-step runs in ONE plan (each step's call reads the previous step's next_w and config), compared with
  the reference and with torch.optim (reference/optimizers/oracle.py, in this trusted process, conventions
  mapped there). Gradients are given, so both sides follow the same sequence.
- Convergence: the student's rule is looped inside the worker, the gradient of the problem computed there
  with NumPy calls (`np.matmul`, ...) between the updates, a few hundred steps per round trip; the parent
  evaluates the objective at the final weights itself.
- Diagnosis: when a result is wrong, the classic mistakes are simulated (reference/optimizers/grading.py, NumPy,
  in the parent) on the same inputs; a mistake whose output equals the student's is named (`Diagnosis`).

CS231n allows updating w in place (`w -= lr * dw`): plans never reuse a w after handing it to the student.
"""
import copy

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.diagnosis import either
from ..checks.prop import Property
from ..checks.validate import Fail, check_value, describe, rel_error
from ..sandbox.plan import Ref
from ..spec import HIDDEN, Assignment, Setting
from . import grading_side

RULES = ("sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adam")
DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE = {"sgd": (), "sgd_momentum": ("velocity",), "nesterov_momentum": ("velocity",), "adagrad": ("cache",),
         "rmsprop": ("cache",), "adam": ("m", "v", "t")}
TOL = 1e-7          # CS231n's notebooks: "around e-7 or less" (sgd_momentum: e-8)
STATE_HINT = "the rule's state must be written back into config (e.g. config['velocity'] = v) and config returned"


def oracle():
    """The torch.optim oracle, imported on first use (importing torch takes seconds)."""
    from reference.optimizers import oracle as module
    return module


def hinted(message, category, hint=None, abort=False):
    """A Fail whose message ends with its hint (visible checks show the message, hidden ones the hint)."""
    return Fail(message + ("\nhint: " + hint if hint else ""), category, hint=hint, abort=abort)


def leaves(tree, path=()):
    """{path: array} for every number or array in a tree of tuples, lists and dicts."""
    if isinstance(tree, dict):
        return {p: v for k in tree for p, v in leaves(tree[k], path + (k,)).items()}
    if isinstance(tree, (tuple, list)):
        return {p: v for i, x in enumerate(tree) for p, v in leaves(x, path + (i,)).items()}
    try:
        value = np.asarray(tree, dtype=float)
    except (TypeError, ValueError):
        return {path: None}
    return {path: value}


def distance(a, b):
    """rel_error that also compares where values are not finite (NaN from 0/0, sqrt of a negative...)."""
    if a is None or b is None or a.shape != b.shape:
        return np.inf
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(np.isnan(a), np.isnan(b)) \
            or not np.array_equal(a[np.isinf(a)], b[np.isinf(b)]):
        return np.inf
    return rel_error(a[fa], b[fb])


def matches(student, simulated, reference):
    """The student's leaf is the mistake's, and the mistake is clearly not the reference there."""
    d = distance(student, simulated)
    return d <= 1e-9 and distance(simulated, reference) > 100 * max(d, 1e-13)


class Diagnosis:
    """Names the classic mistakes of `rule` that explain a wrong answer. simulate(update) -> the answer's tree
    for that update rule on copies of the check's inputs (the same steps the plan ran)."""

    def __init__(self, rule, simulate):
        grading = grading_side("optimizers")   # None in the student kit: no diagnosis there, the comparison runs
        self.simulate = simulate
        self.reference = self._run(getattr(grading.optim, rule)) if grading else {}
        self.mistakes = [(message, self._run(update)) for message, update in grading.MISTAKES[rule]] if grading else []

    def _run(self, update):
        try:
            with np.errstate(all="ignore"):
                return leaves(self.simulate(update))
        except Exception:  # a mistake that cannot run on these inputs explains nothing
            return {}

    def whole(self, student):
        """Mistakes whose every output (next_w and each config entry) equals the student's."""
        got = leaves(student)
        return [message for message, out in self.mistakes
                if out and set(out) == set(got) and all(distance(got[p], v) <= 1e-9 for p, v in out.items())]

    def hint_rule(self, match_tol=1e-12):
        """A `hints` rule (student, expected) -> message, for one output: the mistakes whose output there
        equals the student's, where the reference's equals the expected one (within match_tol)."""
        def explain(s, e):
            found = []
            for path, r in self.reference.items():
                if distance(r, e) > match_tol:
                    continue
                for message, out in self.mistakes:
                    if matches(s, out.get(path), r) and message not in found:
                        found.append(message)
            return either(found)
        return explain


# ---------------------------------------------------------------- comparing (next_w, config)

def check_update(student, expected, rule, simulate, label="", tol=TOL, match_tol=1e-12):
    """Validate and compare one (next_w, config) answer against `expected`; name the likely mistake when it
    is wrong. A variant in ACCEPTED (the same update up to where ε sits) passes as well."""
    if not isinstance(student, (tuple, list)) or len(student) != 2:
        raise hinted("%s should return (next_w, config), returned %s" % (rule, describe(student)),
                     "wrong return value", hint="return next_w, config")
    diagnosis = Diagnosis(rule, simulate)
    try:
        _compare(student, expected, label, tol, [diagnosis.hint_rule(match_tol)])
    except Fail as fail:
        accepted = accepted_variants(rule)
        for update in accepted or ():
            try:
                _compare(student, simulate(update), label, tol, None)
                return
            except Fail:
                pass
        if accepted is None and rule in ACCEPTED_IN_THE_KIT:
            fail.message += "\n(in the student kit: %s)" % ACCEPTED_IN_THE_KIT[rule]
        whole = diagnosis.whole(student)
        if whole:   # one mistake explains every output: name it, whatever the first wrong output said
            raise with_hint(fail, either(whole))
        if fail.category == "missing keys":
            raise with_hint(fail, STATE_HINT)
        if fail.category == "not finite":
            raise with_hint(fail, NOT_FINITE.get(rule, "a division by zero or the square root of a negative number?"))
        raise


ACCEPTED_IN_THE_KIT = {"adam": "Kingma & Ba's α_t form of the update is accepted at grading time, not checked here"}


def accepted_variants(rule):
    """The update rules accepted besides the reference; None in the student kit, which has none (each would be
    a working update rule)."""
    grading = grading_side("optimizers")
    return grading.ACCEPTED.get(rule, []) if grading else None


def with_hint(fail, hint):
    """The same failure with `hint` as its (only) hint line."""
    fail.hint = hint
    fail.message = "\n".join([line for line in fail.message.splitlines() if not line.startswith("hint:")]
                             + ["hint: " + hint])
    return fail


NOT_FINITE = {"adam": "a division by zero or the square root of a negative number: is t 0 in the bias "
                      "correction (increment it first)? are m and v swapped?"}


def _compare(student, expected, label, tol, hints):
    next_w, config = student
    check_value(next_w, expected[0], label + "next_w", tol, hints)
    if not isinstance(config, dict):
        raise hinted("%sconfig should be a dict, got %s" % (label, describe(config)), "wrong type",
                     hint="return the config dict (with the state written back)")
    check_value(config, expected[1], label + "config", tol, hints)


# ---------------------------------------------------------------- one step: cases

def notebook_case(rule):
    """CS231n's notebook inputs: N, D = 4, 5; w, dw linspaced; state linspaced; t = 5."""
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    fill = lambda a, b: np.linspace(a, b, num=N * D).reshape(N, D)   # noqa: E731
    config = {"sgd": {"learning_rate": 1e-2},
              "sgd_momentum": {"learning_rate": 1e-3, "velocity": fill(0.6, 0.9)},
              "nesterov_momentum": {"learning_rate": 1e-3, "velocity": fill(0.6, 0.9)},
              "adagrad": {"learning_rate": 1e-2, "cache": fill(0.6, 0.9)},
              "rmsprop": {"learning_rate": 1e-2, "cache": fill(0.6, 0.9)},
              "adam": {"learning_rate": 1e-2, "m": fill(0.6, 0.9), "v": fill(0.7, 0.5), "t": 5}}[rule]
    return {"w": w, "dw": dw, "config": config}


def hyperparameters(rule, rng):
    c = {"learning_rate": float(10 ** rng.uniform(-4, -1))}
    if rule in ("sgd_momentum", "nesterov_momentum"):
        c["momentum"] = float(rng.uniform(0.0, 0.99))
    if rule == "rmsprop":
        c["decay_rate"] = float(rng.uniform(0.5, 0.999))
    if rule == "adam":
        c["beta1"], c["beta2"] = float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999))
    return c


def state(rule, shape, rng):
    """Some state to start from, as if earlier steps had run."""
    if rule in ("sgd_momentum", "nesterov_momentum"):
        return {"velocity": rng.standard_normal(shape) * 0.1}
    if rule in ("adagrad", "rmsprop"):
        return {"cache": rng.uniform(0.01, 1.0, shape)}
    if rule == "adam":
        return {"m": rng.standard_normal(shape) * 0.5, "v": rng.uniform(0.01, 1.0, shape),
                "t": int(rng.integers(0, 20))}
    return {}


def make_step(rule):
    """params {shape, seed, config: none | empty | hyper | state} -> {w, dw, config}."""
    def make(p):
        if p.get("notebook"):
            return notebook_case(rule)
        rng = np.random.default_rng(p["seed"])
        shape = tuple(p["shape"])
        w, dw = rng.standard_normal(shape), rng.standard_normal(shape)
        config = {"none": lambda: None, "empty": dict, "hyper": lambda: hyperparameters(rule, rng),
                  "state": lambda: dict(hyperparameters(rule, rng), **state(rule, shape, rng))}[p["config"]]()
        return {"w": w, "dw": dw, "config": config}
    return make


SHAPES = st.lists(st.integers(1, 5), min_size=1, max_size=3)
STEP_DRAWN = st.fixed_dictionaries({"shape": SHAPES, "config": st.sampled_from(["none", "hyper", "state"]),
                                    "seed": st.integers(0, 2 ** 16)})
STEP_PUBLIC = ({"notebook": True}, {"shape": [3, 4], "config": "state", "seed": 1},
               {"shape": [6], "config": "hyper", "seed": 2})
DEFAULT_PUBLIC = ({"shape": [2, 3], "config": "none", "seed": 3}, {"shape": [4], "config": "empty", "seed": 4})


def one_step(rule):
    """Property body: one call against the reference, with the diagnosis."""
    def body(ctx, inputs):
        (student,), (expected,) = ctx.both(lambda plan: [plan.call(rule, inputs["w"], inputs["dw"],
                                                                   inputs["config"])])
        check_update(student, expected, rule, lambda update: update(
            inputs["w"].copy(), inputs["dw"].copy(), copy.deepcopy(inputs["config"])))
    return body


# ---------------------------------------------------------------- CS231n's published values

CS231N = {
    "sgd_momentum": {"tol": 1e-8, "next_w": [
        [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
        [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
        [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
        [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]], "velocity": [
        [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
        [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
        [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
        [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096]]},
    "rmsprop": {"tol": 1e-7, "next_w": [
        [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
        [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
        [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
        [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]], "cache": [
        [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
        [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
        [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
        [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926]]},
    # next_w is published to 8 decimals: the exact update is 1.1e-7 away from it (t incremented after use:
    # 1.5e-3), so next_w gets 1e-6 as in the reference's own test; m and v 1e-7.
    "adam": {"tol": 1e-7, "next_w_tol": 1e-6, "t": 6, "next_w": [
        [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
        [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
        [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
        [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]], "v": [
        [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
        [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
        [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
        [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966]], "m": [
        [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
        [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
        [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
        [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85]]},
}


def cs231n_values(rule):
    """CS231n's notebook test: the published next_w and state, at the notebook's tolerances."""
    published = CS231N[rule]

    def body(ctx, inputs):
        plan = ctx.plan()
        plan.returns(plan.call(rule, inputs["w"], inputs["dw"], inputs["config"]))
        (student,) = ctx.run_student(plan)
        if not isinstance(student, (tuple, list)) or len(student) != 2 or not isinstance(student[1], dict):
            raise hinted("%s should return (next_w, config) with config a dict, returned %s"
                         % (rule, describe(student)), "wrong return value", hint="return next_w, config")
        diagnosis = Diagnosis(rule, lambda update: update(inputs["w"].copy(), inputs["dw"].copy(),
                                                           copy.deepcopy(inputs["config"])))
        expected = {"next_w": np.array(published["next_w"])}
        expected.update({key: published[key] if key == "t" else np.array(published[key]) for key in STATE[rule]})
        try:
            for key, value in expected.items():
                if key != "next_w" and key not in student[1]:
                    raise hinted("config has no %r after the call" % key, "missing keys", hint=STATE_HINT)
                mine = student[0] if key == "next_w" else student[1][key]
                tol = published.get("next_w_tol", published["tol"]) if key == "next_w" else published["tol"]
                check_value(mine, value, "next_w" if key == "next_w" else "config[%r]" % key, tol,
                            [diagnosis.hint_rule(match_tol=1e-6)])
        except Fail as fail:
            whole = diagnosis.whole(student)
            raise with_hint(fail, either(whole)) if whole else fail
    return body


# ---------------------------------------------------------------- several steps in one plan

def make_steps(rule):
    """params {shape, steps, seed} -> w, the gradients of each step, hyperparameters (fresh state)."""
    def make(p):
        rng = np.random.default_rng(p["seed"])
        shape = tuple(p["shape"])
        return {"w": rng.standard_normal(shape), "grads": [rng.standard_normal(shape) for _ in range(p["steps"])],
                "config": hyperparameters(rule, rng)}
    return make


STEPS_DRAWN = st.fixed_dictionaries({"shape": SHAPES, "steps": st.integers(2, 12), "seed": st.integers(0, 2 ** 16)})


def chain(plan, rule, inputs):
    """The steps of one run: each call gets the previous next_w and config. Returns (next_w, config, dws)."""
    w, config = plan.let(inputs["w"]), plan.let(copy.deepcopy(inputs["config"]))
    dws = [plan.let(g) for g in inputs["grads"]]
    for dw in dws:
        out = plan.call(rule, w, dw, config)
        w, config = out[0], out[1]
    return w, config, dws


def simulate_steps(update, inputs):
    w, config = inputs["w"].copy(), copy.deepcopy(inputs["config"])
    for g in inputs["grads"]:
        w, config = update(w, g.copy(), config)
    return w, config


def multi_step(rule):
    """Several calls chained in one plan: final next_w and state against the reference; dw never modified."""
    def body(ctx, inputs):
        student, expected = ctx.both(lambda plan: (lambda w, c, dws: [w, c] + dws)(*chain(plan, rule, inputs)))
        for k, (dw, g) in enumerate(zip(student[2:], inputs["grads"])):
            if type(dw) is not np.ndarray or dw.shape != g.shape or not np.array_equal(dw, g):
                raise hinted("the gradient dw of step %d was modified by %s" % (k + 1, rule), "dw modified",
                             hint="never write into dw (no in-place operations on it)")
        check_update(student[:2], expected[:2], rule, lambda update: simulate_steps(update, inputs),
                     "after %d steps: " % len(inputs["grads"]))
    return body


def versus_torch(rule):
    """The same chained run against torch.optim (conventions mapped in reference/optimizers/oracle.py)."""
    def body(ctx, inputs):
        if rule == "adam":   # torch counts steps from 0; CS231n 2017 starts a config without 't' at 1
            inputs = dict(inputs, config=dict(inputs["config"], t=0))
        plan = ctx.plan()
        w, config, _ = chain(plan, rule, inputs)
        plan.returns(w, config)
        student = ctx.run_student(plan)
        t_w, t_state = oracle().torch_steps(rule, inputs["w"], inputs["grads"], inputs["config"])
        expected_config = dict(DEFAULTS[rule], **inputs["config"])
        expected_config.update(t_state)
        check_update(student, (t_w, expected_config), rule, lambda update: simulate_steps(update, inputs),
                     "after %d steps (vs torch.optim): " % len(inputs["grads"]))
    return body


# ---------------------------------------------------------------- tiny gradients: where ε sits

def make_tiny(p):
    """Fresh config (None), w = 0 so that next_w is the step itself, |dw| ≈ 1e-5: ε = 1e-8 inside the square
    root changes the step by 10× (AdaGrad, Adam) to 100× (RMSProp)."""
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    dw = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.8e-5, 1.2e-5, size=shape)
    return {"w": np.zeros(shape), "dw": dw, "config": None}


TINY_DRAWN = st.fixed_dictionaries({"shape": SHAPES, "seed": st.integers(0, 2 ** 16)})


# ---------------------------------------------------------------- convergence, looped in the worker

def run_in_worker(ctx, rule, w0, config, steps, gradient, constants, functions, chunk):
    """Run `steps` updates of the student's rule, `chunk` per round trip. gradient(plan, w, constants) -> ref
    of the gradient at w, built from NumPy calls (functions) on named constants stored in the worker."""
    plan = ctx.plan().use_numpy(*functions)
    plan.let(w0, name="opt_w")
    plan.let(copy.deepcopy(config), name="opt_config")
    for k, v in constants.items():
        plan.let(v, name="opt_" + k)
    ctx.run_student(plan)
    refs = {k: Ref("opt_" + k) for k in constants}
    done = 0
    while done < steps:
        plan = ctx.plan().use_numpy(*functions)
        w, config = Ref("opt_w"), Ref("opt_config")
        for _ in range(min(chunk, steps - done)):
            out = plan.call(rule, w, gradient(plan, w, refs), config)
            w, config = out[0], out[1]
        done += min(chunk, steps - done)
        plan.let(w, name="opt_w")
        plan.let(config, name="opt_config")
        plan.returns(w)
        (w_now,) = ctx.run_student(plan)
    try:
        check_value(w_now, np.zeros(np.shape(w0)), "next_w", np.inf)   # type, dtype, shape, finiteness
    except Fail as fail:
        if fail.category == "not finite":
            fail.message = "after %d steps with %s the weights are not finite: the updates diverge" % (steps, config)
            fail.category = "diverges"
        raise with_hint(fail, "the update should step against the gradient, and keep its state between calls")
    return w_now


QUADRATIC = {   # (config, steps, floor): f(w_final) <= 1e-3·f(w_0) + floor; eigenvalues of A in [0.5, 2]
    "sgd": ({"learning_rate": 0.3}, 50, 1e-6),
    "sgd_momentum": ({"learning_rate": 0.1, "momentum": 0.5}, 80, 1e-6),
    "nesterov_momentum": ({"learning_rate": 0.1, "momentum": 0.5}, 80, 1e-6),
    "adagrad": ({"learning_rate": 1.0}, 80, 1e-6),
    # RMSProp's steps stay ~lr/sqrt(1 − decay_rate) = 10·lr near the minimum with a constant lr
    "rmsprop": ({"learning_rate": 0.01}, 300, 0.2),
    "adam": ({"learning_rate": 0.1}, 150, 1e-6),
}


def make_quadratic(p):
    """f(w) = ½ (w − c)ᵀ A (w − c) with A = Q diag(λ) Qᵀ, λ in [0.5, 2], Q a random rotation."""
    rng = np.random.default_rng(p["seed"])
    d = p["d"]
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = Q @ np.diag(rng.uniform(0.5, 2.0, d)) @ Q.T
    c = rng.uniform(-2, 2, d)
    return {"A": (A + A.T) / 2, "c": c, "w": c + rng.uniform(-3, 3, d)}


QUADRATIC_DRAWN = st.fixed_dictionaries({"d": st.integers(1, 6), "seed": st.integers(0, 2 ** 16)})


def quadratic_gradient(plan, w, k):
    return plan.call("matmul", k["A"], plan.call("subtract", w, k["c"]))


def converges_on_quadratic(rule):
    config, steps, floor = QUADRATIC[rule]

    def body(ctx, inputs):
        A, c = inputs["A"], inputs["c"]
        f = lambda w: 0.5 * float((w - c) @ A @ (w - c))   # noqa: E731
        w = run_in_worker(ctx, rule, inputs["w"], config, steps, quadratic_gradient, {"A": A, "c": c},
                          ("matmul", "subtract"), chunk=150)
        f0, f1 = f(inputs["w"]), f(w)
        if not f1 <= 1e-3 * f0 + floor:
            raise hinted("after %d steps with %s the convex quadratic is at %.3g (started at %.3g); expected at most "
                         "%.3g" % (steps, config, f1, f0, 1e-3 * f0 + floor), "does not converge",
                         hint="the update should step against the gradient and keep its state between calls")
    return body


ROSENBROCK = {   # config; 300 steps; f(w_final) <= 0.5·f(w_0) + 3 for every start (the valley floor is slow)
    "sgd": {"learning_rate": 1e-3},
    "sgd_momentum": {"learning_rate": 5e-4, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 5e-4, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.5},
    "rmsprop": {"learning_rate": 1e-2},
    "adam": {"learning_rate": 5e-2},
}
ROSENBROCK_STEPS = 300


def rosenbrock(w):
    x, y = w
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_gradient(plan, w, _):
    """[2(x − 1) − 400·x·(y − x²), 200·(y − x²)] for w of shape (2, K): K starts at once, column by column."""
    x, y = w[0], w[1]
    g1 = plan.call("multiply", plan.call("subtract", y, plan.call("square", x)), 200.0)
    g0 = plan.call("multiply", plan.call("subtract", plan.call("subtract", x, plan.call("multiply", x, g1)), 1.0), 2.0)
    return plan.call("stack", [g0, g1])


ROSENBROCK_DRAWN = st.fixed_dictionaries({"starts": st.lists(
    st.tuples(st.floats(-1.5, 1.5, allow_nan=False), st.floats(-0.5, 2.5, allow_nan=False)), min_size=1, max_size=3)})


def progress_on_rosenbrock(rule):
    config = ROSENBROCK[rule]

    def body(ctx, inputs):
        w0 = inputs["w"]
        w = run_in_worker(ctx, rule, w0, config, ROSENBROCK_STEPS, rosenbrock_gradient, {},
                          ("multiply", "subtract", "square", "stack"), chunk=150)
        f0, f1 = rosenbrock(w0), rosenbrock(w)
        bad = np.flatnonzero(~(f1 <= 0.5 * f0 + 3))
        if bad.size:
            i = int(bad[0])
            raise hinted("from (%.3g, %.3g), %d steps with %s end at f = %.3g (started at %.3g); expected at most %.3g"
                         % (w0[0, i], w0[1, i], ROSENBROCK_STEPS, config, f1[i], f0[i], 0.5 * f0[i] + 3),
                         "no progress on Rosenbrock",
                         hint="the update should step against the gradient and keep its state between calls")
    return body


# ---------------------------------------------------------------- the checks

def rule_checks(rule):
    step = make_step(rule)
    checks = []
    if rule in CS231N:
        checks.append(Property(rule + ".cs231n", 2, (rule,), cases=Cases(lambda p: notebook_case(rule), ({},)),
                               body=cs231n_values(rule), examples=0,
                               description="CS231n's notebook test: the published next_w and state"))
    checks += [
        Property(rule + ".values", 2, (rule,), cases=Cases(step, STEP_PUBLIC, STEP_DRAWN), body=one_step(rule),
                 examples=3, description="one step equals the reference (next_w and config), state given or not"),
        Property(rule + ".defaults", 1, (rule,), cases=Cases(step, DEFAULT_PUBLIC), body=one_step(rule),
                 examples=0, description="config=None or {}: CS231n's defaults, and the state written back"),
        Property(rule + ".hidden", 2, (rule,), HIDDEN, cases=Cases(step, (), STEP_DRAWN), body=one_step(rule),
                 examples=8, description="one step on hidden inputs"),
        Property(rule + ".multi_step", 2, (rule,), HIDDEN, cases=Cases(make_steps(rule), (), STEPS_DRAWN),
                 body=multi_step(rule), examples=4,
                 description="several chained calls equal the reference; dw is never modified"),
        Property(rule + ".torch", 1, (rule,), HIDDEN, cases=Cases(make_steps(rule), (), STEPS_DRAWN),
                 body=versus_torch(rule), examples=2, description="several chained calls equal torch.optim"),
    ]
    if rule in ("adagrad", "rmsprop", "adam"):
        checks.append(Property(rule + ".tiny_gradients", 1, (rule,), HIDDEN, cases=Cases(make_tiny, (), TINY_DRAWN),
                               body=one_step(rule), examples=2,
                               description="gradients ~1e-5 from a fresh config: ε outside the square root"))
    checks += [
        Property(rule + ".quadratic", 1, (rule,), HIDDEN, cases=Cases(make_quadratic, (), QUADRATIC_DRAWN),
                 body=converges_on_quadratic(rule), examples=2,
                 description="converges on convex quadratics (%d steps)" % QUADRATIC[rule][1]),
        Property(rule + ".rosenbrock", 1, (rule,), HIDDEN,
                 cases=Cases(lambda p: {"w": np.array(p["starts"], dtype=float).T}, (), ROSENBROCK_DRAWN),
                 body=progress_on_rosenbrock(rule), examples=1,
                 description="progress on the Rosenbrock function (%d steps)" % ROSENBROCK_STEPS),
    ]
    return checks


SETTINGS = (Setting("ADAM_INITIAL_T", 0, (0, 1), (("adam", "ADAM_INITIAL_T", None),),
                    "Adam's t when config has none: 0 (CS231n 2016, 2018+), 1 (spring 2017's given code)",
                    convention="adam_initial_t"),)

ASSIGNMENT = Assignment(
    name="optimizers", title="First-order update rules: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam",
    symbols={rule: ("optim",) for rule in RULES},
    checks=[c for rule in RULES for c in rule_checks(rule)], reference_modules=("optim",),
    course_settings=SETTINGS, cs231n={"sgd": 2016, "sgd_momentum": 2016, "rmsprop": 2016, "adam": 2016})
