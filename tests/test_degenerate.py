"""Degenerate output earns nothing (issue 14, case 10), for every assignment at once.

Each assignment's reference is graded with every function (and every public method of every class) wrapped to
return its real output's structure filled with zeros, or with NaN: right types and shapes, no information.
Contained: no check that looks at those outputs pays. Property and gradient checks rest on the value checks
of their functions (grader/checks/grounds.py), and a constant or non-finite output fails those as degenerate.
"""
import os

import pytest

from grader import spec
from grader.course import Course
from grader.run import grade
from helpers import FAST_LIMITS, standalone_reference

# Checks that grade no output the wrapper changes, with why: these pay for real work, not for placeholders.
STRUCTURAL = {
    "topological_order.valid": "the order is a list of node names: the wrapper leaves strings as they are",
    "symbolic": "sympy expressions pass through the wrapper unchanged",
    "channels.symbolic": "sympy expressions pass through the wrapper unchanged",
    "torch.param_counts": "counts the parameters of the student's torch modules, not their outputs",
    "torch.stage_shapes": "shapes of the module's outputs: zeros of the right shape have them",
    "TwoLayerNet.init": "the constructor's params: the wrapper leaves __init__ alone (real work)",
    "FullyConnectedNet.init": "the constructor's params: the wrapper leaves __init__ alone (real work)",
    "ThreeLayerConvNet.init": "the constructor's params: the wrapper leaves __init__ alone (real work)",
}

WRAPPER = '''

def _degenerate_value(v, mode):
    import numpy as _np
    t = type(v)
    if t is _np.ndarray:
        return _np.full_like(v, _np.nan) if mode == "nan" and v.dtype.kind == "f" else _np.zeros_like(v)
    if t.__module__ == "torch" and t.__name__ in ("Tensor", "Parameter"):
        import torch
        return torch.full_like(v, float("nan")) if mode == "nan" and v.is_floating_point() else v * 0
    if t is float or isinstance(v, _np.floating):
        return t(float("nan") if mode == "nan" else 0.0)
    if t is int or isinstance(v, _np.integer):
        return t(0)
    if t in (list, tuple):
        return t(_degenerate_value(x, mode) for x in v)
    if t is dict:
        return {k: _degenerate_value(x, mode) for k, x in v.items()}
    return v


def _degenerate(f, mode):
    import functools

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return _degenerate_value(f(*args, **kwargs), mode)
    return wrapped


def _degenerate_all(names, mode):
    import inspect
    here = globals()
    for name in names:
        obj = here.get(name)
        if getattr(obj, "__module__", None) != __name__:
            continue
        if inspect.isfunction(obj):
            here[name] = _degenerate(obj, mode)
        elif inspect.isclass(obj):
            for attr, value in list(vars(obj).items()):
                if inspect.isfunction(value) and not attr.startswith("_"):
                    setattr(obj, attr, _degenerate(value, mode))


_degenerate_all(%r, %r)
'''


def degenerate_copy(tmp_path, assignment, mode):
    symbols = sorted(spec.get(assignment).symbols)
    dest = tmp_path / assignment
    standalone_reference(dest, assignment)      # the layers the models import from other references pasted in
    for name in os.listdir(dest):
        if name.endswith(".py") and name != "__init__.py":
            with open(dest / name, "a") as f:
                f.write(WRAPPER % (symbols, mode))
    return str(dest)


# resnet's torch checks take ~5 s a grading: its NumPy block is covered by the NaN of every other assignment
CASES = [(a.name, mode) for a in spec.assignments() if not a.answers for mode in ("zeros", "nan")
         if (a.name, mode) != ("resnet", "nan")]


@pytest.mark.parametrize("assignment,mode", CASES, ids=["%s-%s" % c for c in CASES])
def test_degenerate_outputs_score_nothing(tmp_path, assignment, mode):
    report = grade(degenerate_copy(tmp_path, assignment, mode), [assignment], Course(limits=FAST_LIMITS))
    paid = {o.check.name: o.output for o in report.outcomes if o.status == "passed" and o.check.name not in STRUCTURAL}
    assert not paid, paid
