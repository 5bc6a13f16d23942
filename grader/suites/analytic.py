"""Written answers: the course's calculations (reference/analytic), graded from the student's answers file.

One `Answer` check per question of the key: its value for the student's parameters (the lecture's numbers, or
the student's variant when the course enables variants), within the precision the question states. Questions
marked `ask_formula` also ask for the formula itself (`<id>-formula`), graded by symbolic equivalence; matrix
questions take a matrix (entry by entry). Nothing runs in a worker: the answers are text, parsed by the safe
parsers in the parent.

The list of questions comes from the stored key, reference/analytic/expected.json (so listing the checks does
not import sympy); `dlgrader answers --check` keeps that file in step with the formulas.
"""
import importlib.util
import json
import os
import re

from ..checks.answer import Answer
from ..spec import HIDDEN, VISIBLE, Assignment

# Questions whose answer is a whole model's count: hidden (a category and a hint, never the expected value).
HIDDEN_PREFIXES = ("resnet", "densenet121-", "vgg16-params", "vgg19-params", "inception-3a-macs",
                   "inception-3a-params", "graph-sigmoid-df-")
FORMULA_SUFFIX = "-formula"


def expected_path():
    """reference/analytic/expected.json, found without importing reference.analytic."""
    spec = importlib.util.find_spec("reference.analytic")
    return os.path.join(os.path.dirname(spec.origin), "expected.json")


def stored_questions():
    """[(id, title, ask_formula)] of the key's questions, from expected.json (or from the formulas when it is
    missing); none where the key is not installed (the student kit: these checks run at grading time only)."""
    try:
        with open(expected_path(), encoding="utf-8") as f:
            return [(qid, q["title"], q.get("ask_formula", False)) for qid, q in json.load(f)["questions"].items()]
    except ImportError:
        return []
    except (OSError, ValueError, KeyError):
        from reference.analytic import QUESTIONS
        return [(q.id, q.title, q.ask_formula) for q in QUESTIONS.values()]


def visibility(qid):
    return HIDDEN if qid.startswith(HIDDEN_PREFIXES) else VISIBLE


def plain(title):
    """A question's title without its placeholders: "the input {x}" -> "the input x" (the numbers are the
    student's variant's; the sheet has them)."""
    return re.sub(r"\{([A-Za-z][A-Za-z0-9_]*)\}", r"\1", title)


def checks(questions=None):
    out = []
    for qid, template, ask_formula in questions or stored_questions():
        title = plain(template)
        out.append(Answer(qid, 1, visibility=visibility(qid), description=title, question=qid))
        if ask_formula:
            out.append(Answer(qid + FORMULA_SUFFIX, 1, visibility=VISIBLE, description="the formula: " + title,
                              question=qid, form="formula"))
    return out


ASSIGNMENT = Assignment(
    name="analytic",
    title="Written answers: sizes, parameters, FLOPs, receptive fields, initialisation, losses, gradients",
    symbols={},
    checks=checks(),
    answers=True,
    description="answers.toml / answers.json: one entry per question id, a number, a quoted expression or a "
                "matrix",
)


def question_info():
    """What the answers sheet asks, without the answers: one entry per sheet entry (formula entries too), each a
    Question.sheet_info() (whole number, unit, precision, matrix shape, the names a formula may use) with `form`
    "number" or "formula". From the key's questions, or in the student kit from what release recorded.
    `dlgrader check analytic` reads answers against it (grader/checks/sheet.py)."""
    from .. import studentkit
    if studentkit.active():
        return studentkit.questions()
    try:
        from reference.analytic import QUESTIONS
    except ImportError:
        return []
    out = []
    for q in QUESTIONS.values():
        info = dict(q.sheet_info(), form="number")
        out.append(info)
        if q.ask_formula:    # a formula answers for any parameters: no unit, precision or whole-number rule
            out.append(dict(info, id=q.id + FORMULA_SUFFIX, title="the formula: " + info["title"], form="formula",
                            whole=False, unit=None, precision=None, decimals=None, significant=None))
    return out
