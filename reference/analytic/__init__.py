"""The course's analytic answers as sympy expressions: questions, variants, answer parsing.

    from reference.analytic import QUESTIONS, variant_params, parse_answer, answers_equivalent
    from reference.analytic.key import answer_key        # the key, as `dlgrader answers` prints it
"""
from .catalog import QUESTIONS, build_questions
from .equivalence import answers_equivalent, evaluate, same_values_elsewhere
from .forms import fit_shape, parse_matrix, strip_marks
from .parse import AnswerParseError, parse_answer
from .question import Question
from .variants import variant_params

__all__ = ['QUESTIONS', 'build_questions', 'Question', 'variant_params', 'parse_answer', 'parse_matrix',
           'strip_marks', 'fit_shape', 'AnswerParseError', 'answers_equivalent', 'same_values_elsewhere', 'evaluate']
