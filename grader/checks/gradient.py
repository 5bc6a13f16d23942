"""gradient: the student's analytic gradient against a centred-difference gradient of the student's OWN forward.

Instead of two forward calls per parameter (CS231n's eval_numerical_gradient), the check takes k random
directions d: (f(x + h·d) − f(x − h·d)) / 2h must equal ⟨∇f, d⟩. A wrong gradient with error E shows up in
⟨E, d⟩ for almost every d. A few one-hot probes (where the student's gradient departs most from the
reference's, and at random) name a location. All 2·(k + probes) forward calls go in one round trip.
"""
from dataclasses import dataclass

import numpy as np

from ..spec import Check
from .cases import Cases, case_check_run
from .validate import Fail, as_scalar, check_value, describe


def default_objective(output, inputs):
    """A scalar from the forward output: the loss itself, or sum(out * dout) for a layer."""
    if isinstance(output, (tuple, list)) and output:
        output = output[0]
    dout = inputs.get("dout")
    if type(dout) is np.ndarray and dout.ndim > 0:
        if type(output) is not np.ndarray or output.shape != dout.shape:
            raise Fail("your forward returned %s where an output of shape %s was expected, so its numerical "
                       "gradient cannot be taken" % (describe(output), dout.shape), "wrong return value",
                       hint="return the output with the shape the docstring gives", abort=True)
        return float(np.sum(output * dout))
    return as_scalar(output, "your forward's output")


def objective_value(objective, output, inputs):
    """objective(output, inputs) as a finite float; anything the student's forward returned that it cannot use is
    a Fail for the student, never an error of the grader."""
    try:
        value = objective(output, inputs)
    except Fail as fail:
        fail.abort = True
        raise
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError) as exc:
        raise Fail("your forward returned %s, from which the numerical gradient cannot be taken (%s)"
                   % (describe(output), type(exc).__name__), "wrong return value",
                   hint="return what the docstring asks for", abort=True)
    if not np.isfinite(value):
        raise Fail("your forward's output is not finite (%s) near the case's inputs" % value, "not finite",
                   hint="overflow or division by zero in the forward pass", abort=True)
    return value


@dataclass
class Gradient(Check):
    cases: Cases = None
    forward: object = None        # (plan, inputs) -> ref of the forward output
    analytic: object = None       # (plan, inputs) -> list of refs of the gradients, aligned with `wrt`
    wrt: tuple = ()               # names of the inputs the gradients are taken with respect to
    objective: object = default_objective
    directions: int = 6
    probes: int = 3
    h: float = 1e-5
    tol: float = 1e-6
    examples: int = 0
    kind: str = "gradient"

    def run(self, ctx):
        self.forward_calls, self.worst_error = 0, 0.0
        summary = case_check_run(self, ctx, lambda params: self.one(ctx, params))
        return "%s; %d forward calls; largest relative error %.1e" % (summary, self.forward_calls, self.worst_error)

    def one(self, ctx, params):
        inputs = {k: (v.astype(np.float64) if type(v) is np.ndarray and v.dtype.kind == "f" else v)
                  for k, v in self.cases.make(params).items()}
        grads, expected = ctx.both(lambda plan: self.analytic(plan, inputs))
        names = ["d" + w for w in self.wrt]
        for g, e, label in zip(grads, expected, names):   # type, dtype, shape and finiteness first
            try:
                check_value(g, e, label, np.inf)
            except Fail as fail:
                fail.abort = True
                raise
        rng = ctx.rng(self.name, repr(sorted(params.items())))
        plan = ctx.plan()
        # arrays are stored once in the worker; the other inputs (sizes, param dicts) go by value with each call
        stored = {k: plan.let(v) if type(v) is np.ndarray else v for k, v in inputs.items()}
        probes = []  # (wrt index, direction, description)
        for w, (var, g, e) in enumerate(zip(self.wrt, grads, expected)):
            x = inputs[var]
            for _ in range(self.directions):
                d = rng.standard_normal(x.shape)
                probes.append((w, d / np.linalg.norm(d), "a random direction"))
            diff = np.abs(np.asarray(g, float) - np.asarray(e, float))
            spots = [np.unravel_index(int(np.argmax(diff)), x.shape)] if diff.max() > 0 else []
            spots += [tuple(rng.integers(0, n) for n in x.shape) for _ in range(self.probes - len(spots))]
            for idx in spots:
                d = np.zeros(x.shape)
                d[idx] = 1.0
                probes.append((w, d, "%s[%s]" % (var, ", ".join(str(int(i)) for i in idx))))
        outs = []
        for w, d, _ in probes:
            var = self.wrt[w]
            for sign in (1, -1):
                args = dict(stored)
                args[var] = inputs[var] + sign * self.h * d
                outs.append(self.forward(plan, args))
        plan.returns(*outs)
        values = ctx.run_student(plan)
        self.forward_calls += len(outs)
        for n, (w, d, label) in enumerate(probes):
            f_plus = objective_value(self.objective, values[2 * n], inputs)
            f_minus = objective_value(self.objective, values[2 * n + 1], inputs)
            numeric = (f_plus - f_minus) / (2 * self.h)
            analytic = float(np.sum(np.asarray(grads[w], float) * d))
            err = abs(numeric - analytic) / max(1e-8, abs(numeric) + abs(analytic))
            self.worst_error = max(self.worst_error, err)
            if err > self.tol and abs(numeric - analytic) > 1e-9:
                where = "along %s" % label if label.startswith("a ") else "at %s" % label
                raise Fail("%s disagrees with the numerical gradient of your own forward %s: yours %.6g, "
                           "numerical %.6g (relative error %.2g > %.0e)"
                           % (names[w], where, analytic, numeric, err, self.tol),
                           "gradient does not match the function",
                           hint="the backward pass does not compute the derivative of the forward pass")
