"""Written answers (issue 9): variants of the key, grading answers files, hostile expressions, `dlgrader answers`."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
import sympy as sp

import reference.inception.flops as inception_flops
from grader import answers as key_cli
from grader.checks.answer import close
from grader.course import Course
from grader.suites.analytic import ASSIGNMENT, expected_path, stored_questions
from helpers import REFERENCE, ROOT, STUBS
from reference.analytic import (QUESTIONS, answers_equivalent, build_questions, evaluate, fit_shape, parse_answer,
                                parse_matrix, variant_params)
from reference.analytic.key import answer_key
from reference.analytic.printing import stated_text

SECRET = "test-course-secret"
VARIANTS = Course(secret=SECRET, variants=True)
IDS = ["40%05d" % (7919 * i % 100000) for i in range(100)]
CHECKS = {c.name: c for c in ASSIGNMENT.checks}
FORMULAS = [q.id for q in QUESTIONS.values() if q.ask_formula]


def dlgrader(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def write_answers(tmp_path, entries, name="answers.toml", student_id=None):
    """An answers file with these entries ({id: value}), in TOML or JSON."""
    path = tmp_path / name
    if name.endswith(".json"):
        data = dict(entries, **({"student_id": student_id} if student_id else {}))
        path.write_text(json.dumps(data))
    else:
        lines = ["student_id = %s" % json.dumps(student_id)] if student_id else []
        lines += ["%s = %s" % (json.dumps(k), json.dumps(v)) for k, v in entries.items()]
        path.write_text("\n".join(lines) + "\n")
    return str(path)


def graded(path, course=None, student_id=None):
    """{check: Outcome} of the analytic assignment, and the report."""
    from grader.run import grade
    report = grade(path, ["analytic"], course or Course(), isolation="l0", student_id=student_id)
    return {o.check.name: o for o in report.outcomes}, report


def value(qid, params=None):
    return QUESTIONS[qid].result(params)


def params_of(qid, sid):
    return variant_params(QUESTIONS[qid], SECRET, sid)


def student_with_variant(qids, also=lambda sid: True):
    """An id whose variant of every question in qids differs from the lecture's answer."""
    for sid in IDS:
        if all(value(q, params_of(q, sid)) != value(q) for q in qids) and also(sid):
            return sid
    raise AssertionError("no such student")


# ---------------------------------------------------------------- variants of the key

def variant_table(ids, secret=SECRET):
    """{id: {question: (params, result, stated answer)}} of every question's variant for each id."""
    table = {}
    for sid in ids:
        table[sid] = {}
        for qid, q in QUESTIONS.items():
            params = variant_params(q, secret, sid)
            result = q.result(params)
            table[sid][qid] = (params, result, stated_text(result, q.precision(result))[0])
    return table


def as_text(table):
    return {sid: {qid: [{k: str(v) for k, v in p.items()}, stated] for qid, (p, _, stated) in row.items()}
            for sid, row in table.items()}


def test_variant_answers_for_100_ids_are_well_formed_and_stable():
    # a second run of a quarter of them: another process, another hash seed, started first (both run at once)
    again = IDS[::4]
    code = ("import json, sys; sys.path[:0] = %r; from test_answers import variant_table, as_text; "
            "print(json.dumps(as_text(variant_table(%r))))" % ([ROOT, os.path.dirname(__file__)], again))
    second = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONHASHSEED="12345"))
    first = variant_table(IDS)
    for sid in IDS:
        for qid, q in QUESTIONS.items():
            params, result, stated = first[sid][qid]
            assert q.check(result), (sid, qid, params)
            if q.check.__name__ == "positive_integer_result":          # sizes, counts: integers
                assert result.is_Integer and result > 0, (sid, qid, params)
            for name, v in params.items():
                if name in q.choices:
                    assert v in {sp.Rational(str(c)) for c in q.choices[name]}
            # the key's stated answer is itself graded correct for that variant
            parsed = fit_shape(parse_matrix(stated), q.shape) if q.matrix else parse_answer(stated)
            for got, want in zip(parsed if q.matrix else [parsed], result if q.matrix else [result]):
                assert close(evaluate(got), evaluate(want), *CHECKS[qid].tolerance(q, want, result)), (sid, qid)
    assert len({str(first[sid]["conv-output-size"][0]) for sid in IDS}) > 30   # the variants do vary
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0
    assert json.loads(out) == as_text({sid: first[sid] for sid in again})        # two runs: identical


def test_full_key_entries_are_consistent():
    for sid in (None, IDS[0], IDS[1]):
        for e in answer_key(SECRET if sid else None, sid):
            q = QUESTIONS[e["id"]]
            read = (lambda text: fit_shape(parse_matrix(text), q.shape)) if q.matrix else parse_answer
            assert answers_equivalent(read(e["formula"]), q.formula), e["id"]
            result = q.result(e["params"])
            assert answers_equivalent(read(e["substituted"]), result), e["id"]  # the values, put in
            if e["precision"] == "exact":
                assert read(e["answer"]) == result and e["result"] == e["answer"]
            elif not q.matrix:
                assert e["result"] is None and re.fullmatch(r"-?[0-9.e+-]+", e["answer"])
                assert abs(float(e["answer"]) - e["value"]) <= float(q.tolerance(result, result)) * 1.0001, e["id"]
    lecture = {e["id"]: e for e in answer_key()}
    assert lecture["svm-loss-mean"]["answer"] == "5.27" and lecture["svm-loss-mean"]["closed_form"] == "79/15"
    assert lecture["svm-loss-mean"]["asked"] == "to 2 decimals"
    assert lecture["xavier-std"]["answer"] == "0.0442" and lecture["xavier-std"]["closed_form"] == "sqrt(2)/32"
    assert lecture["vgg16-activations"]["answer"] == "15237608" and "24M" in lecture["vgg16-activations"]["note"]


# ---------------------------------------------------------------- grading a student's answers

def test_reference_and_stub_answers_files_are_generated_from_the_key():
    with open(os.path.join(REFERENCE, "analytic", "answers.toml")) as f:
        assert f.read() == key_cli.render_toml(answer_key())
    with open(os.path.join(STUBS, "analytic", "answers.toml")) as f:
        assert f.read() == key_cli.render_toml(answer_key(), questions_only=True)
    assert [qid for qid, _, _ in stored_questions()] == list(QUESTIONS)  # the suite's list is the key's
    names = [c.name for c in ASSIGNMENT.checks]
    assert len(names) == len(set(names)) == len(QUESTIONS) + len(FORMULAS)
    assert {c.visibility for c in ASSIGNMENT.checks} == {"visible", "hidden"}


def test_right_and_wrong_answers_are_graded_per_question(tmp_path):
    def eight_percent_is_no_variant(sid):  # 8% more than an integer answer that is not itself an integer
        return not (value("conv-macs", params_of("conv-macs", sid)) * sp.Rational(108, 100)).is_Integer

    sid = student_with_variant(["conv-output-size", "conv-macs", "densenet-block-channels", "conv-params",
                                "inception-bottleneck-macs"], eight_percent_is_no_variant)
    friend = next(f for f in IDS if value("inception-bottleneck-macs", params_of("inception-bottleneck-macs", f))
                  not in (value("inception-bottleneck-macs", params_of("inception-bottleneck-macs", sid)),
                          value("inception-bottleneck-macs")))
    p = {q: params_of(q, sid) for q in ("conv-params", "conv-macs", "svm-loss-mean", "resnet18-params")}
    entries = {
        "conv-output-size": int(value("conv-output-size")),                                 # the lecture's
        "conv-output-size-formula": "(N - F + P + P)/S + 1",                                # rewritten, right
        "conv-params": "%s*%s*%s*%s + %s" % (p["conv-params"]["F"], p["conv-params"]["F"],  # an expression
                                             p["conv-params"]["C_in"], p["conv-params"]["K"], p["conv-params"]["K"]),
        "conv-params-formula": "(F*F*C_in + 1)*K + 1",                                      # wrong formula
        "conv-macs": float(value("conv-macs", p["conv-macs"]) * sp.Rational(108, 100)),     # 8% off
        "svm-loss-mean": str(value("svm-loss-mean", p["svm-loss-mean"])),                   # exact, right
        "densenet-block-channels": int(value("densenet-block-channels")),                   # the lecture's
        "inception-bottleneck-macs": int(value("inception-bottleneck-macs",
                                               params_of("inception-bottleneck-macs", friend))),  # a friend's
        "svm-loss-example-2": 0 if value("svm-loss-example-2", params_of("svm-loss-example-2", sid)) else 1,
        "resnet18-params": int(value("resnet18-params", p["resnet18-params"])),             # hidden, right
        "resnet34-params": 21_797_672 * 2,                                                  # hidden, wrong
        "he-std-formula": "(2/fan_in)^(1/2)",
    }
    result, report = graded(write_answers(tmp_path, entries), VARIANTS, student_id=sid)
    passed = {n for n, o in result.items() if o.status == "passed"}
    assert passed == {"conv-output-size-formula", "conv-params", "svm-loss-mean", "resnet18-params",
                      "he-std-formula"}
    assert report.score == 5 and report.max_score == len(ASSIGNMENT.checks)

    lecture = result["conv-output-size"]
    assert lecture.category == "wrong variant"
    assert "is the answer for the lecture's numbers (N = 7, F = 3, S = 2, P = 0), not for your variant" \
        in lecture.output
    assert "expected: " in lecture.output and str(value("conv-output-size", params_of("conv-output-size", sid))) \
        in lecture.output
    assert result["densenet-block-channels"].category == "wrong variant"
    friendly = result["inception-bottleneck-macs"]
    assert friendly.category == "wrong variant" and "would be right for other parameters" in friendly.output
    assert result["svm-loss-example-2"].category == "incorrect"   # a common value (a zero loss) proves nothing

    off = result["conv-macs"]
    assert off.category == "incorrect" and "8.0% larger than the expected" in off.output
    assert "expected: C_in*F**2*K*" in off.output and "(tolerance: exact)" in off.output
    assert "not equivalent to the expected formula\nexpected: K*(C_in*F**2 + 1)" in result["conv-params-formula"].output
    assert result["conv-params"].output.startswith("correct: ")

    hidden_wrong = result["resnet34-params"].output
    assert hidden_wrong.startswith("hidden check failed: incorrect — hint:")
    assert "21797672" not in hidden_wrong and "expected" not in hidden_wrong
    assert result["resnet18-params"].output == "correct"                       # hidden: no value shown
    assert result["vgg16-activations"].output == "no answer for `vgg16-activations` in answers.toml"


def test_tolerances_per_question(tmp_path):
    entries = {"softmax-loss-example-1": 2.04, "softmax-probability-example-1": "0.13",
               "vanishing-gradient-bound": "2.66e-5", "svm-loss-mean": 5.27, "svm-loss-example-3": "12.9",
               "xavier-std": "1/sqrt(512)", "graph-sigmoid": 0.74, "inception-bottleneck-saving": 0.897,
               "he-std": 0.0625 * 1.08, "numerical-derivative": "-2.5", "vgg16-activations": 15237609,
               "conv-macs": "768000.0"}
    result, _ = graded(write_answers(tmp_path, entries))
    status = {k: result[k].status for k in entries}
    assert status == {"softmax-loss-example-1": "passed", "softmax-probability-example-1": "passed",
                      "vanishing-gradient-bound": "passed", "svm-loss-mean": "passed",
                      "svm-loss-example-3": "passed", "xavier-std": "passed", "graph-sigmoid": "failed",
                      "inception-bottleneck-saving": "passed", "he-std": "failed",
                      "numerical-derivative": "passed", "vgg16-activations": "failed", "conv-macs": "passed"}
    assert "(tolerance: ±0.005, to 2 decimals)" in result["graph-sigmoid"].output
    assert "8.0% larger" in result["he-std"].output
    # without variants the lecture's numbers are the only ones: no "wrong variant"
    assert all(result[k].category != "wrong variant" for k in entries)


def test_numbers_and_formulas_are_not_interchangeable(tmp_path):
    entries = {"conv-output-size": "(N + 2*P - F)/S + 1", "conv-output-size-formula": 3,
               "rf-two-convs-formula": "2*f - 1", "xavier-std-formula": "1/sqrt(fanin)"}
    result, _ = graded(write_answers(tmp_path, entries))
    assert "asks for a number" in result["conv-output-size"].output
    assert "asks for the formula in N, F, S, P" in result["conv-output-size-formula"].output
    assert "names are case-sensitive: F" in result["rf-two-convs-formula"].output
    assert "its names are fan_in" in result["xavier-std-formula"].output


HOSTILE = {                                       # question -> text
    "conv-output-size": "__import__('os')",
    "conv-params": "x**x**x**x**99",
    "conv-macs": "1" + "+x" * 500_000,           # a 1 MB expression
    "rf-two-convs": "((N + 1)",                  # unbalanced parentheses
    "rf-three-convs": "(N + 1))",
    "vgg16-activations": "().__class__.__bases__[0].__subclasses__()",
    "vgg16-params": "__import__('os').system('touch /tmp/pwned-by-answers')",   # hidden
    "rf-dilated-stack": "9**9**9",
    "inception-3a-channels": "exp(exp(exp(99)))",
    "dilated-output-size": "1/0",
}


def test_hostile_expressions_are_refused_quickly_never_run(tmp_path):
    if os.path.exists("/tmp/pwned-by-answers"):
        os.remove("/tmp/pwned-by-answers")
    path = write_answers(tmp_path, HOSTILE)
    assert os.path.getsize(path) > 1_000_000
    start = time.monotonic()
    proc = dlgrader("grade", path, "-a", "analytic", "--format", "json", "--isolation", "l0", timeout=60)
    assert time.monotonic() - start < 30 and proc.returncode == 0, proc.stderr
    tests = {t["name"]: t for t in json.loads(proc.stdout)["tests"]}
    for qid in HOSTILE:
        t = tests[qid]
        assert t["status"] == "failed" and t["category"] == "not an expression", (qid, t)
        assert len(t["output"]) < 300 and "Traceback" not in t["output"]
    for qid in ("conv-output-size", "conv-params", "conv-macs", "rf-two-convs", "rf-three-convs",
                "vgg16-activations"):
        assert tests[qid]["output"].startswith("not an expression: "), tests[qid]["output"]
    assert "calling __import__ is not allowed" in tests["conv-output-size"]["output"]
    assert "powers nested more than 2 deep" in tests["conv-params"]["output"]
    assert "longer than 2000 characters" in tests["conv-macs"]["output"]
    assert "was never closed" in tests["rf-two-convs"]["output"]
    assert tests["vgg16-params"]["output"].startswith("hidden check failed: not an expression — hint: calling")
    assert not os.path.exists("/tmp/pwned-by-answers")


@pytest.mark.parametrize("text, problem", [
    ("conv-output-size = [", "is not valid TOML"),
    ("conv-output-size = 3\nconv-output-size = 4\n", "is not valid TOML"),
])
def test_unreadable_answers_files_give_one_line_per_check(tmp_path, text, problem):
    (tmp_path / "answers.toml").write_text(text)
    result, report = graded(str(tmp_path / "answers.toml"))
    assert report.score == 0
    for o in result.values():
        assert o.status == "failed" and len(o.output.splitlines()) == 1
        assert problem in o.output or o.output.startswith("hidden check failed: unreadable answers file")


def test_hostile_answers_files(tmp_path):
    nested = tmp_path / "nested"
    nested.mkdir()
    (nested / "answers.toml").write_text("conv-output-size = " + "[" * 100_000 + "]" * 100_000 + "\n")
    result, _ = graded(str(nested / "answers.toml"))
    assert "is not valid TOML" in result["conv-output-size"].output
    (nested / "answers.toml").write_text("conv-output-size = inf\nconv-params = nan\nconv-macs = 2024-01-01\n")
    result, _ = graded(str(nested / "answers.toml"))
    assert result["conv-output-size"].output == "not a number: inf (your answer for `conv-output-size`)"
    assert result["conv-params"].category == "not an expression"
    assert "should be a number or a quoted expression, not date" in result["conv-macs"].output

    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "answers.json").write_text("[" * 200_000 + "]" * 200_000)
    result, _ = graded(str(deep / "answers.json"))
    assert "is not valid JSON" in result["conv-output-size"].output
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "answers.json").write_text('{"conv-output-size": NaN, "conv-params": 1e999, "conv-macs": {"a": [1]},'
                                      ' "rf-two-convs": "9" }')
    result, _ = graded(str(odd / "answers.json"))
    assert "is not valid JSON: NaN is not allowed" in result["conv-output-size"].output


def test_json_dotted_keys_typos_and_student_id_from_the_file(tmp_path):
    sid = student_with_variant(["conv-output-size"])
    right = int(value("conv-output-size", params_of("conv-output-size", sid)))
    (tmp_path / "answers.toml").write_text('student_id = "%s"\nconv-output-size = %d\nconv_params = 760\n'
                                           % (sid, right))
    result, report = graded(str(tmp_path / "answers.toml"), VARIANTS)
    assert result["conv-output-size"].status == "passed"                      # the id in the file picks the variant
    assert "did you mean `conv-params`" in result["conv-params"].output
    other = next(i for i in IDS if value("conv-output-size", params_of("conv-output-size", i)) != right)
    result, report = graded(str(tmp_path / "answers.toml"), VARIANTS, student_id=other)  # --student-id wins
    assert result["conv-output-size"].category == "wrong variant"
    assert "the variant of student %s" % sid in result["conv-output-size"].output or \
        "the lecture's numbers" in result["conv-output-size"].output
    assert any("says student_id %s, but grading is for student %s" % (sid, other) in n for n in report.notes)
    as_json = write_answers(tmp_path, {"conv-output-size": right}, "answers.json", student_id=sid)
    result, _ = graded(as_json, VARIANTS)
    assert result["conv-output-size"].status == "passed"


def test_an_unquoted_dotted_key_is_still_found(tmp_path):
    (tmp_path / "answers.toml").write_text("resnet50-macs-v1.5 = 4089184256\n")  # TOML: a table resnet50-macs-v1
    result, _ = graded(str(tmp_path / "answers.toml"))
    assert result["resnet50-macs-v1.5"].status == "passed"


def test_variants_without_a_student_id_use_the_lecture_numbers(tmp_path):
    result, report = graded(write_answers(tmp_path, {"conv-output-size": 3}), VARIANTS)
    assert result["conv-output-size"].status == "passed"
    assert any("no student id is known" in n for n in report.notes)


def test_a_folder_with_code_and_answers_and_a_zip(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(os.path.join(REFERENCE, "knn"), folder / "knn")
    shutil.copy(os.path.join(REFERENCE, "analytic", "answers.toml"), folder / "answers.toml")
    (folder / "notes.txt").write_text("not graded")
    from grader.run import grade
    report = grade(str(folder), (), Course(), isolation="l0")
    assert {o.assignment for o in report.outcomes} == {"knn", "analytic"}
    assert report.score == report.max_score
    archive = tmp_path / "work.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(folder / "answers.toml", "submission/answers.toml")
        z.write(folder / "knn" / "k_nearest_neighbor.py", "submission/k_nearest_neighbor.py")
    result, report = graded(str(archive))
    assert report.score == report.max_score


def test_no_answers_file(tmp_path):
    (tmp_path / "code.py").write_text("x = 1\n")
    result, report = graded(str(tmp_path))
    assert report.score == 0
    assert result["conv-output-size"].output.startswith("no answers file: write your answers in answers.toml")
    assert all(len(o.output.splitlines()) == 1 for o in result.values())


def test_gradescope_report_of_answers():
    _, report = graded(os.path.join(REFERENCE, "analytic", "answers.toml"))
    data = json.loads(report.to_gradescope())
    assert data["score"] == len(ASSIGNMENT.checks)
    assert {t["tags"][1] for t in data["tests"]} == {"answer"}
    assert any(t["visibility"] == "after_published" for t in data["tests"])


# ---------------------------------------------------------------- dlgrader answers

def run_cli(capsys, *args):
    """`dlgrader ARGS` in this process (the key is already imported): (exit status, stdout, stderr)."""
    from grader.cli import main
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_answers_markdown_json_tex(tmp_path, capsys):
    md = dlgrader("answers")                                       # the real command, once
    assert md.returncode == 0 and "**5.27** (2 decimals)" in md.stdout and "**15237608** (exact)" in md.stdout
    assert "- closed form: `79/15`" in md.stdout and "- answer asked for: to 2 decimals" in md.stdout
    assert "- formula: `1 + (-F + N + 2*P)/S`" in md.stdout and "- substituted: `1 + (-3 + 7 + 2*0)/2`" in md.stdout
    assert "**0.0442** (4 decimals)" in md.stdout

    target = tmp_path / "key.json"
    assert run_cli(capsys, "answers", "--format", "json", "-o", str(target))[0] == 0
    data = json.loads(target.read_text())
    assert [q["id"] for q in data["questions"]] == list(QUESTIONS) and data["variant"] is None
    assert {"formula", "params", "substituted", "answer", "precision", "value"} <= set(data["questions"][0])
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")]

    status, tex, _ = run_cli(capsys, "answers", "--format", "tex")
    assert status == 0 and tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    body = re.sub(r"\\[{}]", "", tex)                       # escaped braces do not count
    assert body.count("{") == body.count("}")
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    assert r"\fitmath{1 + \frac{- F + N + 2 P}{S}}" in tex and r"\approx 5.27}" in tex and r"= 760}" in tex
    assert r"\begin{matrix}12 & 12 & 17" in tex                 # a matrix answer
    assert "size F x F x C\\_in, with biases" in tex            # text is escaped
    for line in tex.splitlines():                              # no bare special characters in text lines
        if not line.startswith(("\\fitmath", "\\new", "\\sub", "\\sec", "\\doc", "\\use", "\\begin",
                                "\\end", "With", "Answer", "%")):
            assert not re.search(r"(?<!\\)[_&%#^$]", line), line


def test_answers_variant_is_stable_and_personal(tmp_path, capsys):
    course = tmp_path / "course.toml"
    course.write_text('secret = "%s"\nvariants = true\n' % SECRET)
    args = ("answers", "--variant", IDS[3], "--course", str(course), "--format", "json")
    one = dlgrader(*args)                                          # another process, another hash seed
    status, again, _ = run_cli(capsys, *args)
    other = run_cli(capsys, "answers", "--variant", IDS[4], "--course", str(course), "--format", "json")[1]
    assert one.returncode == 0 and status == 0 and one.stdout == again != other
    data = json.loads(again)
    assert data["variant"] == {"student_id": IDS[3]}
    key = {q["id"]: q for q in data["questions"]}
    expected = params_of("conv-macs", IDS[3])
    assert key["conv-macs"]["params"] == {k: str(v) for k, v in expected.items()}
    assert key["conv-macs"]["answer"] == str(value("conv-macs", expected))
    sheet = run_cli(capsys, "answers", "--variant", IDS[3], "--course", str(course), "--format", "toml",
                    "--questions")[1]
    assert 'student_id = "%s"' % IDS[3] in sheet and key["conv-macs"]["answer"] not in sheet
    assert "# Multiply-adds of a layer of K filters of size F x F x C_in on an N x N x C_in input, stride S, zero " \
        "padding P, with N = %s" % expected["N"] in sheet
    answers = tmp_path / "answers.toml"
    assert run_cli(capsys, "answers", "--variant", IDS[3], "--course", str(course), "--format", "toml",
                   "-o", str(answers))[0] == 0
    result, report = graded(str(answers), Course(secret=SECRET, variants=True))
    assert report.score == report.max_score                        # the variant's key grades full marks
    assert "does not enable variants" in run_cli(capsys, "answers", "--variant", "7")[2]


def test_answers_check_passes_on_the_stored_key():
    proc = dlgrader("answers", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "the key matches" in proc.stdout and "%d questions" % len(QUESTIONS) in proc.stdout


def test_answers_check_detects_a_drifted_stored_value(tmp_path, capsys):
    stored = json.load(open(expected_path()))
    stored["questions"]["svm-loss-mean"]["answers"]["lecture"]["exact"] = "5.27"
    stored["questions"]["conv-params"]["answers"]["variant s2"]["value"] = "761.0"
    copy = tmp_path / "expected.json"
    copy.write_text(json.dumps(stored))
    status, out, _ = run_cli(capsys, "answers", "--check", "--expected", str(copy))
    assert status == 1
    assert "drift: svm-loss-mean (lecture): stored 5.27, now 79/15" in out
    assert "drift: conv-params (variant s2): stored value 761.0, now" in out and "2 difference(s)" in out
    del stored["questions"]["he-std"]
    assert key_cli.drift(stored)[0] == "he-std: a question not in the stored key"


def test_answers_check_detects_a_drifted_formula(monkeypatch):
    stored = json.load(open(expected_path()))
    monkeypatch.setattr(inception_flops, "FLOPS_PER_MAC", 2)   # a course setting of the inception reference
    problems = key_cli.drift(stored, build_questions())
    assert any(p.startswith("conv-macs: the formula changed") for p in problems)
    assert any(p.startswith("inception-naive-macs (lecture): stored 120422400, now 240844800") for p in problems)


def test_write_expected_round_trip(tmp_path, capsys):
    target = tmp_path / "expected.json"
    assert run_cli(capsys, "answers", "--update", "--root", str(tmp_path), "--expected", str(target))[0] == 0
    assert json.loads(target.read_text()) == json.load(open(expected_path()))
    assert oct(os.stat(target).st_mode & 0o077) != "0o0"        # readable like a file the user made
    assert key_cli.drift(json.loads(target.read_text())) == []
    assert run_cli(capsys, "answers", "--check", "--expected", str(tmp_path / "missing.json"))[0] == 2


def test_gradescope_metadata_gives_the_student_id(tmp_path):
    """run_autograder passes Gradescope's submission_metadata.json: the first user's email picks the variant."""
    email = next(e for e in ("s%d@uni.example" % i for i in range(100))
                 if value("conv-output-size", params_of("conv-output-size", e)) != value("conv-output-size"))
    course = tmp_path / "course.toml"
    course.write_text('secret = "%s"\nvariants = true\n' % SECRET)
    answers = write_answers(tmp_path, {"conv-output-size": int(value("conv-output-size",
                                                                     params_of("conv-output-size", email)))})

    def conv_output_size(users):
        meta = tmp_path / "submission_metadata.json"
        meta.write_text(json.dumps({"id": 5, "users": users}) if users is not None else "{not json")
        proc = dlgrader("grade", answers, "-a", "analytic", "--course", str(course), "--isolation", "l0",
                        "--gradescope-metadata", str(meta), "--format", "json")
        assert proc.returncode == 0, proc.stderr
        test = next(t for t in json.loads(proc.stdout)["tests"] if t["name"] == "conv-output-size")
        return test["status"], proc.stderr

    assert conv_output_size([{"email": email, "id": 9, "name": "S"}]) == ("passed", "")
    assert conv_output_size([{"email": "someone.else@uni.example", "id": 9, "name": "T"}])[0] == "failed"
    status, err = conv_output_size(None)        # unreadable metadata: graded anyway, without a variant
    assert status == "failed" and "no student id from" in err
