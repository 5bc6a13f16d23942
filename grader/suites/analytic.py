"""Written answers: the course's calculations (reference/analytic), graded from the student's answers file.

One `Answer` check per question of the key: its value for the student's parameters (the lecture's numbers, or
the student's variant when the course enables variants). A few questions also ask for the formula itself
(`<id>-formula`), graded by symbolic equivalence. Nothing runs in a worker: the answers are text, parsed by the
safe parser in the parent.

The list of questions comes from the stored key, reference/analytic/expected.json (so listing the checks does
not import sympy); `dlgrader answers --check` keeps that file in step with the formulas.
"""
import importlib.util
import json
import os

from ..checks.answer import Answer
from ..spec import HIDDEN, VISIBLE, Assignment

# Questions whose answer is a whole model's count: hidden (a category and a hint, never the expected value).
HIDDEN_PREFIXES = ("resnet", "densenet121-", "vgg16-params", "inception-3a-macs", "inception-3a-params",
                   "graph-sigmoid-df-")
# Tolerances other than the defaults (integers exact; other numbers 0.1%, or half a unit of the stated decimals).
TOLERANCES = {
    "vanishing-gradient-bound": {"rel_tol": 5e-3, "abs_tol": 0},   # 3 significant digits (2.66e-05), any size
}
# Questions that also ask for the formula, in the question's own names.
FORMULAS = ("conv-output-size", "conv-params", "dilated-effective-kernel", "rf-two-convs",
            "densenet-block-channels", "dropout-inverted-expectation", "xavier-std", "he-std",
            "adam-bias-correction-m", "svm-loss-example-1", "numerical-derivative")
FORMULA_SUFFIX = "-formula"
# What an answer is, where the question says it: a whole number (counts and sizes: the key's own check demands an
# integer), a fraction between 0 and 1, a number of bytes. `dlgrader check analytic` reads answers against this
# without the key (grader/checks/sheet.py); release ships it, answers left out, in the student kit's manifest.
UNITS = {"vgg16-activation-bytes": "bytes", "inception-bottleneck-saving": "fraction"}
WHOLE_NUMBER_CHECKS = ("positive_integer_result", "is_positive_integer", "is_integer")


def expected_path():
    """reference/analytic/expected.json, found without importing reference.analytic."""
    spec = importlib.util.find_spec("reference.analytic")
    return os.path.join(os.path.dirname(spec.origin), "expected.json")


def stored_questions():
    """[(id, title)] of the key's questions, from expected.json (or from the formulas when it is missing);
    none where the key is not installed (the student kit: these checks run at grading time only)."""
    try:
        with open(expected_path(), encoding="utf-8") as f:
            return [(qid, q["title"]) for qid, q in json.load(f)["questions"].items()]
    except ImportError:
        return []
    except (OSError, ValueError, KeyError):
        from reference.analytic import QUESTIONS
        return [(q.id, q.title) for q in QUESTIONS.values()]


def visibility(qid):
    return HIDDEN if qid.startswith(HIDDEN_PREFIXES) else VISIBLE


def checks(questions=None):
    out = []
    for qid, title in questions or stored_questions():
        out.append(Answer(qid, 1, visibility=visibility(qid), description=title, question=qid,
                          **TOLERANCES.get(qid, {})))
        if qid in FORMULAS:
            out.append(Answer(qid + FORMULA_SUFFIX, 1, visibility=VISIBLE, description="the formula: " + title,
                              question=qid, form="formula"))
    return out


ASSIGNMENT = Assignment(
    name="analytic",
    title="Written answers: sizes, parameters, FLOPs, receptive fields, initialisation, losses, gradients",
    symbols={},
    checks=checks(),
    answers=True,
    description="answers.toml / answers.json: one entry per question id, a number or a quoted expression",
)


def question_info():
    """[{id, title, form, names, whole, unit}] of every entry of the answers sheet (formula entries too), without
    answers: from the key's questions, or in the student kit from what release recorded."""
    from .. import studentkit
    if studentkit.active():
        return studentkit.questions()
    try:
        from reference.analytic import QUESTIONS
    except ImportError:
        return []
    out = []
    for q in QUESTIONS.values():
        names = list(q.defaults)
        whole = getattr(q.check, "__name__", "") in WHOLE_NUMBER_CHECKS
        out.append({"id": q.id, "title": q.title, "form": "number", "names": names, "whole": whole,
                    "unit": UNITS.get(q.id)})
        if q.id in FORMULAS:
            out.append({"id": q.id + FORMULA_SUFFIX, "title": "the formula: " + q.title, "form": "formula",
                        "names": names, "whole": False, "unit": None})
    return out
