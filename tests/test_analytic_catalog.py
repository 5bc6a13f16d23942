"""The written-answer catalog (issue 17): every gradable item of the course's notes and homework has a grader,
every question states its precision and accepts any answer given to it (the lecture's printed values included),
and no variant sheet contradicts its own numbers."""
import math
import os
import re
from fractions import Fraction

import pytest
import sympy as sp

from grader.answers import CHECK_SECRET, CHECK_STUDENTS
from grader.checks.answer import close
from grader.spec import assignments
from grader.suites.analytic import ASSIGNMENT
from helpers import ROOT
from reference.analytic import QUESTIONS, evaluate, variant_params
from reference.analytic.printing import question_text
from reference.analytic.question import FALLBACK_SIGNIFICANT, entries

README = os.path.join(ROOT, "assignments", "analytic", "README.md")
ANSWERS = {c.name: c for c in ASSIGNMENT.checks}
PARAMETER_SETS = [(q, p) for q in QUESTIONS.values()
                  for p in [None] + [variant_params(q, CHECK_SECRET, sid) for sid in CHECK_STUDENTS]]


def item_rows():
    """{row id: (item, code cell, written cell)} of the README's tables of gradable items."""
    rows = {}
    with open(README, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if re.fullmatch(r"[LH]\d+", cells[0]):
                if cells[0].startswith("L"):
                    _, item, _, code, written = cells
                else:
                    _, item, _, _, written, code = cells
                rows[cells[0]] = (item, code, written)
    return rows


def code_checks(cell):
    """[(assignment, check)] named in a code cell: "`a`: `c1`, `c2`; `b`: `c3`"."""
    out = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        assignment, _, checks = part.partition(":")
        out += [(assignment.strip(" `"), c) for c in re.findall(r"`([^`]+)`", checks)]
    return out


def test_every_item_of_the_notes_and_the_homework_is_graded_by_something_that_exists():
    rows = item_rows()
    lecture = [r for r in rows if r.startswith("L")]
    homework = [r for r in rows if r.startswith("H")]
    assert lecture == ["L%d" % i for i in range(1, len(lecture) + 1)] and len(lecture) >= 97
    assert homework == ["H%d" % i for i in range(1, 21)]                 # the homework's 20 answers
    suites = {a.name: {c.name for c in a.checks} for a in assignments()}
    for row, (item, code, written) in rows.items():
        named = code_checks(code)
        questions = re.findall(r"`([^`]+)`", written)
        assert named or questions, "%s (%s) has no grader" % (row, item)
        for assignment, check in named:
            assert check in suites.get(assignment, ()), "%s: %s has no check %s" % (row, assignment, check)
        for qid in questions:
            assert qid in ANSWERS, "%s: no written question %s" % (row, qid)
    listed = {q for _, _, written in rows.values() for q in re.findall(r"`([^`]+)`", written)}
    asked_in_homework = {q for r in homework for q in re.findall(r"`([^`]+)`", rows[r][2])}
    assert len(listed) >= 140 and len(asked_in_homework) >= 30


def test_titles_never_type_in_a_number_a_variant_changes():
    """A variant sheet once read "32x32 input with 5x5 filters ... with N = 53, F = 7": a title may show a
    parameter only through its placeholder (or name it and let the sheet list its value)."""
    for q in QUESTIONS.values():
        literal = re.sub(r"\{[A-Za-z][A-Za-z0-9_]*\}", " ", q.title)
        numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", literal))
        sizes = set(re.findall(r"(\d+) ?x ?\1", literal))                 # "5x5", "3 x 3"
        for name, options in q.choices.items():
            default = str(q.defaults[name])
            if len(set(map(str, options))) > 1 and not re.fullmatch(r"[A-Za-z]+_\d+(_\d+)?", name):
                assert default not in (numbers if len(default) > 1 else sizes), (q.id, name, default, q.title)
    for q, params in PARAMETER_SETS:
        title, unshown = question_text(q, params)
        values = {s.name: v for s, v in q.substitute(params).items()}
        assert "{" not in title and set(unshown) <= set(values)
        for name in set(values) - set(unshown):          # shown in the title: with this variant's value
            group = name.split("_")[0]
            assert str(values[name]) in title or group in q.title, (q.id, name)


def test_every_rounded_answer_states_its_precision():
    """No question leaves the precision to the fallback: each non-exact answer (the lecture's or a stored
    variant's) is asked to stated decimals or significant digits, and the sheet says so."""
    for q, params in PARAMETER_SETS:
        result = q.result(params)
        kind, digits = q.precision(result)
        assert not (kind == "significant" and digits == FALLBACK_SIGNIFICANT and q.significant is None), q.id
        if q.whole:
            assert kind == "exact" and all(e.is_Integer for e in entries(result)), q.id
        assert q.precision_text(result) in ("exact", "a whole number") or q.precision_text(result).startswith("to "), \
            q.id


def _written(value, kind, digits):
    """The ways a student writes a value to the stated precision: rounded half up and half down."""
    if kind == "decimals":
        scaled = Fraction(value) * 10 ** digits
        return {Fraction(math.floor(scaled), 10 ** digits), Fraction(math.ceil(scaled), 10 ** digits)} \
            if abs(scaled - round(scaled)) == Fraction(1, 2) else {Fraction(round(scaled), 10 ** digits)}
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    scaled = Fraction(value) / Fraction(10) ** exponent
    return {Fraction(round(scaled)) * Fraction(10) ** exponent}


def test_any_answer_given_to_the_stated_precision_is_right_and_one_unit_off_is_wrong():
    for q, params in PARAMETER_SETS:
        result = q.result(params)
        kind, digits = q.precision(result)
        for want in entries(result):
            exact = evaluate(want)
            rel, absolute = ANSWERS[q.id].tolerance(q, want, result)
            assert close(exact, exact, rel, absolute)
            if kind == "exact" or not exact:
                continue
            value = Fraction(str(exact)) if not isinstance(exact, Fraction) else exact
            for written in _written(value, kind, digits):
                assert close(written, exact, rel, absolute), (q.id, params, str(written))
                unit = Fraction(1, 10 ** digits) if kind == "decimals" else \
                    Fraction(10) ** (math.floor(math.log10(abs(value))) - digits + 1)
                assert not close(written + 2 * unit, exact, rel, absolute), (q.id, str(written))


PRINTED = [   # (question, the value as the course's notes or homework print it)
    ("conv-output-size-nonint", 2.33), ("conv-output-size-nonint", "7/3"), ("graph-sigmoid", 0.73),
    ("graph-sigmoid-df-dw0", -0.2), ("graph-sigmoid-df-dx0", 0.39), ("graph-sigmoid-df-dw1", -0.4),
    ("graph-sigmoid-df-dx1", -0.6), ("graph-sigmoid-df-dw2", 0.2), ("graph-sigmoid-df-dw1", -0.39),
    ("graph-sigmoid-df-dx1", -0.59), ("graph-sigmoid-df-ddot", 0.2), ("inverse-gate-grad", -0.53),
    ("inception-bottleneck-saving", "≈ 90%"), ("inception-bottleneck-saving", "90٪"),
    ("inception-bottleneck-saving", 90), ("inception-bottleneck-saving", 89.67), ("inception-bottleneck-saving", 0.9),
    ("svm-loss-mean", 5.27), ("svm-loss-example-1", 2.9), ("svm-loss-example-3", 12.9),
    ("softmax-probability-example-1", 0.13), ("softmax-probability-example-1-car", 0.87),
    ("softmax-loss-example-1", 2.04), ("softmax-loss-init", 2.30261216167), ("loss-with-reg-at-init", 3.06859716482),
    ("blur-example", 176), ("vgg16-model-mib", 528), ("l1-distance-example", 456), ("numerical-derivative", -2.5),
    ("numerical-derivative-2", 0.6), ("numerical-derivative-3", 0.0), ("update-weight-ratio", 0.01),
    ("conv-params", 760), ("vgg16-params", 138_357_544), ("vgg19-params", 143_667_240),
    ("resnet50-params-keras", 25_636_712), ("densenet121-params-keras", 8_062_504), ("he-std-conv", 0.102),
    ("separable-macs-percent", 11.3), ("unet-conv-params", 73_856), ("vanishing-gradient-bound", 2.66e-5),
]


def grade_values(tmp_path, pairs):
    """[(question, value, Outcome)] of each (question, value) pair, graded in as few answers files as can hold
    them (a question appears once in a file)."""
    from test_answers import graded, write_answers
    files = []
    for qid, value in pairs:
        sheet = next((f for f in files if qid not in f), None)
        if sheet is None:
            files.append({})
            sheet = files[-1]
        sheet[qid] = value
    out = []
    for n, sheet in enumerate(files):
        folder = tmp_path / ("sheet%d" % n)
        folder.mkdir()
        result, _ = graded(write_answers(folder, sheet))
        out += [(qid, value, result[qid]) for qid, value in sheet.items()]
    return out


WRONG = [   # (question, an answer wrong at the question's precision)
    ("conv-output-size-nonint", 2.3), ("graph-sigmoid-df-dw1", -0.5), ("inception-bottleneck-saving", 89),
    ("inception-bottleneck-saving", "0.9%"), ("svm-loss-mean", 5.3), ("vanishing-gradient-bound", 2.87e-5),
    ("blur-example", 177), ("linear-score-example", [-96.8, 437.9, 61.95]), ("softmax-loss-init", 2.2),
]


def test_printed_values_are_right_at_their_printed_precision_and_wrong_ones_wrong(tmp_path):
    graded = grade_values(tmp_path, PRINTED + WRONG)
    for qid, value, outcome in graded[:0] or graded:
        if (qid, value) in WRONG:
            assert outcome.status == "failed" and outcome.category == "incorrect", (qid, value, outcome.output)
        else:
            assert outcome.status == "passed", (qid, value, outcome.output)
    fraction = next(o for q, v, o in graded if (q, v) == ("inception-bottleneck-saving", 0.9))
    assert "read as a fraction" in fraction.output
    ship = next(o for q, v, o in graded if q == "linear-score-example")
    assert "1 of the 3 entries differ (entry 3)" in ship.output
