"""`dlgrader batch` end to end on a generated class of 24 (correct, mutants, hostile, malformed, empty):
-j 2 grading, a SIGKILL midway then --resume, shards + merge, crashes and hangs of grading processes."""
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from batch_cases import KINDS, MUTANTS, make_class
from helpers import ROOT

COURSE = 'secret = "batch-test"\n[limits]\ncall_timeout = 3.0\nbudget = 6.0\n'
FULL = {"correct_folder", "correct_package_zip", "correct_flat_files", "correct_single_py", "correct_package_folder",
        "correct_notebook_like_folder"}
ZERO = {"linear_folder", "linear_zip", "infinite_loop", "os_exit_in_calls", "os_exit_at_import", "syntax_error",
        "python2", "broken_zip", "empty_folder", "empty_py", "only_readme", "stub_copy"}


def dlgrader(*args, **kwargs):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300, **kwargs)


def start(*args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.Popen([sys.executable, "-m", "grader.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    top = tmp_path_factory.mktemp("class")
    students = make_class(str(top / "in"))
    course = top / "course.toml"
    course.write_text(COURSE)
    return {"input": str(top / "in"), "course": str(course), "students": students, "top": top}


@pytest.fixture(scope="module")
def full_run(klass):
    out = str(klass["top"] / "full")
    proc = dlgrader("batch", klass["input"], "-o", out, "-a", "knn", "-j", "2", "--course", klass["course"])
    assert proc.returncode == 0, proc.stderr
    return out


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def same_file(path, expected):
    """Byte-equal, or a message naming the rows that differ (and why those students lost points)."""
    got, want = open(path).read().splitlines(), open(expected).read().splitlines()
    if got != want:
        rows = [(a, b) for a, b in zip(got, want) if a != b] + [("(length)", "%d vs %d" % (len(got), len(want)))]
        why = []
        for a, _ in rows[:3]:
            slug = a.split(",")[0]
            for out in (os.path.dirname(path), os.path.dirname(expected)):
                try:
                    tests = json.load(open(os.path.join(out, "results", slug + ".json")))["report"]["tests"]
                    why.append("%s in %s: %s" % (slug, out, [(t["name"], t["output"][:80]) for t in tests
                                                            if t["status"] != "passed"]))
                except (OSError, ValueError, KeyError, TypeError):
                    pass
        pytest.fail("%s differs from %s: %s\n%s" % (path, expected, rows, "\n".join(why)))


def results(out):
    return sorted(f for f in os.listdir(os.path.join(out, "results")) if f.endswith(".json"))


def test_a_class_grades_end_to_end(klass, full_run):
    rows = {r["student"]: r for r in read_csv(os.path.join(full_run, "grades.csv"))}
    assert sorted(rows) == sorted(klass["students"])                       # each student exactly once
    assert len(read_csv(os.path.join(full_run, "grades.csv"))) == len(klass["students"])
    assert len(KINDS) == len(klass["students"])
    for student, kind in klass["students"].items():
        row = rows[student]
        assert row["status"] == "graded" and row["max_score"] == "22", row
        if kind in FULL:
            assert row["knn"] == row["total"] == "22", row
        elif kind in MUTANTS:
            assert 0 < float(row["knn"]) < 22, row
        else:
            assert kind in ZERO and row["knn"] == "0", row
    for slug in rows:
        for part in ("results/%s.json", "reports/%s.md", "reports/%s.html"):
            assert os.path.isfile(os.path.join(full_run, part % slug)), part % slug
    assert not [f for d in ("results", "reports") for f in os.listdir(os.path.join(full_run, d)) if f.startswith(".tmp")]


def test_outputs_record_provenance_and_problems(klass, full_run):
    manifest = json.load(open(os.path.join(full_run, "batch.json")))
    assert manifest["assignments"] == ["knn"] and manifest["grader"] and len(manifest["course_config"]) == 12
    assert {"python", "numpy", "torch", "hypothesis"} <= set(manifest["environment"])
    assert "L0" in manifest["isolation"]["layers"]
    record = json.load(open(os.path.join(full_run, "results", "s004-correct-package-folder.json")))
    assert record["report"]["environment"]["course_config"] == manifest["course_config"]
    assert "L0" in record["report"]["isolation"]["layers"]
    summary = json.load(open(os.path.join(full_run, "summary.json")))
    assert summary["students"] == summary["graded"] == 24 and summary["missing"] == 0
    assert sum(b["count"] for b in summary["histogram"]) == 24
    failed = [c["failed"] for c in summary["checks"]]
    assert failed == sorted(failed, reverse=True) and failed[0] > 0
    assert summary["diagnoses"] and summary["slowest"][0]["student"] == "s013-infinite-loop"
    assert {"student": "s013-infinite-loop", "status": "student code timed out"}.items() <= summary["problems"][0].items()
    html = open(os.path.join(full_run, "summary.html")).read()
    assert "<script" not in html and "s013-infinite-loop" in html
    suites = ET.parse(os.path.join(full_run, "junit.xml")).getroot()
    assert suites.tag == "testsuites" and len(suites.findall("testsuite")) == 24
    assert int(suites.get("tests")) == 24 * 17 and int(suites.get("failures")) > 0
    canvas = list(csv.reader(io.StringIO(open(os.path.join(full_run, "grades_canvas.csv")).read())))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and canvas[0][5] == "knn"
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "22" and len(canvas) == 2 + 24


def _children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _alive(pid):
    """Running (a zombie is not: it is reaped here if this process inherited it as a child subreaper)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    if state == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return False
    return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the grading processes")
def test_sigkill_midway_then_resume_equals_an_uninterrupted_run(klass, full_run, tmp_path):
    out = str(tmp_path / "killed")
    proc = start("batch", klass["input"], "-o", out, "-a", "knn", "-j", "2", "--course", klass["course"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not os.path.isdir(os.path.join(out, "results"))
                                           or len(results(out)) < 6):
        time.sleep(0.05)
    kids = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 6 <= len(results(out)) < 24, "kill the batch midway (%d results)" % len(results(out))
    assert not os.path.exists(os.path.join(out, "grades.csv"))
    # orphaned grading processes finish the submission in hand, write it, and exit
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    assert not [k for k in kids if _alive(k)], "grading processes outlived the batch: %s" % [
        open("/proc/%d/cmdline" % k).read().replace("\0", " ") for k in kids if _alive(k)]
    before = {f: os.stat(os.path.join(out, "results", f)).st_mtime_ns for f in results(out)}

    again = dlgrader("batch", klass["input"], "-o", out, "-a", "knn", "-j", "2", "--course", klass["course"],
                     "--resume")
    assert again.returncode == 0, again.stderr
    assert "%d already graded" % len(before) in again.stderr, again.stderr
    assert {f: os.stat(os.path.join(out, "results", f)).st_mtime_ns for f in before} == before   # not regraded
    assert results(out) == results(full_run)                                       # none missing, none twice
    same_file(os.path.join(out, "grades.csv"), os.path.join(full_run, "grades.csv"))


def test_four_shards_merged_equal_the_unsharded_run(klass, full_run, tmp_path):
    from grader.batch.run import run_batch
    shards = [str(tmp_path / ("shard%d" % i)) for i in range(1, 5)]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:       # in this process (four batch start-ups less), two shards at a time
        list(pool.map(lambda i: run_batch(klass["input"], shards[i - 1], ["knn"], jobs=1, shard=(i, 4),
                                          course_path=klass["course"]), range(1, 5)))
    graded = [set(results(s)) for s in shards]
    assert sum(map(len, graded)) == 24 and set().union(*graded) == set(results(full_run))
    assert all(graded), "each shard of this class holds someone"
    merged = str(tmp_path / "merged")
    proc = dlgrader("merge", *shards, "-o", merged)
    assert proc.returncode == 0, proc.stderr
    for name in ("grades.csv", "grades_canvas.csv"):
        same_file(os.path.join(merged, name), os.path.join(full_run, name))
    assert dlgrader("merge", *shards[:3], "-o", str(tmp_path / "partial")).returncode == 2   # shard 4 missing


def test_a_crashed_or_stuck_grading_process_costs_one_submission(tmp_path):
    from grader.batch.run import run_batch
    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("a-ok", "b-crash", "c-hang", "d-ok"):
        (inp / (name + ".py")).write_text("x = 1\n")
    script = os.path.join(ROOT, "tests", "batch_crashing_child.py")
    outcome = run_batch(str(inp), str(tmp_path / "out"), ["knn"], jobs=2, timeout=5,
                        command=lambda slot: [sys.executable, script, str(slot)])
    rows = {r["student"]: r for r in read_csv(str(tmp_path / "out" / "grades.csv"))}
    assert [rows[s]["status"] for s in sorted(rows)] == ["graded", "error", "timeout", "graded"]
    assert rows["b-crash"]["total"] == "0" and rows["b-crash"]["max_score"] == "22"
    assert sorted((s, status) for s, status, _ in outcome.problems) == [("b-crash", "error"), ("c-hang", "timeout")]
    record = json.load(open(str(tmp_path / "out" / "results" / "b-crash.json")))
    assert "exit status 7" in record["error"]
    summary = json.load(open(str(tmp_path / "out" / "summary.json")))
    assert [p["status"] for p in summary["problems"]] == ["error", "timeout"]


def test_grading_processes_that_cannot_start_stop_the_batch(tmp_path):
    from grader.batch.pool import PoolError
    from grader.batch.run import run_batch
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.py").write_text("")
    with pytest.raises(PoolError):
        run_batch(str(tmp_path / "in"), str(tmp_path / "out"), ["knn"], jobs=1,
                  command=lambda slot: [sys.executable, "-c", "import sys; sys.exit(1)"])


def test_canvas_export_zip_end_to_end(tmp_path):
    import zipfile
    knn = os.path.join(ROOT, "reference", "knn")
    cv = open(os.path.join(knn, "cross_validation.py")).read().replace("from .k_nearest", "from k_nearest")
    with zipfile.ZipFile(str(tmp_path / "submissions.zip"), "w") as zf:
        zf.write(os.path.join(knn, "k_nearest_neighbor.py"), "smithbob_340934_208490284_k_nearest_neighbor.py")
        zf.writestr("smithbob_340934_208490284_cross_validation-1.py", cv)
        zf.writestr("wellslane_LATE_334244_394803489_knn.py", "def oops(:\n")
        zf.writestr("../evil_1_2_x.py", "print('outside')\n")
    proc = dlgrader("batch", str(tmp_path / "submissions.zip"), "-o", str(tmp_path / "out"), "-a", "knn", "-j", "2")
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(str(tmp_path / "out" / "grades.csv"))
    assert [(r["student"], r["name"], r["total"]) for r in rows] == [("334244", "wellslane", "0"),
                                                                    ("340934", "smithbob", "22")]
    canvas = list(csv.reader(open(str(tmp_path / "out" / "grades_canvas.csv"))))
    assert canvas[2][:3] == ["wellslane", "334244", ""] and canvas[3][:3] == ["smithbob", "340934", ""]
    assert not (tmp_path / "evil_1_2_x.py").exists() and not (tmp_path / "out" / "evil_1_2_x.py").exists()


def _workers():
    """Live sandboxed workers started from this checkout."""
    marker = os.path.join(ROOT, "grader", "sandbox", "worker.py").encode()
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    if marker in f.read():
                        found.add(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find sandboxed workers")
def test_a_submission_over_the_batch_timeout_leaves_no_worker_behind(tmp_path):
    from batch_cases import hostile_source
    from grader.batch.run import run_batch
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "loops.py").write_text(hostile_source("        while True:\n            pass"))
    (tmp_path / "course.toml").write_text(COURSE)
    before = _workers()
    # at L0 the worker runs this checkout's worker.py, so _workers() sees only ours on a shared machine
    outcome = run_batch(str(tmp_path / "in"), str(tmp_path / "out"), ["knn"], jobs=1, timeout=2,
                        course_path=str(tmp_path / "course.toml"), isolation="l0")
    assert [(s, status) for s, status, _ in outcome.problems] == [("loops", "timeout")]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [p for p in _workers() - before if _alive(p)]:
        time.sleep(0.1)
    assert not [p for p in _workers() - before if _alive(p)], "the stopped grading process left its worker running"
