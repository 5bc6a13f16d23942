"""The answer key: for each question its formula, the values put in, and the result.

    answer_key()                                   the lecture's numbers
    answer_key(secret='...', student_id='42')      one student's variant
    key_entry(question, params)                    one question

Each entry is a plain dict (JSON-ready) of strings and numbers; `dlgrader answers` renders it as
Markdown, JSON, LaTeX or an answers file.
"""
from functools import lru_cache

import sympy as sp

from .catalog import QUESTIONS
from .printing import (answer_text, number_text, question_text, stated_text, substituted_latex,
                       substituted_text)
from .question import entries, is_matrix
from .variants import variant_params

UNIT_TEXT = {'percent': 'in %', 'bytes': 'in bytes', 'MiB': 'in MiB (2^20 bytes)'}


@lru_cache(maxsize=1024)
def formula_texts(formula):
    """(answer_text, LaTeX) of a formula; the same for every variant, so printed once."""
    return answer_text(formula), sp.latex(formula)


def asked(question, result):
    """What the sheet says the answer must be: '2 decimals', 'in %, to the nearest whole number',
    'a 3 x 3 matrix', ..."""
    parts = []
    if question.matrix:
        rows, cols = question.shape
        parts.append('a list of %d numbers' % (rows * cols) if 1 in (rows, cols)
                     else 'a %d x %d matrix, rows in brackets' % (rows, cols))
    if question.unit:
        parts.append(UNIT_TEXT[question.unit])
    parts.append(question.precision_text(result))
    return ', '.join(parts)


def key_entry(question, params=None):
    """The key of one question for these parameters (default: the lecture's).

    Returns a dict: id, title (the question with its values), given {name: exact text} (the values
    the title does not show), asked (the form and precision the sheet asks for), formula
    (parse_answer syntax), formula_latex, params {name: exact text}, substituted (the formula with
    the values in) and substituted_latex, result (the exact value as text, None where it is not a
    short rational), closed_form (the exact value where the answer is rounded: 79/15, sqrt(2)/32,
    else None), answer (as the key states it) and precision ('exact', '4 decimals', ...), value
    (float, or rows of floats), answer_latex, unit, ask_formula (the sheet also asks for the formula),
    names (the names a formula answer may use), note.
    """
    given = {s.name: v for s, v in question.substitute(params).items()}
    values = {name: given[name] for name in question.defaults}  # in the question's order
    result = question.result(values)
    answer, precision = stated_text(result, question.precision(result))
    exact = number_text(result) if all(e.is_Rational for e in entries(result)) else None
    formula_text, formula_latex = formula_texts(question.formula)
    title, unshown = question_text(question, values)
    return {
        'id': question.id,
        'title': title,
        'given': {name: number_text(values[name]) for name in unshown},
        'asked': asked(question, result),
        'formula': formula_text,
        'formula_latex': formula_latex,
        'params': {name: number_text(v) for name, v in values.items()},
        'substituted': substituted_text(question.formula, values),
        'substituted_latex': substituted_latex(question.formula, values),
        'result': exact if exact is not None and precision == 'exact' and (len(exact) <= 40 or is_matrix(result))
        else None,
        'closed_form': None if precision == 'exact' else exact if exact is not None and len(exact) <= 40
        else None if exact is not None or is_matrix(result) else answer_text(result),
        'answer': answer,
        'precision': precision,
        'value': question.value(values),
        'answer_latex': sp.latex(result) if precision == 'exact' else answer,
        'unit': question.unit,
        'ask_formula': question.ask_formula,
        'names': question.answer_names(),
        'note': question.note,
    }


def answer_key(secret=None, student_id=None, questions=None):
    """[key_entry] for every question, with the lecture's parameters, or with the variant of
    student_id under the course secret when both are given."""
    questions = QUESTIONS if questions is None else questions
    if student_id is not None and secret is None:
        raise ValueError('a variant needs the course secret')
    return [key_entry(q, variant_params(q, secret, student_id) if student_id is not None
                      else None) for q in questions.values()]
