"""Answers beyond one expression: a matrix, a percentage, an approximate sign.

    parse_matrix(raw)       a TOML/JSON array of arrays ([[1, 2], [3, 4]], entries numbers or
                            expressions in quotes) or the same as text ("[[g/4, 0], [0, g/4]]"):
                            a sympy Matrix, each entry read by parse_answer
    strip_marks(text)       ('90', True) for '≈ 90%': a leading ≈ or ~ and a trailing % (or ٪) cut off

Nothing here evaluates the text: an array's text is split into its entries by Python's `ast`
(only lists and tuples are taken apart; every entry goes through parse_answer with its limits).
"""
import ast

import sympy as sp

from .parse import _TRANSLATE, AnswerParseError, parse_answer

MAX_ROWS = MAX_COLS = 16
MAX_MATRIX_LENGTH = 8000     # characters of a matrix written as text
_APPROXIMATELY = ('≈', '~', '≃', '∼')
_PERCENT = ('%', '٪')


def strip_marks(text):
    """(text without a leading 'approximately' sign and a trailing percent sign, had a percent sign)."""
    text = text.strip()
    while text.startswith(_APPROXIMATELY):
        text = text[1:].lstrip()
    percent = text.endswith(_PERCENT)
    if percent:
        text = text[:-1].rstrip()
    return text, percent


def _entry(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AnswerParseError('not a matrix: its entries must be numbers or expressions in quotes')
    return parse_answer(value if isinstance(value, str) else repr(value))


def _rows(items):
    """Rows of a nested list: [[...], [...]], or one row for a flat list (a vector)."""
    if not items:
        raise AnswerParseError('not a matrix: it is empty')
    nested = [isinstance(r, (list, tuple)) for r in items]
    if all(nested):
        rows = [list(r) for r in items]
    elif not any(nested):
        rows = [list(items)]
    else:
        raise AnswerParseError('not a matrix: mix rows ([...]) and numbers at one level')
    if len(rows) > MAX_ROWS or any(len(r) > MAX_COLS for r in rows):
        raise AnswerParseError('not a matrix: more than %d rows or columns' % MAX_ROWS)
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        raise AnswerParseError('not a matrix: its rows have different lengths')
    return rows


def _split_text(text):
    """The entries of a matrix written as text, as nested lists of their source texts."""
    if len(text) > MAX_MATRIX_LENGTH:
        raise AnswerParseError('not a matrix: longer than %d characters' % MAX_MATRIX_LENGTH)
    source = text.translate(_TRANSLATE).replace('،', ',').strip()   # the parser's characters (−, ×, ۳)
    try:
        tree = ast.parse(source, mode='eval').body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        raise AnswerParseError('not a matrix: %s' % getattr(e, 'msg', 'cannot be read'))
    if not isinstance(tree, (ast.List, ast.Tuple)):
        raise AnswerParseError('not a matrix: write it as rows in brackets, [[1, 2], [3, 4]]')
    items = []
    for node in tree.elts:
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(n, (ast.List, ast.Tuple)) for n in node.elts):
                raise AnswerParseError('not a matrix: brackets nested more than two deep')
            items.append([ast.get_source_segment(source, n) for n in node.elts])
        else:
            items.append(ast.get_source_segment(source, node))
    return items


def parse_matrix(raw):
    """A student's matrix answer as a sympy ImmutableMatrix (a flat list gives one row).

    Inputs:
    - raw: a list of lists (or a flat list) of numbers and expression texts, as TOML/JSON give
      them, or the same written as text

    Raises AnswerParseError with a message for the student when it is not a matrix of accepted
    expressions. Never evaluates the text as code.
    """
    items = _split_text(raw) if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise AnswerParseError('not a matrix: write it as rows in brackets, [[1, 2], [3, 4]]')
    rows = _rows(items)
    return sp.ImmutableMatrix([[_entry(v) for v in row] for row in rows])


def fit_shape(matrix, shape):
    """The student's matrix in the key's shape where it is the same vector written as a row or a
    column; otherwise unchanged."""
    rows, cols = shape
    if matrix.shape != shape and 1 in (rows, cols) and 1 in matrix.shape and len(matrix) == rows * cols:
        return matrix.reshape(rows, cols)
    return matrix
