"""A safe parser for students' written answers: text -> sympy expression.

Nothing is evaluated with eval/sympify: the text is parsed by Python's `ast` module and only a
whitelist of nodes is turned into sympy objects by hand:
- numbers (ints, decimals, 1e-4 notation; Persian/Arabic digits and the '٫' decimal point are
  accepted), names (letters, digits, underscores; not starting with '_'),
- + - * / ** ^ (^ means power), unary + and -, parentheses,
- calls of sqrt, exp, log (log(x) natural, log(x, b) base b), ln, abs, max, min, floor, ceil,
  tanh,
- the constants pi and e.
Everything else (attributes, subscripts, strings, keywords, lambdas, comparisons, ...) is
rejected with AnswerParseError, as are texts over MAX_LENGTH characters, more than MAX_NODES
nodes, power towers deeper than MAX_POWER_DEPTH, function calls nested deeper than MAX_CALL_DEPTH,
constant exponents over MAX_EXPONENT in size
and numbers over 10**MAX_LOG10 in size (so `x**x**x**x**99` or `9**9**9` fail at once).
"""
import ast
import math
import re

import sympy as sp

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_POWER_DEPTH = 2       # nested powers/exponentials on one path: x**(y**2) yes, x**x**x no
MAX_CALL_DEPTH = 6        # nested function calls on one path (the key nests floor 5 deep); sympy on ln(ln(...))
                          # grows exponentially with the depth (10 s at depth 10)
MAX_EXPONENT = 1000       # |constant exponent|
MAX_LOG10 = 1000          # 10**-MAX_LOG10 < |number| < 10**MAX_LOG10 (or 0)
MAX_NAME_LENGTH = 32

FUNCTIONS = {  # name: (sympy function, allowed numbers of arguments)
    'sqrt': (sp.sqrt, (1,)), 'exp': (sp.exp, (1,)), 'log': (sp.log, (1, 2)),
    'ln': (sp.log, (1,)), 'abs': (sp.Abs, (1,)), 'max': (sp.Max, range(2, 11)),
    'min': (sp.Min, range(2, 11)), 'floor': (sp.floor, (1,)), 'ceil': (sp.ceiling, (1,)),
    'tanh': (sp.tanh, (1,)),
}
CONSTANTS = {'pi': sp.pi, 'e': sp.E}
GROWING = ('exp',)  # functions that count as a power level

_TRANSLATE = str.maketrans({'−': '-', 'π': 'pi', '–': '-', '×': '*', '·': '*', '÷': '/', '^': '**',
                            '٫': '.', **{chr(0x06F0 + i): str(i) for i in range(10)},
                            **{chr(0x0660 + i): str(i) for i in range(10)}})
_NAME = re.compile(r'[A-Za-z][A-Za-z0-9_]*\Z')


class AnswerParseError(ValueError):
    """The text is not an expression this grader accepts; str(error) says why."""


def _log10_size(value):
    """log10 of |value| for a sympy number (0 for zero), without building huge floats."""
    if value == 0:
        return 0.0
    if value.is_Rational:
        p, q = abs(int(value.p)), int(value.q)
        return (p.bit_length() - q.bit_length()) * math.log10(2)
    return None  # irrational or symbolic: no bound known


class _Builder:
    def __init__(self, source):
        self.source = source
        self.nodes = 0
        self.calls = 0            # function calls open on the current path

    def build(self, node, power_depth=0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise AnswerParseError('not an expression: too long (more than %d parts)' % MAX_NODES)
        if isinstance(node, ast.Expression):
            return self.build(node.body, power_depth)
        if isinstance(node, ast.Constant):
            return self.number(node.value, ast.get_source_segment(self.source, node))
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand, power_depth)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, power_depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult,
                                                                ast.Div)):
            left = self.build(node.left, power_depth)
            right = self.build(node.right, power_depth)
            if isinstance(node.op, ast.Add):
                return self.bounded(left + right)
            if isinstance(node.op, ast.Sub):
                return self.bounded(left - right)
            if isinstance(node.op, ast.Mult):
                return self.bounded(left * right)
            if right == 0:
                raise AnswerParseError('not a number: division by zero')
            return self.bounded(left / right)
        if isinstance(node, ast.Call):
            return self.call(node, power_depth)
        raise AnswerParseError('not an expression: %s is not allowed (only numbers, names, '
                               '+ - * / ^, parentheses and %s)'
                               % (type(node).__name__, ', '.join(sorted(FUNCTIONS))))

    def number(self, value, text):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerParseError('not an expression: only numbers, not %r' % (value,))
        if isinstance(value, int):
            return self.bounded(sp.Integer(value))
        if not math.isfinite(value):
            raise AnswerParseError('not a number: too large')
        try:  # the decimal as written: 3.14159265358979323846 keeps all its digits
            return self.bounded(sp.Rational((text or '').replace('_', '')))
        except (TypeError, ValueError):
            return self.bounded(sp.Rational(repr(value)))

    def name(self, name):
        if name in CONSTANTS:
            return CONSTANTS[name]
        if not _NAME.match(name) or len(name) > MAX_NAME_LENGTH:
            raise AnswerParseError('not an expression: %r is not an allowed name' % name[:40])
        if name in FUNCTIONS:
            raise AnswerParseError('not an expression: %s needs parentheses' % name)
        return sp.Symbol(name)

    def power(self, node, power_depth):
        if power_depth >= MAX_POWER_DEPTH:
            raise AnswerParseError('not an expression: powers nested more than %d deep'
                                   % MAX_POWER_DEPTH)
        base = self.build(node.left, power_depth + 1)
        exponent = self.build(node.right, power_depth + 1)
        if exponent.is_number:
            e = sp.N(exponent, 15)
            if not e.is_real or abs(e) > MAX_EXPONENT:
                raise AnswerParseError('not a number: exponent larger than %d' % MAX_EXPONENT)
            if base.is_number:
                if base == 0 and e < 0:
                    raise AnswerParseError('not a number: division by zero')
                size = _log10_size(base)
                if size is None:
                    b = abs(sp.N(base, 15))
                    size = math.log10(b) if b.is_real and b > 0 else 0.0
                if abs(size * e) > MAX_LOG10:
                    raise AnswerParseError('not a number: larger than 10^%d' % MAX_LOG10)
        result = sp.Pow(base, exponent)
        if result.is_Pow and result.exp.is_number and abs(sp.N(result.exp, 15)) > MAX_EXPONENT:
            raise AnswerParseError('not a number: exponent larger than %d' % MAX_EXPONENT)
        return self.bounded(result)

    def call(self, node, power_depth):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else 'that'
            raise AnswerParseError('not an expression: calling %s is not allowed (only %s)'
                                   % (called[:40], ', '.join(sorted(FUNCTIONS))))
        function, arities = FUNCTIONS[node.func.id]
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise AnswerParseError('not an expression: %s takes plain arguments' % node.func.id)
        if len(node.args) not in arities:
            raise AnswerParseError('not an expression: wrong number of arguments for %s'
                                   % node.func.id)
        depth = power_depth + 1 if node.func.id in GROWING else power_depth
        if depth > MAX_POWER_DEPTH:
            raise AnswerParseError('not an expression: powers nested more than %d deep'
                                   % MAX_POWER_DEPTH)
        if self.calls >= MAX_CALL_DEPTH:
            raise AnswerParseError('not an expression: functions nested more than %d deep'
                                   % MAX_CALL_DEPTH)
        self.calls += 1
        try:
            args = [self.build(a, depth) for a in node.args]
        finally:
            self.calls -= 1
        if node.func.id == 'exp' and args[0].is_number and \
                abs(sp.N(args[0], 15)) > MAX_LOG10 * math.log(10):
            raise AnswerParseError('not a number: larger than 10^%d' % MAX_LOG10)
        return self.bounded(function(*args))

    @staticmethod
    def bounded(value):
        if value.is_number:
            if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                raise AnswerParseError('not a number: undefined (division by zero?)')
            size = _log10_size(value)
            if size is not None and abs(size) > MAX_LOG10:
                raise AnswerParseError('not a number: its size is beyond 10^%d or 10^-%d'
                                       % (MAX_LOG10, MAX_LOG10))
        return value


def parse_answer(text):
    """Parse a student's answer into a sympy expression.

    Inputs:
    - text: str, e.g. '(N + 2*P - F)/S + 1', '79/15', '2.04', '−ln(0.13)', '0.9^100'

    Returns a sympy expression whose symbols are plain sp.Symbol(name) (no assumptions).
    Raises AnswerParseError (a ValueError) with a message for the student when the text is not
    an accepted expression. Never evaluates the text as code.
    """
    if not isinstance(text, str):
        raise AnswerParseError('not an expression: expected text, got %s' % type(text).__name__)
    if len(text) > MAX_LENGTH:
        raise AnswerParseError('not an expression: longer than %d characters' % MAX_LENGTH)
    source = text.translate(_TRANSLATE).strip()
    if not source:
        raise AnswerParseError('not an expression: empty answer')
    try:
        tree = ast.parse(source, mode='eval')
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        raise AnswerParseError('not an expression: %s' % getattr(e, 'msg', 'cannot be parsed'))
    try:
        return _Builder(source).build(tree)
    except RecursionError:
        raise AnswerParseError('not an expression: nested too deeply')
