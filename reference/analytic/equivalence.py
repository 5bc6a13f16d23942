"""Is a student's expression the same function as the key's? Decided numerically.

Symbolic simplification can run for minutes on hostile or merely unlucky input, so the
decision is made by evaluating both expressions at random points (a randomized identity test,
like Schwartz-Zippel for polynomials): two different formulas of this course almost never
agree at a dozen random points to 12 significant digits.

The evaluation walks the sympy tree itself: exact fractions while the numbers stay small
(so floor and max of rationals are exact), mpmath floats with 30 digits otherwise (their
exponent is unbounded, so x**(y**z) at large y, z costs nothing). Nothing is compiled or
eval'ed. Symbols are matched by name; integer symbols of the key (sizes, counts) get random
integers, the others random rationals.
"""
import hashlib
import math
import random
from fractions import Fraction

import mpmath
import sympy as sp

POINTS = 12
REL_TOL = 1e-12
PRECISION = 30           # decimal digits of the mpmath evaluation
MAX_EXACT_DIGITS = 20000  # beyond this an exact power is evaluated in floating point


class _Undefined(Exception):
    """The expression has no finite value at this point (or uses an unknown function)."""


def _mp(v):
    return mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v


def _digits(v):
    return math.log10(abs(v.numerator) + 1) + math.log10(v.denominator)


def _power(base, exponent):
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and \
            exponent.denominator == 1 and _digits(base) * abs(exponent) <= MAX_EXACT_DIGITS:
        if base == 0 and exponent < 0:
            raise _Undefined
        return base ** int(exponent)
    if base == 0 and _mp(exponent).real < 0:
        raise _Undefined
    return mpmath.power(_mp(base), _mp(exponent))


def _real(v):
    if isinstance(v, Fraction):
        return v
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise _Undefined  # max/min/floor of a complex number
        return v.real
    return v


def _floor(v):
    v = _real(v)
    return Fraction(math.floor(v)) if isinstance(v, Fraction) else mpmath.floor(v)


def _ceil(v):
    v = _real(v)
    return Fraction(math.ceil(v)) if isinstance(v, Fraction) else mpmath.ceil(v)


def _eval(e, values):
    """Value of the sympy expression e at the point (dict name -> Fraction)."""
    if e.is_Symbol:
        return values[e.name]
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if e.is_Float:
        return mpmath.mpf(e._to_mpmath(mpmath.mp.prec))
    if e is sp.pi:
        return +mpmath.pi
    if e is sp.E:
        return +mpmath.e
    if e is sp.I:
        return mpmath.mpc(0, 1)
    if e in (sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _Undefined
    args = [_eval(a, values) for a in e.args]
    if e.is_Add:
        return sum(args[1:], args[0])
    if e.is_Mul:
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if e.is_Pow:
        return _power(*args)
    if isinstance(e, sp.exp):
        return mpmath.exp(_mp(args[0]))
    if isinstance(e, sp.tanh):
        return mpmath.tanh(_mp(args[0]))
    if isinstance(e, sp.log):
        if args[0] == 0:
            raise _Undefined
        return mpmath.log(_mp(args[0]))
    if isinstance(e, sp.Abs):
        return abs(args[0])
    if isinstance(e, sp.Max):
        return max(_real(a) for a in args)
    if isinstance(e, sp.Min):
        return min(_real(a) for a in args)
    if isinstance(e, sp.floor):
        return _floor(args[0])
    if isinstance(e, sp.ceiling):
        return _ceil(args[0])
    raise _Undefined  # a function this evaluator does not know


def _value(expr, values):
    """expr at the point as an mpmath number, or None where it is undefined."""
    try:
        with mpmath.workdps(PRECISION):
            v = _mp(_eval(expr, values))
            if not mpmath.isfinite(v):
                return None
            return v
    except (_Undefined, ZeroDivisionError, OverflowError, ValueError, TypeError, KeyError):
        return None


def evaluate(expr, values=None):
    """expr at {name: exact number} (by name): a Fraction while exact, else an mpmath number
    with PRECISION digits; None where it is undefined or not finite. Bounded like the rest of
    this module: nothing is compiled or simplified."""
    point = {}
    for name, v in (values or {}).items():
        v = sp.Rational(v) if not isinstance(v, sp.Basic) else v
        point[getattr(name, 'name', name)] = Fraction(int(v.p), int(v.q))
    expr = sp.sympify(expr)
    try:
        with mpmath.workdps(PRECISION):
            v = _eval(expr, point)
            if isinstance(v, Fraction):
                return v
            v = _mp(v)
            return v if mpmath.isfinite(v) else None
    except (_Undefined, ZeroDivisionError, OverflowError, ValueError, TypeError, KeyError):
        return None


def _point(symbols, rng):
    """A random value for every key symbol, respecting its assumptions."""
    values = {}
    for name, s in sorted(symbols.items()):
        if s.is_integer:
            values[name] = Fraction(rng.randint(0 if s.is_nonnegative and not s.is_positive
                                                else 1, 64))
        elif s.is_positive or s.is_nonnegative:
            values[name] = Fraction(rng.randint(1, 64000), 1000)
        else:
            values[name] = Fraction(rng.randint(-64000, 64000), 1000)
    return values


def answers_equivalent(student_expr, key_expr, points=POINTS, rel_tol=REL_TOL, names=()):
    """True when the two expressions agree everywhere we look.

    Inputs:
    - student_expr: sympy expression (from parse_answer: plain symbols), or a Matrix of them
    - key_expr: sympy expression (the question's formula, or its numeric result), or a Matrix of
      the student's shape (a Matrix of another shape is never equivalent)
    - points: how many random points to compare at
    - rel_tol: relative tolerance of each comparison (values are computed to 30 digits)
    - names: further names the student may use (given by the question; they get random values
      too, so an answer that depends on them is not equivalent to a key that does not)

    Returns False when the student uses a name the key does not have (nor names), when the values
    differ at some point, or when one is defined where the other is not. Deterministic: the
    points depend only on the key.
    """
    student, key = _entries(student_expr), _entries(key_expr)
    if student is None or key is None or len(student) != len(key) or \
            getattr(student_expr, 'shape', None) != getattr(key_expr, 'shape', None):
        return False
    key_symbols = {s.name: s for e in key for s in e.free_symbols}
    for name in names:
        key_symbols.setdefault(name, sp.Symbol(name, real=True))
    if {s.name for e in student for s in e.free_symbols} - set(key_symbols):
        return False
    rng = random.Random(hashlib.sha256(sp.srepr(key_expr).encode()).digest())
    compared = 0
    for _ in range(points if key_symbols else 1):
        values = _point(key_symbols, rng)
        for a_expr, b_expr in zip(student, key):
            a, b = _value(a_expr, values), _value(b_expr, values)
            if a is None and b is None:
                continue
            if a is None or b is None:
                return False
            with mpmath.workdps(PRECISION):
                if abs(a - b) > rel_tol * max(abs(a), abs(b)):
                    return False
            compared += 1
    return compared > 0


def same_values_elsewhere(student_expr, key_expr, names=()):
    """Whether two matrices hold the same values in another arrangement: at a random point their
    entries, sorted, agree (a layout mistake rather than a wrong entry)."""
    student, key = _entries(student_expr), _entries(key_expr)
    if student is None or key is None or len(student) != len(key):
        return False
    symbols = {s.name: s for e in key for s in e.free_symbols}
    for name in names:
        symbols.setdefault(name, sp.Symbol(name, real=True))
    rng = random.Random(hashlib.sha256(sp.srepr(key_expr).encode()).digest())
    point = _point(symbols, rng)
    values = [[_value(e, point) for e in side] for side in (student, key)]
    if any(v is None for side in values for v in side):
        return False
    with mpmath.workdps(PRECISION):
        a, b = (sorted(mpmath.nstr(v, 12) for v in side) for side in values)
    return a == b


def _entries(expr):
    """[entries] of a number, an expression or a matrix (row by row); None for anything else."""
    expr = sp.sympify(expr) if not isinstance(expr, sp.MatrixBase) else expr
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [expr] if isinstance(expr, sp.Basic) else None
