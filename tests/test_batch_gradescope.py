"""The Gradescope bundle: its run_autograder, run locally against a fake /autograder tree (AUTOGRADER_ROOT),
writes a results.json that follows Gradescope's specification, hidden checks included."""
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

from grader.spec import HIDDEN, get
from helpers import REFERENCE, ROOT
from installing import PIP_ENV, base_python

TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
       "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
        "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
COURSE = 'secret = "gradescope-test"\n[limits]\ncall_timeout = 3.0\nbudget = 6.0\n'


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    top = tmp_path_factory.mktemp("gs")
    (top / "course.toml").write_text(COURSE)
    out = top / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "gradescope", "-o", str(out), "-a", "knn",
                           "--course", str(top / "course.toml")], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


STANDIN = """import sys
sys.path[:0] = %r
from installing import link_libraries, site_packages
link_libraries(site_packages(sys.argv[1]))
"""


def offline(setup_sh):
    """setup.sh as it is, but for its lines that fetch packages: `# apt` lines do nothing, `# index` lines put
    the libraries into the venv (tests/installing.py) instead of downloading them."""
    lines = []
    for line in setup_sh.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        if line.endswith("# apt"):
            line = indent + ": apt-get skipped offline"
        elif line.endswith("# index"):
            line = indent + '"$STANDIN" "$VENV"'
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def autograder(bundle, tmp_path_factory):
    """/autograder as Gradescope builds it: the bundle unpacked in source/, then source/setup.sh run (offline),
    which makes venv/ and installs the bundle's copy of dlgrader into it with pip — not editable."""
    top = tmp_path_factory.mktemp("gs-image")
    root = top / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(str(bundle)) as zf:
        zf.extractall(str(root / "source"))
        setup = zf.read("setup.sh").decode()
    tagged = [line for line in setup.splitlines() if line.endswith(("# apt", "# index"))]
    assert len(tagged) == 6 and all("apt-get" in line or "pip\" install" in line for line in tagged)
    assert [line for line in setup.splitlines() if line.endswith('"$SOURCE/dlgrader"')]    # run as written
    (top / "setup.sh").write_text(offline(setup))
    shims = top / "bin"
    shims.mkdir()
    (shims / "python3.13").write_text('#!/bin/sh\nexec "%s" "$@"\n' % base_python())   # setup.sh picks this one
    (shims / "python3.13").chmod(0o755)
    standin = top / "standin"
    standin.write_text("#!%s\n%s" % (sys.executable, STANDIN % [os.path.dirname(__file__), ROOT]))
    standin.chmod(0o755)
    env = dict(PIP_ENV, AUTOGRADER_ROOT=str(root), STANDIN=str(standin), PATH="%s:/usr/bin:/bin" % shims,
               PIP_NO_BUILD_ISOLATION="false")       # pip's inverted flag: build with the venv's setuptools
    proc = subprocess.run(["bash", str(top / "setup.sh")], cwd=str(top), capture_output=True, text=True,
                          env=dict({k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **env), timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    where = subprocess.run([str(root / "venv" / "bin" / "python"), "-c", "import grader; print(grader.__file__)"],
                           capture_output=True, text=True, cwd=str(top), env={"PATH": "/usr/bin:/bin"}).stdout
    assert where.startswith(str(root / "venv" / "lib")), where       # installed, not the source copy
    return root


def autograde(root, submission_files):
    """Hand run_autograder one submission as Gradescope does; (results.json, wall seconds)."""
    shutil.rmtree(str(root / "submission"), ignore_errors=True)
    (root / "submission").mkdir()
    for name, text in submission_files.items():
        (root / "submission" / name).write_text(text)
    (root / "submission_metadata.json").write_text(json.dumps({"id": 1, "users": [{"id": 7, "name": "S"}]}))
    shutil.copy(str(root / "source" / "run_autograder"), str(root / "run_autograder"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLGRADER_PYTHON")}
    t0 = time.monotonic()
    proc = subprocess.run(["bash", str(root / "run_autograder")], capture_output=True, text=True,
                          env=dict(env, AUTOGRADER_ROOT=str(root)), cwd="/", timeout=300)
    wall = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (root / "results" / "results.json").read_text()
    assert "\r\n" not in text
    return json.loads(text), wall


def validate(results, wall):
    """Gradescope's results.json field list (facts/autograder_landscape.md §4)."""
    assert set(results) <= TOP
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["execution_time"], (int, float)) and 0 < results["execution_time"] <= wall
    assert results.get("output_format", "text") in FORMATS
    numbers = set()
    for t in results["tests"]:
        assert set(t) <= TEST and {"name", "score", "max_score", "status", "visibility", "number"} <= set(t)
        assert t["status"] in ("passed", "failed") and t["visibility"] in VISIBILITY
        assert 0 <= t["score"] <= t["max_score"] and isinstance(t["output"], str)
        assert isinstance(t["number"], str) and t["number"] not in numbers
        numbers.add(t["number"])
        assert all(isinstance(tag, str) for tag in t.get("tags", []))
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-9


def test_bundle_layout_is_what_gradescope_expects(bundle):
    with zipfile.ZipFile(str(bundle)) as zf:
        names = zf.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        run = zf.read("run_autograder").decode()
    assert {"setup.sh", "run_autograder", "course.toml", "dlgrader/pyproject.toml", "dlgrader/constraints.txt",
            "dlgrader/grader/cli.py", "dlgrader/reference/knn/k_nearest_neighbor.py"} <= set(names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "-a knn" in run and "AUTOGRADER_ROOT" in run and "--format gradescope" in run
    assert b"torch==2.13.0" in zipfile.ZipFile(str(bundle)).read("dlgrader/constraints.txt")
    for script in ("setup.sh", "run_autograder"):
        tmp = str(bundle) + "." + script
        open(tmp, "wb").write(zipfile.ZipFile(str(bundle)).read(script))
        assert subprocess.run(["bash", "-n", tmp]).returncode == 0, script


def test_bundle_is_reproducible(bundle, tmp_path):
    again = tmp_path / "again.zip"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "gradescope", "-o", str(again), "-a", "knn",
                           "--course", str(bundle.parent / "course.toml")], capture_output=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)
    assert proc.returncode == 0 and again.read_bytes() == bundle.read_bytes()


def test_run_autograder_on_the_reference_gives_full_marks(autograder):
    knn = os.path.join(REFERENCE, "knn")
    files = {name: open(os.path.join(knn, name)).read().replace("from .k_nearest", "from k_nearest")
             for name in ("k_nearest_neighbor.py", "cross_validation.py")}
    results, wall = autograde(autograder, files)
    validate(results, wall)
    assert results["score"] == get("knn").max_score
    hidden = {c.name for c in get("knn").checks if c.visibility == HIDDEN}
    assert hidden
    for t in results["tests"]:
        check = t["name"].split(": ", 1)[1]
        assert t["visibility"] == ("after_published" if check in hidden else "visible"), t
    assert results["extra_data"]["environment"]["course_config"] and "L0" in results["extra_data"]["isolation"]["layers"]


def test_run_autograder_on_a_broken_submission_scores_as_dlgrader_grade(autograder, tmp_path):
    source = open(os.path.join(REFERENCE, "knn", "k_nearest_neighbor.py")).read()
    source = source.replace('nearest = np.argsort(dists[i], kind="stable")[:k]',
                            'nearest = np.argsort(-dists[i], kind="stable")[:k]')
    results, wall = autograde(autograder, {"k_nearest_neighbor.py": source})
    validate(results, wall)
    assert len(results["tests"]) == len(get("knn").checks) and 0 < results["score"] < get("knn").max_score
    hidden_failures = [t for t in results["tests"] if t["visibility"] == "after_published" and t["status"] == "failed"]
    assert hidden_failures and all(t["output"].startswith("hidden check failed") for t in hidden_failures)
    (tmp_path / "k_nearest_neighbor.py").write_text(source)       # the same file, graded from the checkout
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "k_nearest_neighbor.py"),
                           "-a", "knn", "--course", str(autograder / "source" / "course.toml"), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=300)
    assert proc.returncode == 0, proc.stderr
    speed = {c.name for c in get("knn").checks if c.kind == "speed"}     # timed: a loaded machine may flip one
    here = {t["name"]: t["status"] for t in json.loads(proc.stdout)["tests"] if t["name"] not in speed}
    there = {t["name"].split(": ", 1)[1]: t["status"] for t in results["tests"]}
    assert here == {k: v for k, v in there.items() if k not in speed}


def test_run_autograder_on_nothing_gradable_still_writes_results(autograder):
    """dlgrader exits 2 (tests/test_cli.py has every case); Gradescope still gets a zero that says why."""
    results, wall = autograde(autograder, {"knn.py": "def f(:\n"})
    validate(results, wall)
    assert results["score"] == 0 and "syntax error" in results["tests"][0]["output"]
