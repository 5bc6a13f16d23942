"""Text forms of the key: answers a student could type, numbers as the course writes them, and
formulas with the values written in.

    answer_text(expr)          '(N + 2*P - F)/S + 1', 'max(0, ...)', '[[a, 0, b], ...]': what the
                               answer parsers read back
    number_text(x)             '3.2', '79/15', '15237608': an exact number, exactly
    stated_text(x, precision)  ('79/15', 'exact') or ('0.0442', '4 decimals')
    question_text(q, params)   the question's title with the parameters' values put in
    substituted_text(f, vals)  '(7 + 2*0 - 3)/2 + 1'; substituted_latex(f, vals) the same in LaTeX
"""
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .question import decimal_places, is_matrix, to_number

MAX_EXACT_CHARS = 40       # an exact rational longer than this is stated as a rounded float
SIGNIFICANT = 12           # digits of a float answer whose question states no precision
MIN_SIGNIFICANT = 3        # digits of a value too small for the question's decimals (< 2 digits left)
_RENAMED = {'Max': 'max', 'Min': 'min', 'Abs': 'abs', 'ceiling': 'ceil'}
_GROUP = re.compile(r'([A-Za-z][A-Za-z0-9]*)_(\d+)(?:_(\d+))?\Z')   # x_3 (vector), x_1_2 (matrix)
_PLACEHOLDER = re.compile(r'\{([A-Za-z][A-Za-z0-9_]*)\}')


def matrix_text(m, text):
    """'[[a, b], [c, d]]' (a vector, one row or one column: '[a, b, c]'), each entry through text."""
    if m.rows == 1 or m.cols == 1:
        return '[%s]' % ', '.join(text(e) for e in m)
    return '[%s]' % ', '.join('[%s]' % ', '.join(text(e) for e in m.row(i)) for i in range(m.rows))


class AnswerPrinter(StrPrinter):
    """sympy's str form in the syntax parse_answer accepts (max, min, abs, ceil, e; matrices as
    nested lists)."""

    def _print_Function(self, expr):
        name = _RENAMED.get(expr.func.__name__, expr.func.__name__)
        return '%s(%s)' % (name, ', '.join(self._print(a) for a in expr.args))

    _print_Max = _print_Min = _print_Abs = _print_ceiling = _print_Function

    def _print_Exp1(self, expr):
        return 'e'

    def _print_MatrixBase(self, expr):
        return matrix_text(expr, self._print)

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase


def answer_text(expr):
    """An expression as a student would type it; parse_answer(answer_text(e)) equals e (each entry
    for a matrix: parse_matrix reads it)."""
    return AnswerPrinter().doprint(expr)


def number_text(x):
    """An exact number as text: integers and finite decimals as decimals, other rationals as p/q,
    irrational numbers in closed form (sqrt(2)/32); a matrix entry by entry."""
    x = sp.sympify(x)
    if is_matrix(x):
        return matrix_text(x, number_text)
    if x.is_Integer:
        return str(int(x))
    if x.is_Rational:
        places = decimal_places(x)
        if places is None:
            return '%d/%d' % (int(x.p), int(x.q))
        whole, frac = divmod(abs(int(x.p)) * (10 ** places // int(x.q)), 10 ** places)
        return '%s%d.%s' % ('-' if x < 0 else '', whole, str(frac).rjust(places, '0'))
    return answer_text(x)


def _significant_digits(x):
    """Significant digits of an exact finite decimal (0.0625 -> 3, 1000 -> 1), None for others."""
    places = decimal_places(x)
    if places is None:
        return None
    m = abs(int(x * 10 ** places))
    return len(str(m).rstrip('0')) if m else 1


def _rounded(x, kind, digits):
    """(text, label) of one number at the precision (kind, digits) of its question: exact where the
    exact value needs no more digits than stated."""
    if x.is_Rational and len(number_text(x)) <= MAX_EXACT_CHARS and (
            kind == 'exact' or kind == 'decimals' and decimal_places(x) is not None and decimal_places(x) <= digits
            or kind == 'significant' and _significant_digits(x) is not None and _significant_digits(x) <= digits):
        return number_text(x), 'exact'
    value = float(sp.N(x, 30))
    if kind == 'decimals' and (abs(value) >= 0.5 * 10.0 ** -digits or value == 0):
        return '%.*f' % (digits, value), '%d decimal%s' % (digits, 's' * (digits != 1))
    if kind == 'decimals':               # it would round to 0 (0.5**200 at 8 decimals): say more
        return '%.*g' % (MIN_SIGNIFICANT, value), '%d significant digits' % MIN_SIGNIFICANT
    digits = digits if kind == 'significant' else SIGNIFICANT
    return '%.*g' % (digits, value), '%d significant digits' % digits


def stated_text(x, precision=('exact', None)):
    """(text, precision label) of an answer as the key states it, at its question's precision
    (Question.precision(x)): exact where the exact value is a short decimal (or, asked exactly, a
    short fraction), else rounded to the stated decimals or significant digits. A matrix is stated
    entry by entry; its label is the coarsest of its entries'."""
    kind, digits = precision
    x = sp.sympify(x)
    if not is_matrix(x):
        return _rounded(x, kind, digits)
    stated = [_rounded(e, kind, digits) for e in x]
    texts = iter(t for t, _ in stated)
    labels = {label for _, label in stated}
    label = 'exact' if labels == {'exact'} else sorted(labels - {'exact'})[0]
    return matrix_text(x, lambda e: next(texts)), label


def parameter_groups(names):
    """{group: [names]} of the names that form vectors (x_0, x_1) or matrices (x_0_0, ...)."""
    groups = {}
    for name in names:
        m = _GROUP.match(name)
        if m:
            groups.setdefault(m.group(1), []).append(name)
    return groups


def group_text(group, values):
    """A group of parameters as a vector or matrix, '[1, 2, 3]' or '[[1, 2], [3, 4]]'."""
    cells = {}
    for name, v in values.items():
        m = _GROUP.match(name)
        if m and m.group(1) == group:
            row, col = int(m.group(2)), int(m.group(3)) if m.group(3) is not None else None
            cells[(row, col)] = number_text(to_number(v))
    if all(col is None for _, col in cells):
        return '[%s]' % ', '.join(cells[(i, None)] for i in sorted(r for r, _ in cells))
    rows, cols = sorted({r for r, _ in cells}), sorted({c for _, c in cells})
    return '[%s]' % ', '.join('[%s]' % ', '.join(cells[(r, c)] for c in cols) for r in rows)


def question_text(question, params=None):
    """(title with the values put in, [names of the parameters the title does not show])."""
    values = {s.name: v for s, v in question.substitute(params).items()}
    values = {name: values[name] for name in question.defaults}        # in the question's order
    groups = parameter_groups(values)
    shown = set()

    def fill(m):
        key = m.group(1)
        if key in values:
            shown.add(key)
            return number_text(values[key])
        if key in groups:
            shown.update(groups[key])
            return group_text(key, values)
        raise KeyError('%s: {%s} in its title is not a parameter' % (question.id, key))
    title = _PLACEHOLDER.sub(fill, question.title)
    return title, [name for name in values if name not in shown]


def _needs_parentheses(value):
    return bool(value < 0) or '/' in number_text(value)


class _SubstitutingPrinter(StrPrinter):
    def __init__(self, values):
        super().__init__()
        self.values = {k: to_number(v) for k, v in values.items()}

    def _print_Symbol(self, expr):
        v = self.values[expr.name]
        text = number_text(v)
        return '(%s)' % text if _needs_parentheses(v) else text

    _print_Function = AnswerPrinter._print_Function
    _print_Max = _print_Min = _print_Abs = _print_ceiling = AnswerPrinter._print_Function
    _print_Exp1 = AnswerPrinter._print_Exp1
    _print_MatrixBase = _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = AnswerPrinter._print_MatrixBase


class _SubstitutingLatexPrinter(LatexPrinter):
    def __init__(self, values):
        super().__init__({'mul_symbol': 'dot'})
        self.values = {k: to_number(v) for k, v in values.items()}

    def _print_Symbol(self, expr, style='plain'):
        v = self.values[expr.name]
        text = number_text(v) if v.is_Rational and '/' not in number_text(v) else LatexPrinter()._print(v)
        return r'\left(%s\right)' % text if _needs_parentheses(v) else text


def substituted_text(formula, values):
    """The formula with every symbol replaced by its value ({name: number}), not evaluated."""
    return _SubstitutingPrinter(values).doprint(formula)


def substituted_latex(formula, values):
    return _SubstitutingLatexPrinter(values).doprint(formula)
