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


def test_missing_path_is_graded_zero_not_a_crash(tmp_path):
    proc = dlgrader("grade", str(tmp_path / "nothing.py"), "-a", "knn")
    assert proc.returncode == 0 and "no such file" in proc.stdout


def test_check_runs_public_checks_and_counts_hidden_ones():
    proc = dlgrader("check", "knn", "--path", os.path.join(REFERENCE, "knn"))
    assert proc.returncode == 0
    assert "hidden check(s)" in proc.stdout and ".hidden" not in proc.stdout


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
