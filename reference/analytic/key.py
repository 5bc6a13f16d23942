"""The answer key: for each question its formula, the values put in, and the result.

    answer_key()                                   the lecture's numbers
    answer_key(secret='...', student_id='42')      one student's variant
    key_entry(question, params)                    one question

Each entry is a plain dict (JSON-ready) of strings and numbers; `dlgrader answers` renders it as
Markdown, JSON or LaTeX.
"""
from functools import lru_cache

import sympy as sp

from .catalog import QUESTIONS
from .printing import (answer_text, number_text, stated_text, substituted_latex,
                       substituted_text)
from .variants import variant_params


@lru_cache(maxsize=1024)
def formula_texts(formula):
    """(answer_text, LaTeX) of a formula; the same for every variant, so printed once."""
    return answer_text(formula), sp.latex(formula)


def key_entry(question, params=None):
    """The key of one question for these parameters (default: the lecture's).

    Returns a dict: id, title, formula (parse_answer syntax), formula_latex, params
    {name: exact text}, substituted (the formula with the values in) and substituted_latex,
    result (the exact value as text, None where it is not a short rational), closed_form (an
    exact irrational such as sqrt(2)/32, else None), answer (as the key states it) and
    precision ('exact', '4 decimals', ...), value (float), decimals, note.
    """
    given = {s.name: v for s, v in question.substitute(params).items()}
    values = {name: given[name] for name in question.defaults}  # in the question's order
    result = question.result(values)
    answer, precision = stated_text(result, question.decimals)
    exact = precision == 'exact'
    formula_text, formula_latex = formula_texts(question.formula)
    return {
        'id': question.id,
        'title': question.title,
        'formula': formula_text,
        'formula_latex': formula_latex,
        'params': {name: number_text(v) for name, v in values.items()},
        'substituted': substituted_text(question.formula, values),
        'substituted_latex': substituted_latex(question.formula, values),
        'result': answer if exact else None,
        'closed_form': None if result.is_Rational else answer_text(result),
        'answer': answer,
        'precision': precision,
        'value': float(sp.N(result, 30)),
        'decimals': question.decimals,
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
