"""`dlgrader check analytic`: the answers file read without the key (what the student kit can say offline) —
TODO, unparsable and wrong-type answers, units and percentages, matrix shapes, formula names, the sheet's owner; correctness is left to grading. What each question asks comes from Question.sheet_info()."""
import json
import os
import subprocess
import sys

import pytest

from grader.checks.answer import AnswerSheet, read_answers
from grader.checks.sheet import check_sheet, public_secret, variant_tag
from grader.course import Course
from grader.submission import prepare
from grader.suites.analytic import question_info
from helpers import REFERENCE, ROOT, STUBS

QUESTIONS = question_info()
BY_ID = {q["id"]: q for q in QUESTIONS}
VARIANTS = Course(secret="sheet-test-secret", variants=True)


def sheet(entries, student_id=None, tag=None):
    return AnswerSheet("answers.toml", dict(entries), student_id, tag=tag)


def problems(result):
    return {qid: fail for qid, fail in result.problems}


def key_entries():
    with open(os.path.join(REFERENCE, "analytic", "answers.toml"), "rb") as f:
        import tomllib
        data = tomllib.load(f)
    return {k: v for k, v in data.items() if not isinstance(v, dict)} | {
        "%s.%s" % (k, kk): vv for k, v in data.items() if isinstance(v, dict) for kk, vv in v.items()}


def test_the_question_list_is_the_questions_sheet_info_without_answers():
    from reference.analytic import QUESTIONS as KEY
    assert len(QUESTIONS) == len({q["id"] for q in QUESTIONS}) > 60
    for q in KEY.values():                                   # one declared source: Question.sheet_info()
        assert {k: v for k, v in BY_ID[q.id].items() if k != "form"} == q.sheet_info()
    assert BY_ID["conv-output-size"]["whole"] and not BY_ID["svm-loss-mean"]["whole"]
    assert not BY_ID["conv-output-size-nonint"]["whole"] and BY_ID["conv-output-size-nonint"]["decimals"] == 2
    assert BY_ID["conv-output-size-formula"]["form"] == "formula"
    assert BY_ID["conv-output-size-formula"]["names"] == ["N", "F", "S", "P"]
    assert BY_ID["vgg16-activation-bytes"]["unit"] == "bytes"
    assert BY_ID["inception-bottleneck-saving"]["unit"] == "percent"
    assert BY_ID["dilated-kernel"]["shape"] == BY_ID["dilated-kernel-formula"]["shape"] == [3, 3]
    assert not any("answer" in q or "formula_text" in q or "value" in q for q in QUESTIONS)   # no answers in it


def test_the_keys_own_answers_read_clean_and_the_stub_sheet_is_all_todo():
    ok = check_sheet(sheet(key_entries()), QUESTIONS)
    assert ok.ok and ok.read == len(QUESTIONS), (ok.todo, [(q, f.message) for q, f in ok.problems])
    todo = check_sheet(read_answers(_prepared(os.path.join(STUBS, "analytic"))), QUESTIONS)
    assert not todo.ok and todo.read == 0 and len(todo.todo) == len(QUESTIONS) and not todo.problems


def _prepared(path):
    import tempfile
    return prepare(path, tempfile.mkdtemp(prefix="sheet-test-"))


@pytest.mark.parametrize("qid, raw, category, words", [
    ("conv-params", "2F - 1", "not an expression", "2*F, not 2F"),          # unparsable: the hint says why
    ("conv-macs", "(N + 2", "not an expression", "was never closed"),
    ("conv-output-size", 4.5, "not a whole number", "whole number"),        # a size is a whole number
    ("rf-two-convs", "9/2", "not a whole number", "whole number"),
    ("vgg16-activation-bytes", "58 MB", "unit", "without `MB`"),
    ("conv-output-size", "3%", "not an expression", "does not ask for a percentage"),
    ("dilated-kernel", "[[1, 2], [3, 4]]", "not an expression", "asks for a 3 x 3 matrix; yours is 2 x 2"),
    ("dilated-kernel", 5, "not an expression", "not a matrix"),
    ("dilated-kernel", [[1, 0, "2 +"], [0, 0, 0], [0, 0, 0]], "not an expression", "your answer"),
    ("conv1d-weight-grad", [1, 2], "not an expression", "a list of 3 numbers; yours has 2"),
    ("conv-params", "F*F*C_in*K + K", "incorrect", "still contains"),      # a number question, a formula given
    ("conv-params-formula", "f*f*c_in*k + k", "incorrect", "case-sensitive"),
    ("conv-params-formula", 760, "incorrect", "not a number"),
    ("svm-loss-mean", True, "not an expression", "`true`/`false`"),
])
def test_each_problem_is_named_with_its_category(qid, raw, category, words):
    entries = dict(key_entries(), **{qid: raw})
    result = check_sheet(sheet(entries), QUESTIONS)
    found = problems(result)
    assert set(found) == {qid} and not result.todo, found
    fail = found[qid]
    assert fail.category == category and words in fail.message + " " + (fail.hint or ""), (fail.message, fail.hint)


def test_right_forms_pass_whatever_their_value():
    entries = dict(key_entries(), **{"conv-output-size": 12345, "svm-loss-mean": "(2.9 + 0 + 12.9)/3",
                                    "conv-output-size-formula": "N/S + 2*P/S - F/S + 1", "xavier-std": "1/sqrt(512)",
                                    "resnet50-macs-v1.5": "4.0e9", "dilated-kernel": [[1, 0, 2], [0, 0, 0], [3, 0, 4]],
                                    "conv1d-weight-grad": "[1, 2, 3]", "fc-grad-reshape": [[1, "1/2"], [0, 0]]})
    assert check_sheet(sheet(entries), QUESTIONS).ok
    for answer in (90, "90%", "≈ 90 %", 0.9):               # a percentage, or the fraction it is (issue 17)
        result = check_sheet(sheet(dict(key_entries(), **{"inception-bottleneck-saving": answer})), QUESTIONS)
        assert result.ok, (answer, result.problems)


def test_todo_empty_and_missing_entries_are_one_list_and_a_typo_is_named():
    entries = key_entries()
    entries["conv-output-size"] = "TODO"
    entries["conv-params"] = " "
    del entries["conv-macs"]
    entries["my-notes"] = entries.pop("vgg16-activations")
    result = check_sheet(sheet(entries), QUESTIONS)
    assert result.todo == ["conv-output-size", "conv-params", "conv-macs", "vgg16-activations"]
    entries["conv-macz"] = 768000                              # a typo of an id: named, not counted as TODO
    result = check_sheet(sheet(entries), QUESTIONS)
    assert "did you mean `conv-macs`" in problems(result)["conv-macs"].message


def test_the_sheet_must_be_the_students_own_when_the_course_has_variants():
    tag = variant_tag(public_secret(VARIANTS), "s42")
    mine = sheet(key_entries(), "s42", tag)
    assert check_sheet(mine, QUESTIONS, VARIANTS, "s42").ok
    assert check_sheet(mine, QUESTIONS, Course()).ok                      # no variants: no owner to check
    whose = problems(check_sheet(mine, QUESTIONS, VARIANTS, "s7"))[""]
    assert whose.category == "wrong variant" and "sheet of student s42, but you are s7" in whose.message
    swapped = sheet(key_entries(), "s7", tag)                             # a friend's sheet with my id on it
    assert "were not made for student s7" in problems(check_sheet(swapped, QUESTIONS, VARIANTS))[""].message
    anonymous = sheet(key_entries())
    assert "keep the `student_id = ...` line" in problems(check_sheet(anonymous, QUESTIONS, VARIANTS))[""].message


def test_a_generated_sheet_carries_its_tag(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text('secret = "sheet-test-secret"\nvariants = true\n')
    out = tmp_path / "answers.toml"
    proc = run("answers", "--questions", "--format", "toml", "--variant", "s42", "--course", str(course),
               "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    read = read_answers(_prepared(str(out)))
    assert read.student_id == "s42" and read.tag == variant_tag(public_secret(VARIANTS), "s42")
    assert "variant" not in read.entries and len(read.entries) == len(QUESTIONS)
    assert check_sheet(read, QUESTIONS, VARIANTS, "s42").problems == []


def run(*args):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_the_command_exits_1_on_a_problem_and_says_grading_comes_later(tmp_path):
    entries = dict(key_entries(), **{"conv-params": "2F - 1", "conv-macs": "TODO", "vgg16-activation-bytes": "58 MB"})
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(entries))
    proc = run("check", "analytic", "--path", str(path), "--isolation", "l0", "--lang", "fa")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 پاسخ هنوز TODO است: conv-macs" in proc.stdout and "بعداً" in proc.stdout and "`2*F`" in proc.stdout
    assert "بدون `MB`" in proc.stdout or "بدون MB" in proc.stdout, proc.stdout
    path.write_text(json.dumps(key_entries()))
    proc = run("check", "analytic", "--path", str(path), "--isolation", "l0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "%d answers read, 0 still TODO, 0 with a problem" % len(QUESTIONS) in proc.stdout
