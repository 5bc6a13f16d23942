"""One analytic question: a sympy formula with named symbols and its default values."""
import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import sympy as sp


def to_number(v):
    """An exact sympy number from an int, a Fraction-like, a decimal string or a float's repr."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool):
        raise TypeError('not a number: %r' % (v,))
    if isinstance(v, int):
        return sp.Integer(v)
    return sp.Rational(str(v))  # '3.2' -> 16/5, 0.9 -> 9/10 (through its shortest repr)


def is_positive_integer(x):
    return bool(x.is_Integer and x > 0)


def is_integer(x):
    return bool(x.is_Integer)


def is_non_integer(x):
    return bool(x.is_Rational and not x.is_Integer)


def is_finite_number(x):
    """A real, finite number (checked numerically: sympy's assumptions are slow)."""
    if not x.is_number:
        return False
    try:
        v = complex(x.evalf(15))
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(v.real) and abs(v.imag) <= 1e-12 * max(1.0, abs(v.real))


@dataclass(frozen=True)
class Question:
    """
    - id: stable identifier, e.g. 'conv-output-size'
    - title: the question as the course asks it
    - formula: sympy expression in named symbols
    - defaults: {symbol name: exact value}, the lecture's numbers
    - choices: {symbol name: allowed values} for per-student variants (names absent here keep
      their default)
    - check: predicate on the evaluated result that every variant must satisfy
    - decimals: None when the answer is stated exactly; else the decimal places to which the
      float answer is stated (the lecture's rounding)
    - note: remark printed with the key
    """
    id: str
    title: str
    formula: sp.Expr
    defaults: dict
    choices: dict = field(default_factory=dict)
    check: Callable = is_finite_number
    decimals: Optional[int] = None
    note: str = ''

    def symbols(self):
        """{name: Symbol} of the formula's free symbols."""
        return {s.name: s for s in self.formula.free_symbols}

    def substitute(self, params=None):
        """{Symbol: exact value} for the defaults overridden by params (names or Symbols)."""
        values = dict(self.defaults)
        for name, v in (params or {}).items():
            values[getattr(name, 'name', name)] = v
        symbols = self.symbols()
        unknown = set(values) - set(symbols)
        if unknown:
            raise KeyError('%s has no parameter(s) %s' % (self.id, sorted(unknown)))
        missing = set(symbols) - set(values)
        if missing:
            raise KeyError('%s needs value(s) for %s' % (self.id, sorted(missing)))
        return {symbols[n]: to_number(v) for n, v in values.items()}

    def result(self, params=None):
        """The answer for these parameters: an exact sympy number (Integer, Rational, or an
        exact irrational such as sqrt(2)/32 or log(...))."""
        return self.formula.xreplace(self.substitute(params))

    def value(self, params=None):
        """The answer as a float."""
        return float(sp.N(self.result(params), 30))

    def is_exact(self, params=None):
        return bool(self.result(params).is_Rational)

    def accepts(self, params=None):
        """Whether these parameters give a well-formed answer (see check)."""
        try:
            return bool(self.check(self.result(params)))
        except (TypeError, ValueError, ZeroDivisionError):
            return False
