"""One analytic question: a sympy formula (a number, or a matrix of numbers) with named symbols and
its default values, and what the answer sheet says about it (precision, unit, the names a formula
may use).

How precise an answer must be is part of the question, stated on the sheet, and the grader's
tolerance follows from it: half a unit in the stated last place.
- exact: whole numbers (counts, sizes) and short decimals (2.9) must be given exactly;
- `decimals=d`: any answer within 0.5·10^-d of the exact value (2.33 for 7/3 at 2 decimals,
  -0.4 for -0.393 at 1 decimal, 90 for 89.67 % at 0 decimals);
- `significant=s`: within half a unit of the s-th significant digit (2.66e-5 for 0.9^100 at 3).
A question without a stated precision whose answer is not a short exact decimal is stated to
FALLBACK_SIGNIFICANT digits (the catalog's test makes sure no question relies on that).
"""
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import sympy as sp

UNITS = (None, 'percent', 'bytes', 'MiB')
FALLBACK_SIGNIFICANT = 4
MAX_EXACT_DECIMALS = 6     # an exact answer with more decimals than this is not asked for "exactly"


def to_number(v):
    """An exact sympy number from an int, a Fraction-like, a decimal string or a float's repr."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool):
        raise TypeError('not a number: %r' % (v,))
    if isinstance(v, int):
        return sp.Integer(v)
    return sp.Rational(str(v))  # '3.2' -> 16/5, 0.9 -> 9/10 (through its shortest repr)


def is_matrix(x):
    return isinstance(x, sp.MatrixBase)


def entries(x):
    """The numbers of an answer: [x] for a number, the entries row by row for a matrix."""
    return list(x) if is_matrix(x) else [x]


def is_positive_integer(x):
    return bool(x.is_Integer and x > 0)


def is_integer(x):
    return bool(x.is_Integer)


def is_non_integer(x):
    return bool(x.is_Rational and not x.is_Integer)


def is_finite_number(x):
    """A real, finite number, or a matrix of them (checked numerically: sympy's assumptions are slow)."""
    if is_matrix(x):
        return all(is_finite_number(e) for e in x)
    if not x.is_number:
        return False
    try:
        v = complex(x.evalf(15))
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(v.real) and abs(v.imag) <= 1e-12 * max(1.0, abs(v.real))


def decimal_places(x):
    """Decimals of an exact rational written as a finite decimal (2.9 -> 1), None when it has none."""
    if not x.is_Rational:
        return None
    q = int(x.q)
    for p in (2, 5):
        while q % p == 0:
            q //= p
    if q != 1:
        return None
    places = 0
    while (x * 10 ** places).q != 1:
        places += 1
    return places


_RESULTS = {}              # (formula, parameters) -> result
MAX_REMEMBERED = 50000
WHOLE_CHECKS = ('positive_integer_result', 'is_positive_integer', 'is_integer')


@dataclass(frozen=True)
class Question:
    """
    - id: stable identifier, e.g. 'conv-output-size'
    - title: the question as the course asks it; `{name}` puts a parameter's value in, `{x}` a
      group of parameters x_0, x_1, ... (a vector) or x_0_0, x_0_1, ... (a matrix). Numbers that a
      variant changes must come from placeholders, never be typed into the title.
    - formula: sympy expression in named symbols, or a sympy Matrix of them (a matrix answer)
    - defaults: {symbol name: exact value}, the lecture's numbers
    - choices: {symbol name: allowed values} for per-student variants (names absent here keep
      their default)
    - check: predicate on the evaluated result that every variant must satisfy
    - decimals / significant: the precision the answer is stated to (at most one of them; None
      and None: exact, see the module's docstring)
    - unit: None, 'percent' (the answer in %: "90", "90%" and, read as a fraction, 0.9),
      'bytes' or 'MiB'
    - names: more names a formula answer may use (given by the question, not in the answer)
    - ask_formula: the sheet also asks for the formula itself, as `<id>-formula`
    - source: where the course's documents have it (seed file: lines)
    - note: remark printed with the key
    """
    id: str
    title: str
    formula: sp.Basic
    defaults: dict
    choices: dict = field(default_factory=dict)
    check: Callable = is_finite_number
    decimals: Optional[int] = None
    note: str = ''
    significant: Optional[int] = None
    unit: Optional[str] = None
    names: tuple = ()
    ask_formula: bool = False
    source: str = ''

    def __post_init__(self):
        if self.decimals is not None and self.significant is not None:
            raise ValueError('%s: state decimals or significant digits, not both' % self.id)
        if self.unit not in UNITS:
            raise ValueError('%s: unknown unit %r' % (self.id, self.unit))

    @property
    def matrix(self):
        return is_matrix(self.formula)

    @property
    def shape(self):
        return tuple(self.formula.shape) if self.matrix else None

    @property
    def whole(self):
        """The answer is a whole number (a count or a size) for every variant."""
        return getattr(self.check, '__name__', '') in WHOLE_CHECKS

    def symbols(self):
        """{name: Symbol} of the formula's free symbols."""
        return {s.name: s for s in self.formula.free_symbols}

    def answer_names(self):
        """The names a formula answer may use: the parameters, then the further given names."""
        return list(self.defaults) + [n for n in self.names if n not in self.defaults]

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
        exact irrational such as sqrt(2)/32 or log(...)), or a Matrix of them. Remembered: a
        variant is drawn, checked and graded with the same parameters."""
        values = self.substitute(params)
        key = (self.formula, tuple(sorted((s.name, v) for s, v in values.items())))
        if key not in _RESULTS:
            if len(_RESULTS) >= MAX_REMEMBERED:
                _RESULTS.clear()
            _RESULTS[key] = self.formula.xreplace(values)
        return _RESULTS[key]

    def value(self, params=None):
        """The answer as a float (a list of rows of floats for a matrix)."""
        result = self.result(params)
        if is_matrix(result):
            return [[float(sp.N(e, 30)) for e in result.row(i)] for i in range(result.rows)]
        return float(sp.N(result, 30))

    def is_exact(self, params=None):
        return all(e.is_Rational for e in entries(self.result(params)))

    def accepts(self, params=None):
        """Whether these parameters give a well-formed answer (see check)."""
        try:
            return bool(self.check(self.result(params)))
        except (TypeError, ValueError, ZeroDivisionError):
            return False

    # ------------------------------------------------------------ precision
    def precision(self, result=None):
        """('exact', None), ('decimals', d) or ('significant', s) for this result (default: the
        lecture's): the stated precision, else exact where every entry is a short decimal."""
        if self.decimals is not None:
            return 'decimals', self.decimals
        if self.significant is not None:
            return 'significant', self.significant
        result = self.result() if result is None else result
        places = [decimal_places(e) for e in entries(result)]
        if all(p is not None and p <= MAX_EXACT_DECIMALS for p in places):
            return 'exact', None
        return 'significant', FALLBACK_SIGNIFICANT

    def tolerance(self, value, result=None):
        """Half a unit in the stated last place, for one entry's exact value (a Fraction; 0 when
        the answer is asked exactly)."""
        kind, digits = self.precision(result)
        if kind == 'decimals':
            return Fraction(1, 2 * 10 ** digits)
        if kind == 'significant':
            v = abs(float(sp.N(value, 30)))
            if v == 0:
                return Fraction(0)
            exponent = math.floor(math.log10(v)) - digits + 1
            return Fraction(1, 2) * Fraction(10) ** exponent
        return Fraction(0)

    def precision_text(self, result=None):
        """What the sheet says: 'exact', 'a whole number', 'to 2 decimals', 'to 3 significant digits'."""
        kind, digits = self.precision(result)
        if kind == 'decimals':
            return 'to the nearest whole number' if digits == 0 else 'to %d decimal%s' % (digits, 's' * (digits > 1))
        if kind == 'significant':
            return 'to %d significant digits' % digits
        return 'a whole number' if self.whole else 'exact'

    def sheet_info(self):
        """What a sheet may say about this question without its answer (for the student kit):
        {id, title, names, whole, unit, precision, decimals, significant, shape, ask_formula}; precision is the
        sheet's words for the stated decimals or significant digits."""
        return {'id': self.id, 'title': self.title, 'names': self.answer_names(), 'whole': self.whole,
                'unit': self.unit, 'precision': self.precision_text() if self.decimals is not None
                or self.significant is not None or self.whole else None,
                'decimals': self.decimals, 'significant': self.significant,
                'shape': list(self.shape) if self.matrix else None, 'ask_formula': self.ask_formula}
