"""The course's analytic answers as sympy expressions: questions, variants, answer parsing.

    from reference.analytic import QUESTIONS, variant_params, parse_answer, answers_equivalent
    from reference.analytic.key import answer_key        # the key, as `dlgrader answers` prints it
"""
from .catalog import QUESTIONS, build_questions
from .equivalence import answers_equivalent, evaluate
from .parse import AnswerParseError, parse_answer
from .question import Question
from .variants import variant_params

__all__ = ['QUESTIONS', 'build_questions', 'Question', 'variant_params', 'parse_answer',
           'AnswerParseError', 'answers_equivalent', 'evaluate']
