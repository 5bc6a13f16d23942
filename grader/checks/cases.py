"""Inputs for checks: fixed public cases, and cases drawn by hypothesis from the course secret.

A `Cases` turns small parameter dicts (shapes, a seed, reg...) into input arrays with `make(params)`.
Hypothesis draws and shrinks the parameters, so a failing case is reported as the smallest parameters and
inputs that still fail — as code the student can paste.
"""
from dataclasses import dataclass

import numpy as np

from .validate import Fail


@dataclass
class Cases:
    make: object                 # params dict -> inputs dict
    public: tuple = ()           # parameter dicts shown to students
    strategy: object = None      # a hypothesis strategy of parameter dicts (hidden, or public properties)


def away_from_zero(rng, shape, top, zeros=False):
    """Values in ±[0.05, top]: no kink (of |x|, a ReLU, an ELU) within a centred difference of one. With `zeros`,
    rounded instead, about 30% of them exactly 0: where a convention at 0 (a subgradient) is graded."""
    x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.05, top, size=shape)
    return np.where(rng.random(shape) < 0.3, 0.0, np.round(x)) if zeros else x


def run_fixed(params_list, body):
    """Run body(params) on each case; the first Fail is re-raised with the case attached."""
    for params in params_list:
        try:
            body(params)
        except Fail as fail:
            fail.params = params
            raise
    return len(params_list)


def falsify(strategy, body, seed, max_examples, shrink):
    """Search for params on which body raises Fail. Returns the number of examples run; raises the
    (shrunk) Fail. A Fail with abort=True ends the search at once: nothing else would pass."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hseed

    state = {"fail": None, "params": None, "runs": 0}

    def test(params):
        if state["fail"] is not None and state["fail"].abort:
            raise state["fail"]
        state["runs"] += 1
        try:
            body(params)
        except Fail as fail:
            state["fail"], state["params"] = fail, params
            raise

    test = given(strategy)(test)
    test = settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
                    phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate],
                    suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                    report_multiple_bugs=False, print_blob=False)(test)
    test = hseed(seed)(test)
    try:
        test()
    except Fail:
        pass
    except Exception:  # hypothesis' own errors (Flaky: a non-deterministic submission...) keep the last Fail
        if state["fail"] is None:
            raise
    if state["fail"] is not None:
        state["fail"].params = state["params"]
        raise state["fail"]
    return state["runs"]


def render(params, inputs=None, max_entries=12):
    """The case as Python code: the parameters, and the arrays themselves when they are small."""
    lines = ["# parameters: " + ", ".join("%s=%r" % kv for kv in sorted(params.items()))]
    for name, value in (inputs or {}).items():
        if type(value) is np.ndarray and value.size <= max_entries:
            lines.append("%s = np.array(%s)" % (name, np.array2string(value, separator=", ", precision=17,
                                                                       floatmode="unique").replace("\n", "")))
        elif type(value) is np.ndarray:
            lines.append("%s = <array of shape %s>" % (name, value.shape))
        elif isinstance(value, (int, float, str, dict, list, tuple)):
            lines.append("%s = %r" % (name, value))
    return "\n".join(lines)


def case_check_run(check, ctx, one):
    """Run `one(params)` on the public cases, then on drawn ones; returns a summary line."""
    ctx.require(check.symbols)
    cases = check.cases
    n = run_fixed(list(cases.public), one)
    offline = {"skipped": 0}
    if cases.strategy is not None and check.examples:
        n += falsify(cases.strategy, offline_examples(ctx, one, offline),
                     ctx.course.seed(ctx.assignment.name, check.name),
                     max_examples=check.examples, shrink=check.visibility == "visible")
    if offline["skipped"]:
        return "%d case(s) passed; %d drawn case(s) run at grading time" % (n - offline["skipped"],
                                                                          offline["skipped"])
    return "%d case(s) passed" % n


def offline_examples(ctx, one, counter):
    """In the student bundle the reference is a recording: a drawn example it did not record is skipped
    (it runs at grading time); drawn examples that need no reference (properties) still run."""
    if not getattr(ctx.reference, "recorded", False):
        return one
    from ..sandbox.recorded import NotRecorded

    def body(params):
        try:
            one(params)
        except NotRecorded:
            counter["skipped"] += 1
    return body
