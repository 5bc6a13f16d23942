"""Validation of a student's answer against the reference's, in the order the design fixes:
exact type, dtype whitelist, exact shape, finiteness, then the comparison. Each failure says which."""
import numbers

import numpy as np

from ..sandbox.worker import BadValue, Handle, TensorValue
from .diagnosis import assignment_hint, diagnose, where

FLOAT_DTYPES = (np.float32, np.float64)


class Fail(Exception):
    """A check failed. `message` is for public checks; `category` and `hint` are all a hidden check shows.

    `abort` marks failures that no other input will change (a crash, a missing function): property
    checks stop drawing examples when they see one."""

    def __init__(self, message, category="wrong values", hint=None, abort=False, figures=None):
        super().__init__(message)
        self.message, self.category, self.hint, self.abort = message, category, hint, abort
        self.figures = list(figures or [])   # pictures for the HTML report (grader/figures.py); public only


def with_hint(message, hint):
    """A failure's message for a visible check: what differs, then its hint (a hidden check shows the hint only)."""
    return message + ("\nhint: " + hint if hint else "")


def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))) if x.size else 0.0


def describe(value):
    if isinstance(value, BadValue):
        return value.reason
    if isinstance(value, Handle):
        return "a %s" % value.type_name
    if isinstance(value, TensorValue):
        return "a torch tensor"
    if type(value) is np.ndarray:
        return "an array of shape %s and dtype %s" % (value.shape, value.dtype)
    return "a %s" % type(value).__name__


def as_scalar(value, label):
    """A real number from an int, float, numpy scalar or 0-d array; anything else fails."""
    if isinstance(value, (bool, np.bool_)):
        raise Fail("%s should be a number, got a bool" % label, "wrong type")
    if isinstance(value, np.floating) and type(value) not in FLOAT_DTYPES:
        raise Fail("%s has dtype %s; use float32 or float64" % (label, value.dtype), "wrong dtype")
    if isinstance(value, numbers.Real) or type(value) is np.ndarray and value.shape == () and \
            value.dtype.kind in "iuf":
        try:
            number = float(value)
        except OverflowError:          # an int beyond float range
            number = float("inf")
        if not np.isfinite(number):   # no property holds of NaN: every comparison with it is False
            raise Fail(("%s is NaN (not a number)" % label) if number != number
                       else "%s is infinite (%s)" % (label, number), "not finite",
                       hint="overflow or division by zero somewhere (e.g. exp of large scores)")
        return number
    if type(value) is np.ndarray and value.size == 1:
        raise Fail("%s should be a scalar, got an array of shape %s (use .item() or index it)"
                   % (label, value.shape), "wrong type")
    raise Fail("%s should be a number, got %s" % (label, describe(value)), "wrong type")


def check_value(student, expected, label, tol, hints=None, exact=False, tensors=False):
    """Compare one output. `expected` comes from the reference and fixes type, dtype kind and shape.

    With `tensors`, torch tensors (which cross the wire as TensorValue) are compared as their arrays; without,
    a tensor where an array is expected fails as a wrong type."""
    if tensors and isinstance(expected, TensorValue):
        if not isinstance(student, TensorValue):
            raise Fail("%s should be a torch tensor, got %s" % (label, describe(student)), "wrong type")
        student, expected = student.array, expected.array
    if type(expected) is np.ndarray:
        return check_array(student, expected, label, tol, hints, exact)
    if isinstance(expected, numbers.Real) and not isinstance(expected, bool):
        s = as_scalar(student, label)
        if not np.isfinite(s):
            raise Fail(("%s is NaN (not a number)" % label) if s != s else "%s is infinite (%s)" % (label, s),
                       "not finite",
                       hint="overflow or division by zero somewhere (e.g. exp of large scores)")
        err = rel_error(s, float(expected))
        if err > tol:
            message = "%s is %.6g, expected %.6g (relative error %.2g > %.0e)" % (label, s, expected, err, tol)
            extra = diagnose(np.array(s), np.array(float(expected)), hints)
            raise Fail("\n".join([message] + extra), "wrong values", hint=_first_hint(extra))
        return err
    if isinstance(expected, (tuple, list)):
        if not isinstance(student, (tuple, list)):
            raise Fail("%s should be a tuple of %d values, got %s" % (label, len(expected), describe(student)),
                       "wrong type")
        if len(student) != len(expected):
            raise Fail("%s should have %d values, got %d" % (label, len(expected), len(student)), "wrong type")
        return check_items([(s, e, "%s[%d]" % (label, i)) for i, (s, e) in enumerate(zip(student, expected))],
                          tol, hints, exact, tensors)
    if isinstance(expected, dict):
        if not isinstance(student, dict):
            raise Fail("%s should be a dict, got %s" % (label, describe(student)), "wrong type")
        missing = [k for k in expected if k not in student]
        if missing:
            raise Fail("%s is missing the key(s) %s" % (label, ", ".join(map(repr, missing))), "missing keys")
        return check_items([(student[k], e, "%s[%r]" % (label, k)) for k, e in expected.items()],
                          tol, hints, exact, tensors)
    if isinstance(expected, bool) and isinstance(student, np.bool_):
        student = bool(student)
    if type(student) is not type(expected) or student != expected:  # str, None, bool: no array comparisons
        raise Fail("%s is %s, expected %r" % (label, repr(student) if isinstance(student, (str, bool, type(None)))
                                              else describe(student), expected), "wrong values")
    return 0.0


def check_items(items, tol, hints=None, exact=False, tensors=False, on_fail=None):
    """check_value of each (student, expected, label); the first failure is raised, unless an item is degenerate
    (a constant array where values vary): that says more, and what rests on these values must know it.
    `on_fail(fail, student, expected, label)` may add to each failure (figures)."""
    errors, fails = [], []
    for s, e, label in items:
        try:
            errors.append(check_value(s, e, label, tol, hints, exact, tensors))
        except Fail as fail:
            if on_fail is not None:
                on_fail(fail, s, e, label)
            fails.append(fail)
    if fails:
        raise next((f for f in fails if f.category == "degenerate output"), fails[0])
    return max(errors or [0.0])


def _constant(a):
    return a.size > 1 and bool(np.all(a == a.flat[0]))


def degenerate(student, expected, label):
    """A Fail when `student` is a constant array (all zeros, say) where the expected values vary, else None."""
    if _constant(student) and not _constant(expected) and expected.size > 1:
        return Fail("%s is constant (every entry is %s) where the expected values vary: not computed yet, or "
                    "overwritten?" % (label, student.flat[0]), "degenerate output",
                    hint="compute every entry of %s (a placeholder such as np.zeros_like earns nothing)" % label)
    return None


def check_array(student, expected, label, tol, hints=None, exact=False):
    if type(student) is not np.ndarray:
        raise Fail("%s should be a numpy array, got %s" % (label, describe(student)), "wrong type")
    float_expected = expected.dtype.kind == "f"
    if float_expected and student.dtype.type not in FLOAT_DTYPES and student.dtype.kind not in "iub":
        raise Fail("%s has dtype %s; use float32 or float64" % (label, student.dtype), "wrong dtype")
    if expected.dtype.kind in "iu" and student.dtype.kind not in "iuf":
        raise Fail("%s has dtype %s; expected integers" % (label, student.dtype), "wrong dtype")
    if student.shape != expected.shape:
        extra = [h for h in [assignment_hint(student, expected, hints)] if h]
        if not extra and student.shape == expected.shape[::-1] and student.ndim == 2:
            extra.append("hint: the shape is the transpose of the expected one")
        elif not extra and student.size == expected.size:
            extra.append("hint: same number of entries: a reshape or a wrong axis order?")
        raise Fail("\n".join(["%s has shape %s, expected %s" % (label, student.shape, expected.shape)] + extra),
                   "wrong shape", hint=_first_hint(extra))
    # converted only now: the shape is the reference's, so the copy is as small as the expected answer
    if float_expected and student.dtype.type not in FLOAT_DTYPES:
        student = student.astype(np.float64)  # integral values are acceptable where floats are expected
    if expected.dtype.kind in "iu" and student.dtype.kind not in "iu":
        if np.all(np.isfinite(student)) and np.all(student == np.round(student)):
            student = student.astype(np.int64)
        else:
            raise Fail("%s has dtype %s; expected integers" % (label, student.dtype), "wrong dtype")
    if student.dtype.kind == "f":
        bad = ~np.isfinite(student)
        if bad.any():
            kind = "NaN" if np.isnan(student[bad]).any() else "inf"
            raise Fail("%s contains %s at %s (%d of %d entries)" % (label, kind, where(bad), bad.sum(), bad.size),
                       "not finite", hint="overflow or division by zero (exp of large scores? log of 0?)")
    if exact or expected.dtype.kind in "iub":
        wrong = student != expected
        if wrong.any():
            i = np.unravel_index(np.argmax(wrong), wrong.shape)
            first = "%s differs in %d of %d entries; first at %s: yours %s, expected %s" % (
                label, wrong.sum(), wrong.size, [int(k) for k in i], student[i], expected[i])
            extra = [h for h in [assignment_hint(student, expected, hints)] if h]
            raise degenerate(student, expected, label) or Fail("\n".join([first] + extra), "wrong values",
                                                               hint=_first_hint(extra))
        return 0.0
    err = rel_error(student, expected)
    if err > tol:
        constant = degenerate(student, expected, label)
        if constant:
            raise constant
        extra = diagnose(student, expected, hints)
        from ..figures import error_figure
        raise Fail("\n".join(["%s differs from the expected values: relative error %.2g > %.0e" % (label, err, tol)]
                             + extra), "wrong values", hint=_first_hint(extra),
                   figures=[f for f in [error_figure(label, student, expected)] if f])
    return err


def _first_hint(lines):
    for line in lines:
        if line.startswith("hint:"):
            return line[len("hint:"):].strip()
    return None
