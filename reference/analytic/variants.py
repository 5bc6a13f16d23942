"""Per-student variants: each question's parameters drawn from the course secret and the id."""
import hashlib

from .question import to_number

MAX_TRIES = 1000


def _draw(*parts):
    """A deterministic 64-bit integer from the parts (strings), via SHA-256."""
    digest = hashlib.sha256('\x00'.join(parts).encode('utf-8')).digest()
    return int.from_bytes(digest[:8], 'big')


def variant_params(question, secret, student_id):
    """The parameters of one student's variant of a question.

    Inputs:
    - question: a Question, or a question id (looked up in QUESTIONS)
    - secret: the course secret (str); without it nobody can predict another's variant
    - student_id: str

    Returns {name: exact sympy number} for every parameter of the question. Each name with
    choices gets one of them, drawn with SHA-256 from (secret, student_id, question id, try,
    name); a draw is kept only when the question's check accepts the result (integer output
    sizes, etc.), else the next try is drawn. The same inputs always give the same variant.
    Questions without choices (and the unlikely case of no accepted try in MAX_TRIES) give
    the defaults.
    """
    if isinstance(question, str):
        from .catalog import QUESTIONS
        question = QUESTIONS[question]
    if not isinstance(secret, str) or not isinstance(student_id, str):
        raise TypeError('secret and student_id must be str')
    defaults = {n: to_number(v) for n, v in question.defaults.items()}
    for attempt in range(MAX_TRIES if question.choices else 0):
        params = dict(defaults)
        for name in sorted(question.choices):
            options = question.choices[name]
            pick = _draw(secret, student_id, question.id, str(attempt), name) % len(options)
            params[name] = to_number(options[pick])
        if question.accepts(params):
            return params
    return defaults
