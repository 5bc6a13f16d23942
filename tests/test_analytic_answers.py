"""Written answers beyond one number (issue 17): the course's homework graded (its five errors wrong, its right
answers right), matrix and percentage answers, and the one command that keeps every file made from the key in
step."""
import dataclasses
import os
import shutil
import tomllib

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from grader import answers as key_cli
from helpers import ROOT
from reference.analytic import (QUESTIONS, AnswerParseError, answers_equivalent, fit_shape, parse_matrix,
                                same_values_elsewhere, strip_marks)
from reference.analytic.printing import answer_text, number_text
from test_answers import graded, run_cli, write_answers

HOMEWORK = os.path.join(os.path.dirname(__file__), "data", "homework_002_answers.toml")
HOMEWORK_ERRORS = {   # question -> what the message must say
    "conv1d-weight-grad-formula": "the answer does not depend on w_0, w_1, w_2, yours does",
    "fc-grad-reshape-formula": "the answer does not depend on p_0_0, p_0_1, p_1_0, p_1_1, yours does",
    "avgpool-backward-formula": "the right numbers in the wrong places: check the layout",
    "dilated-kernel-formula": "zeros in 1 extra row(s) and 1 extra column(s) at the end: crop it to 3 x 3",
    "vanishing-gradient-bound": "is 8.1% larger than the expected 2.66e-05",
}


def test_the_homework_is_graded_its_five_errors_wrong_and_its_other_answers_right():
    with open(HOMEWORK, "rb") as f:
        answered = set(tomllib.load(f))
    result, report = graded(HOMEWORK)
    wrong = {qid for qid in answered if result[qid].status == "failed"}
    assert wrong == set(HOMEWORK_ERRORS), {q: result[q].output for q in wrong ^ set(HOMEWORK_ERRORS)}
    assert len(answered) == 25 and report.score == len(answered) - len(HOMEWORK_ERRORS)
    for qid, says in HOMEWORK_ERRORS.items():
        assert result[qid].category == "incorrect" and says in result[qid].output, result[qid].output
    assert "read as a fraction" not in result["inception-bottleneck-saving"].output    # "≈ 90٪": a percentage


def test_matrices_are_read_from_arrays_and_from_text():
    assert parse_matrix([[1, "2/4"], [3.5, "g_0_0*2"]]) == sp.Matrix([[1, sp.Rational(1, 2)],
                                                                      [sp.Rational(7, 2), 2 * sp.Symbol("g_0_0")]])
    assert parse_matrix("[[1, −2], [۳, 4^2]]") == sp.Matrix([[1, -2], [3, 16]])     # the parser's characters
    assert parse_matrix("((1, 2), (3, 4))") == sp.Matrix([[1, 2], [3, 4]])
    assert parse_matrix([1, 2, 3]).shape == (1, 3) and fit_shape(parse_matrix("[1, 2, 3]"), (3, 1)).shape == (3, 1)
    assert fit_shape(parse_matrix([[1, 2]]), (2, 2)).shape == (1, 2)                  # not the same vector: left
    for bad, says in [("[[1, 2], [3]]", "different lengths"), ("[[1, [2]], [3, 4]]", "nested more than two deep"),
                      ("[[1, 2], 3]", "mix rows"), ("3", "rows in brackets"), ([], "empty"), ([[True, 1]], "numbers"),
                      ("[[__import__('os')]]", "calling __import__ is not allowed"), ("[" * 300 + "]" * 300, "not a"),
                      ([[0] * 17], "more than 16"), ("[" + "1," * 5000 + "1]", "longer than")]:
        with pytest.raises(AnswerParseError, match=r"not (a matrix|an expression)"):
            try:
                parse_matrix(bad)
            except AnswerParseError as exc:
                assert says in str(exc), (bad if len(str(bad)) < 80 else str(bad)[:80], str(exc))
                raise
    assert strip_marks(" ≈ 90 % ") == ("90", True) and strip_marks("~0.13") == ("0.13", False)
    assert strip_marks("89.67٪") == ("89.67", True)


ENTRY = st.one_of(st.integers(-10**6, 10**6), st.fractions(max_denominator=50).map(sp.Rational),
                  st.sampled_from([sp.Symbol("g_0_0") / 4, sp.sqrt(2) / 32, -sp.Symbol("dz") * sp.Symbol("w_1")]))


@given(st.integers(1, 4).flatmap(lambda r: st.integers(1, 4).flatmap(
    lambda c: st.lists(ENTRY, min_size=r * c, max_size=r * c).map(lambda e: sp.ImmutableMatrix(r, c, e)))),
    st.data())
def test_a_matrix_reads_back_as_the_key_prints_it_and_a_permutation_is_seen(matrix, data):
    for text in (answer_text(matrix), number_text(matrix) if all(e.is_Rational for e in matrix) else None):
        if text is not None:
            assert fit_shape(parse_matrix(text), matrix.shape) == matrix
    order = data.draw(st.permutations(range(len(matrix))))
    moved = sp.ImmutableMatrix(*matrix.shape, [matrix[i] for i in order])
    names = ("g_0_0", "dz", "w_1")
    assert same_values_elsewhere(moved, matrix, names=names)
    assert answers_equivalent(moved, matrix, names=names) == (moved == matrix)


def test_matrix_and_percent_answers_are_graded_entry_by_entry(tmp_path):
    pool = QUESTIONS["avgpool-backward"].result()
    kernel = QUESTIONS["dilated-kernel"].result()
    as_rows = [[int(v) for v in pool.row(i)] for i in range(4)]
    cases = {
        ("avgpool-backward", "right, an array"): as_rows,
        ("avgpool-backward", "right, as text"): str(as_rows),
        ("avgpool-backward", "transposed"): [list(r) for r in zip(*as_rows)],
        ("avgpool-backward", "one entry off"): [as_rows[0][:3] + [as_rows[0][3] + 1]] + as_rows[1:],
        ("avgpool-backward", "a formula"): "[[g_0_0/4, 1, 2, 2], [1, 1, 2, 2], [-1, -1, 3, 3], [-1, -1, 3, 3]]",
        ("avgpool-backward", "one number"): 4,
        ("dilated-kernel", "not cropped"): [[int(kernel[0, 0]), 0, int(kernel[0, 2]), 0], [0, 0, 0, 0],
                                            [int(kernel[2, 0]), 0, int(kernel[2, 2]), 0], [0, 0, 0, 0]],
        ("dilated-kernel-formula", "right"): "[[k_0_0, 0, k_0_1], [0, 0, 0], [k_1_0, 0, k_1_1]]",
        ("linear-score-example", "a column"): [[-96.8], [437.9], [60.75]],
        ("conv-example", "wrong layout"): [[12, 17, 12], [10, 17, 19], [9, 6, 14]],
        ("conv-output-size", "a percent sign"): "3%",
        ("inception-bottleneck-saving", "the fraction, exact"): "269/300",
        ("dilated-kernel", "rows too long"): [[0] * 17] * 3,              # left out when the file is read
        ("conv-example", "three deep"): [[[1]]],
    }
    outcomes = {}
    for n, ((qid, what), value) in enumerate(cases.items()):
        folder = tmp_path / str(n)
        folder.mkdir()
        outcomes[what, qid] = graded(write_answers(folder, {qid: value}))[0][qid]
    passed = {k for k, o in outcomes.items() if o.status == "passed"}
    assert passed == {("right, an array", "avgpool-backward"), ("right, as text", "avgpool-backward"),
                      ("right", "dilated-kernel-formula"), ("a column", "linear-score-example"),
                      ("the fraction, exact", "inception-bottleneck-saving")}
    says = {
        ("transposed", "avgpool-backward"): "the right entries",   # a square's transpose: the same shape, moved
        ("one entry off", "avgpool-backward"): "1 of the 16 entries differ (row 1, column 4)",
        ("a formula", "avgpool-backward"): "still contains g_0_0",
        ("one number", "avgpool-backward"): "asks for a 4 x 4 matrix",
        ("not cropped", "dilated-kernel"): "your answer is 4 x 4, the answer is 3 x 3: it is the right matrix with "
                                           "zeros in 1 extra row(s) and 1 extra column(s) at the end",
        ("wrong layout", "conv-example"): "the right numbers, in the wrong places",
        ("a percent sign", "conv-output-size"): "does not ask for a percentage",
        ("rows too long", "dilated-kernel"): "not a matrix: its entries must be numbers or expressions in quotes",
        ("three deep", "conv-example"): "not a matrix: its entries must be numbers or expressions in quotes",
    }
    for key, text in says.items():
        if text == "the right entries":
            assert outcomes[key].status == "failed" and "wrong places" in outcomes[key].output, outcomes[key].output
        else:
            assert text in outcomes[key].output, (key, outcomes[key].output)


def test_the_sheet_says_what_each_answer_must_be():
    info = {q.id: q.sheet_info() for q in QUESTIONS.values()}
    assert info["inception-bottleneck-saving"]["unit"] == "percent"
    assert info["inception-bottleneck-saving"]["precision"] == "to the nearest whole number"
    assert info["vgg16-activation-bytes"] == dict(info["vgg16-activation-bytes"], unit="bytes", whole=True)
    assert info["dilated-kernel"]["shape"] == [3, 3] and info["conv1d-weight-grad"]["names"][-3:] == \
        ["w_0", "w_1", "w_2"]
    with open(os.path.join(ROOT, "assignments", "analytic", "answers.toml"), encoding="utf-8") as f:
        sheet = f.read()
    assert "# Answer: in %, to the nearest whole number\ninception-bottleneck-saving = \"TODO\"" in sheet
    assert "# Answer: a 3 x 3 matrix, rows in brackets, exact\ndilated-kernel = \"TODO\"" in sheet
    assert "# Answer: to 3 significant digits\nvanishing-gradient-bound = \"TODO\"" in sheet
    assert "The 2 x 2 kernel [[1, 2], [3, 4]] dilated by D = 2" in sheet


def test_one_command_regenerates_every_file_made_from_the_key_and_check_fails_until_it_runs(tmp_path, capsys,
                                                                                             monkeypatch):
    for name in key_cli.GENERATED:
        os.makedirs(tmp_path / os.path.dirname(name), exist_ok=True)
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    root = str(tmp_path)
    assert run_cli(capsys, "answers", "--check", "--root", root)[0] == 0

    q = QUESTIONS["conv-params"]                           # the instructor changes a number: 12 filters
    monkeypatch.setitem(QUESTIONS, "conv-params", dataclasses.replace(q, defaults=dict(q.defaults, K=12)))
    status, out, _ = run_cli(capsys, "answers", "--check", "--root", root)
    assert status == 1
    assert "drift: conv-params (lecture): parameters changed from C_in = 3, F = 5, K = 10 to C_in = 3, F = 5, K = 12" \
        in out
    for name in key_cli.GENERATED:
        if name != key_cli.EXPECTED:
            assert "stale: %s" % os.path.join(root, name) in out, name
    assert "run `dlgrader answers --update`" in out

    status, out, _ = run_cli(capsys, "answers", "--update", "--root", root)
    assert status == 0 and out.count("wrote ") == 4
    assert run_cli(capsys, "answers", "--check", "--root", root)[0] == 0
    sheet = (tmp_path / "assignments" / "analytic" / "answers.toml").read_text()
    assert "with biases, with F = 5, C_in = 3, K = 12\n" in sheet
    assert "conv-params = 912\n" in (tmp_path / "reference" / "analytic" / "answers.toml").read_text()
    assert "- answer: **912** (exact)" in (tmp_path / "reference" / "analytic" / "key.md").read_text()
    (tmp_path / "reference" / "analytic" / "key.md").unlink()                    # a file missing is stale too
    status, out, _ = run_cli(capsys, "answers", "--check", "--root", root)
    assert status == 1 and out.startswith("stale: %s (the answer key)" % os.path.join(root, "reference", "analytic",
                                                                                      "key.md"))
