"""Text forms of the key: answers a student could type, numbers as the course writes them, and
formulas with the values written in.

    answer_text(expr)          '(N + 2*P - F)/S + 1', 'max(0, ...)': what parse_answer reads back
    number_text(x)             '3.2', '79/15', '15237608': an exact number, exactly
    stated_text(x, decimals)   ('79/15', 'exact') or ('0.0442', '4 decimals')
    substituted_text(f, vals)  '(7 + 2*0 - 3)/2 + 1'; substituted_latex(f, vals) the same in LaTeX
"""
import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .question import to_number

MAX_EXACT_CHARS = 40       # an exact rational longer than this is stated as a rounded float
SIGNIFICANT = 12           # digits of a float answer whose question states no precision
MIN_SIGNIFICANT = 3        # digits of a value too small for the question's decimals (< 2 digits left)
_RENAMED = {'Max': 'max', 'Min': 'min', 'Abs': 'abs', 'ceiling': 'ceil'}


class AnswerPrinter(StrPrinter):
    """sympy's str form in the syntax parse_answer accepts (max, min, abs, ceil, e)."""

    def _print_Function(self, expr):
        name = _RENAMED.get(expr.func.__name__, expr.func.__name__)
        return '%s(%s)' % (name, ', '.join(self._print(a) for a in expr.args))

    _print_Max = _print_Min = _print_Abs = _print_ceiling = _print_Function

    def _print_Exp1(self, expr):
        return 'e'


def answer_text(expr):
    """An expression as a student would type it; parse_answer(answer_text(e)) equals e."""
    return AnswerPrinter().doprint(expr)


def _terminates(q):
    """Whether 1/q has a finite decimal expansion (q has no prime factors but 2 and 5)."""
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def number_text(x):
    """An exact number as text: integers and finite decimals as decimals, other rationals as p/q,
    irrational numbers in closed form (sqrt(2)/32)."""
    x = sp.sympify(x)
    if x.is_Integer:
        return str(int(x))
    if x.is_Rational:
        p, q = int(x.p), int(x.q)
        if _terminates(q):
            places = max(len(str(q)) - 1, 1)
            while 10 ** places % q:
                places += 1
            whole, frac = divmod(abs(p) * (10 ** places // q), 10 ** places)
            digits = str(frac).rjust(places, '0').rstrip('0')
            return '%s%d.%s' % ('-' if p < 0 else '', whole, digits)
        return '%d/%d' % (p, q)
    return answer_text(x)


def stated_text(x, decimals=None):
    """(text, precision) of an answer as the key states it: exact where the answer is a short
    rational, else a float rounded to the question's decimals (or SIGNIFICANT digits; or
    MIN_SIGNIFICANT digits where the decimals would leave fewer, as for 0.5**200)."""
    x = sp.sympify(x)
    if x.is_Rational and len(number_text(x)) <= MAX_EXACT_CHARS:
        return number_text(x), 'exact'
    value = float(sp.N(x, 30))
    if decimals is not None and (value == 0 or abs(value) >= 10.0 ** (1 - decimals)):
        return '%.*f' % (decimals, value), '%d decimals' % decimals
    if decimals is not None:
        return '%.*g' % (MIN_SIGNIFICANT, value), '%d significant digits' % MIN_SIGNIFICANT
    return '%.*g' % (SIGNIFICANT, value), '%d significant digits' % SIGNIFICANT


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
