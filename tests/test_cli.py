"""The CLI contract later issues and CI scripts depend on."""
import json
import os
import subprocess
import sys

import pytest

from helpers import REFERENCE, ROOT, STUBS

GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                   "tags", "visibility", "extra_data"}


def dlgrader(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_list_names_every_check_with_points_and_visibility():
    out = dlgrader("list").stdout
    assert "knn" in out and "linear_classifiers" in out
    assert "svm_loss_naive.hidden" in out and "hidden" in out


def test_grade_json_contract(tmp_path):
    target = tmp_path / "r.json"
    proc = dlgrader("grade", REFERENCE, "-a", "knn", "--format", "json", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(target.read_text())
    assert data["score"] == data["max_score"] > 0
    for t in data["tests"]:
        assert {"name", "assignment", "score", "max_score", "status", "visibility", "output"} <= set(t)
        assert t["status"] in ("passed", "failed", "error")
    assert {"grader", "python", "numpy", "torch"} <= set(data["environment"])
    assert "L0" in data["isolation"]["layers"]
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")]


def test_gradescope_results_follow_the_spec(tmp_path):
    target = tmp_path / "results.json"
    assert dlgrader("grade", STUBS, "-a", "linear_classifiers", "--format", "gradescope", "-o",
                    str(target)).returncode == 0
    data = json.loads(target.read_text())
    assert set(data) <= GRADESCOPE_TOP and data["score"] == 0
    assert isinstance(data["execution_time"], (int, float))
    for t in data["tests"]:
        assert set(t) <= GRADESCOPE_TEST
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert any(t["visibility"] == "after_published" for t in data["tests"])


def test_stubs_grade_with_exit_status_zero():
    proc = dlgrader("grade", STUBS, "-a", "knn")
    assert proc.returncode == 0
    assert "total: 0 /" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("args", [("grade", REFERENCE, "-a", "nope"), ("grade",), ("frobnicate",)])
def test_bad_arguments_exit_non_zero(args):
    proc = dlgrader(*args)
    assert proc.returncode == 2


NOTHING_GRADABLE = {                      # what users hand `grade` by mistake -> what the one line says
    "missing.py": (None, "no such file or folder"),
    "empty": ({}, "no Python files"),
    "figure.png": (b"\x89PNG\r\n\x1a\n", "cannot grade figure.png"),
    "broken.py": ("def compute_distances_two_loops(self, X:\n    pass\n", "syntax error on line 1"),
    "unrelated.py": ("def helper(x):\n    return x\n", "defines no function or class of knn (KNearestNeighbor"),
}


def lay_out(path, content):
    if isinstance(content, dict):
        path.mkdir()
        for name, text in content.items():
            (path / name).write_text(text)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    return str(path)


def main(capsys, *args):
    """The CLI in this process (no interpreter start): (exit status, stdout, stderr)."""
    from grader.cli import main as cli
    status = cli(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", sorted(NOTHING_GRADABLE))
def test_nothing_gradable_exits_2_with_one_short_line(tmp_path, capsys, name):
    content, says = NOTHING_GRADABLE[name]
    status, out, err = main(capsys, "grade", lay_out(tmp_path / name, content),
                            *(["-a", "knn"] if name == "unrelated.py" else []))
    assert status == 2 and out == "" and len(err.splitlines()) == 1 and says in err, (status, out[-500:], err)


def test_nothing_gradable_still_writes_the_zero_result_a_platform_shows(tmp_path):
    target = tmp_path / "results.json"
    proc = dlgrader("grade", lay_out(tmp_path / "broken.py", NOTHING_GRADABLE["broken.py"][0]), "-a", "knn",
                    "--format", "gradescope", "-o", str(target))
    assert proc.returncode == 2 and "syntax error" in proc.stderr
    data = json.loads(target.read_text())
    assert data["score"] == 0 and data["tests"] and "syntax error on line 1" in data["tests"][0]["output"]


def test_a_wrong_submission_that_defines_the_functions_exits_0(tmp_path, capsys):
    """Exit 2 is for 'nothing gradable', never for a low score: a file with one wrong knn function is graded."""
    wrong = "class KNearestNeighbor:\n    def train(self, X, y):\n        pass\n"
    status, out, err = main(capsys, "grade", lay_out(tmp_path / "k_nearest_neighbor.py", wrong), "-a", "knn",
                            "--isolation", "l0")
    assert status == 0 and "total: 0 /" in out, err


def test_check_runs_public_checks_and_counts_hidden_ones():
    proc = dlgrader("check", "knn", "--path", os.path.join(REFERENCE, "knn"))
    assert proc.returncode == 0
    assert "hidden check(s)" in proc.stdout and ".hidden" not in proc.stdout


@pytest.mark.parametrize("path,status", [(os.path.join(STUBS, "knn"), 1), ("{tmp}/missing", 2),
                                         ("{tmp}/broken.py", 2)])
def test_check_exits_1_when_a_public_check_fails_2_when_nothing_to_check(tmp_path, capsys, path, status):
    lay_out(tmp_path / "broken.py", NOTHING_GRADABLE["broken.py"][0])
    got, out, err = main(capsys, "check", "knn", "--path", path.format(tmp=tmp_path), "--isolation", "l0")
    assert got == status, out[-500:] + err
    assert ("FAIL" in out) if status == 1 else (len(err.splitlines()) == 1 and not out)


@pytest.mark.parametrize("args", [["--help"], ["grade", "--help"], ["check", "--help"]])
def test_help_documents_the_exit_status(capsys, args):
    with pytest.raises(SystemExit) as done:
        main(capsys, *args)
    out = capsys.readouterr().out
    assert done.value.code == 0 and "exit status:" in out and "nothing" in out and "1  a public check failed" in out


@pytest.mark.parametrize("fmt,marker", [("html", '<html lang="fa" dir="rtl">'),
                                        ("markdown", '<div dir="rtl" lang="fa">')])
def test_grade_writes_the_student_report_in_persian(tmp_path, fmt, marker):
    target = tmp_path / ("r." + fmt)
    proc = dlgrader("grade", STUBS, "-a", "knn", "--format", fmt, "--lang", "fa", "--isolation", "l0",
                    "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    text = target.read_text(encoding="utf-8")
    assert marker in text and "هنوز پیاده‌سازی نشده است" in text


@pytest.mark.parametrize("args", [("release",), ("release", "{tmp}/out", "-a", "nope"), ("release", "{tmp}")])
def test_release_bad_arguments_exit_2(tmp_path, args):
    (tmp_path / "occupied.txt").write_text("x")
    proc = dlgrader(*[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
