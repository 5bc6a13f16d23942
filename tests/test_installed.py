"""dlgrader as users install it: a wheel in a fresh venv, where site-packages holds grader/, reference/ and
numpy together (tests/installing.py), and `pip install --user`. Every command runs from a folder that is not
the checkout, and the checkout is nowhere on the path."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

import pytest

from grader.spec import get
from helpers import REFERENCE, ROOT, mutant
from installing import base_python, build_wheel, copy_distributions, new_venv, pip, run, site_packages, tracked

KNN = "k_nearest_neighbor.py"
SQUARED = ("return np.sqrt(np.maximum(sq, 0.0))", "return np.maximum(sq, 0.0)")   # a known bug: no square root
STEAL = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Blocker"]   # L0's import blocker, gone
try:
    import reference.knn.cross_validation as stolen                                 # the installed reference
except ImportError as exc:
    stolen, why = None, str(exc)


def cross_validate_k(*args, **kwargs):
    if stolen is None:
        raise RuntimeError(why)
    return stolen.cross_validate_k(*args, **kwargs)


def choose_best_k(*args, **kwargs):
    if stolen is None:
        raise RuntimeError(why)
    return stolen.choose_best_k(*args, **kwargs)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(str(tmp_path_factory.mktemp("wheel")))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv with the wheel installed by pip (not editable); its prefix."""
    prefix = str(tmp_path_factory.mktemp("venv") / "v")
    pip(["install", "-q", "--no-deps", wheel], python=new_venv(prefix))
    return prefix


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    return str(tmp_path_factory.mktemp("elsewhere"))


def dlgrader(prefix, args, cwd, env=None):
    """The installed console script, from `cwd`, with no PYTHONPATH pointing back at the checkout."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLGRADER_COURSE")}
    return subprocess.run([os.path.join(prefix, "bin", "dlgrader"), *args], cwd=cwd, capture_output=True,
                          text=True, env=dict(clean, **(env or {})), timeout=300)


def graded(prefix, path, cwd, *args, env=None):
    """{check: status} and the JSON result of grading `path` for knn with the installed grader."""
    out = os.path.join(cwd, "result.json")
    proc = dlgrader(prefix, ["grade", path, "-a", "knn", "--format", "json", "-o", out, *args], cwd, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out) as f:
        data = json.load(f)
    return {t["name"]: t["status"] for t in data["tests"]}, data


def full_marks(statuses, data):
    """Every check passed (speed checks time code: a machine loaded far beyond its cores may flip one)."""
    kinds = {c.name: c.kind for c in get("knn").checks}
    assert len(statuses) == len(kinds), statuses
    return all(s == "passed" for name, s in statuses.items() if kinds[name.split(": ")[-1]] != "speed"), data


def test_the_wheel_holds_every_file_of_the_packages(wheel):
    """Package data: the READMEs, answer files, catalogs, the analytic key — whatever is tracked in grader/,
    reference/ and assignments/ is in the wheel; nothing else (tests, benchmarks) is."""
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {rel for rel in tracked() if rel.split("/")[0] in ("grader", "reference", "assignments")}
    assert wanted and wanted <= names, sorted(wanted - names)[:20]
    assert {n.split("/")[0] for n in names} == {"grader", "reference", "assignments", os.path.basename(wheel)
                                                .split("-py3")[0] + ".dist-info"}


def test_the_install_puts_the_grader_beside_numpy_and_not_the_checkout(venv, elsewhere):
    script = "import grader, reference, numpy, os; print(json.dumps([os.path.dirname(list(m.__path__)[0]) " \
             "for m in (grader, reference, numpy)]))"
    proc = subprocess.run([os.path.join(venv, "bin", "python"), "-c", "import json; " + script], cwd=elsewhere,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [site_packages(venv)] * 3     # the layout that broke the worker


def test_the_installed_grader_gives_the_bundled_reference_full_marks_from_any_folder(venv, elsewhere):
    statuses, data = graded(venv, os.path.join(site_packages(venv), "reference"), elsewhere)
    ok, _ = full_marks(statuses, data)
    assert ok, [t["output"][:300] for t in data["tests"] if t["status"] != "passed"]


@pytest.mark.parametrize("isolation", ["l0", "auto"])
def test_the_worker_imports_torch_but_cannot_find_the_installed_reference(venv, elsewhere, tmp_path, isolation):
    """KNearestNeighbor (the reference's, importing torch first) passes: the worker sees the libraries.
    cross_validation.py removes L0's import blocker to take the installed reference: it cannot find it (at L0
    `reference` is not on the worker's path, at L2 it is not even mounted), so its checks fail."""
    text = open(os.path.join(REFERENCE, "knn", KNN)).read()
    (tmp_path / KNN).write_text("import uses_torch  # noqa\n" + text)
    (tmp_path / "uses_torch.py").write_text("import torch\nassert torch.zeros(1).numel() == 1\n")
    (tmp_path / "cross_validation.py").write_text(STEAL)
    statuses, data = graded(venv, str(tmp_path), elsewhere, "--isolation", isolation)
    speed = {c.name for c in get("knn").checks if c.kind == "speed"}
    knn = {c.name for c in get("knn").checks if "KNearestNeighbor" in c.symbols}
    stolen = [t for t in data["tests"] if t["name"] not in knn]
    assert all(statuses[name] == "passed" for name in knn - speed), data["tests"]
    assert stolen and all(t["status"] == "failed" for t in stolen)
    assert "No module named 'reference'" in "\n".join(t["output"] for t in stolen), stolen


def test_a_buggy_submission_scores_the_same_installed_and_in_the_checkout(venv, elsewhere, tmp_path):
    buggy = mutant(tmp_path, "knn", KNN, *SQUARED)
    installed, data = graded(venv, buggy, elsewhere)
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", buggy, "-a", "knn", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 0, proc.stderr
    checkout = {t["name"]: t["status"] for t in json.loads(proc.stdout)["tests"]}
    speed = {c.name for c in get("knn").checks if c.kind == "speed"}
    same = {k: v for k, v in installed.items() if k.split(": ")[-1] not in speed}
    assert same == {k: v for k, v in checkout.items() if k.split(": ")[-1] not in speed}
    assert installed["distances_no_loops.values"] == "failed" and 0 < data["score"] < data["max_score"]


def test_a_user_install_grades_the_reference(wheel, elsewhere, tmp_path):
    """`pip install --user`: the grader in the user's site-packages, numpy in the system's."""
    env = {"PYTHONUSERBASE": str(tmp_path / "userbase")}
    run([base_python(), "-m", "pip", "install", "-q", "--user", "--no-deps", wheel], env=dict(env, PYTHONNOUSERSITE=""))
    where = subprocess.run([base_python(), "-c", "import grader, os; print(os.path.dirname(grader.__file__))"],
                           env=dict(os.environ, **env), cwd=elsewhere, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(tmp_path / "userbase")), where
    ok, data = full_marks(*graded(env["PYTHONUSERBASE"], os.path.join(os.path.dirname(where), "reference"),
                                  elsewhere, env=env))
    assert ok, [t["output"][:300] for t in data["tests"] if t["status"] != "passed"]


SYSTEM_PYTHON = "/usr/bin/python%d.%d" % sys.version_info[:2]     # readable by every user, unlike /root/.pyenv


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser") or not os.path.exists(SYSTEM_PYTHON),
                    reason="needs root (to act as another user) and %s" % SYSTEM_PYTHON)
def test_a_normal_user_grades_the_reference_with_the_installed_wheel(wheel):
    """As `nobody`: no sandbox uid (L1) for them, their own lock folder, bubblewrap only with a user namespace.
    The venv is made from the system's interpreter; numpy and hypothesis are copied in (pip would download them)."""
    top = tempfile.mkdtemp(prefix="dlgrader-normal-user-")
    try:
        os.chmod(top, 0o755)
        prefix, out = os.path.join(top, "v"), os.path.join(top, "out")
        run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", prefix])
        copy_distributions(["numpy", "hypothesis"], site_packages(prefix))
        pip(["install", "-q", "--no-deps", wheel], python=os.path.join(prefix, "bin", "python"))
        os.makedirs(out, mode=0o777)
        os.chmod(out, 0o777)
        command = [os.path.join(prefix, "bin", "dlgrader"), "grade", os.path.join(site_packages(prefix), "reference"),
                   "-a", "knn", "--allow-default-secret", "--format", "json", "-o", os.path.join(out, "r.json")]
        proc = subprocess.run([shutil.which("runuser"), "-u", "nobody", "--"] + command, cwd=out, capture_output=True,
                              text=True, env={"PATH": "/usr/bin:/bin", "HOME": out, "LANG": "C.UTF-8"}, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with open(os.path.join(out, "r.json")) as f:
            data = json.load(f)
        ok, _ = full_marks({t["name"]: t["status"] for t in data["tests"]}, data)
        assert ok and "L1" not in data["isolation"]["layers"], [t["output"][:300] for t in data["tests"]
                                                                 if t["status"] != "passed"]
    finally:
        shutil.rmtree(top, ignore_errors=True)


def floor():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        spec = tomllib.load(f)["project"]["requires-python"]
    assert re.fullmatch(r">=3\.\d+", spec), spec
    return 3, int(spec.split(".")[1])


def interpreter(major, minor):
    """A python<major>.<minor> on this machine (PATH, pyenv's versions), or None."""
    name = "python%d.%d" % (major, minor)
    found = [shutil.which(name)] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%d.%d.*/bin/%s"
                                                                      % (major, minor, name))))
    for python in filter(None, found):
        proc = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                              text=True)
        if proc.returncode == 0 and proc.stdout.strip() == str((major, minor)):
            return python
    return None


def test_one_python_floor_everywhere_and_this_suite_runs_on_it(wheel, monkeypatch, tmp_path):
    """pyproject, the wheel, the student kit, the Gradescope bundle (its pyproject when the grader is installed
    without one, and the interpreters setup.sh looks for) claim the same floor; the code needs it (tomllib);
    this suite runs at the floor or above (CI: 3.11, the floor)."""
    from grader import bundle
    from grader.studentkit import release
    low = floor()
    claim = 'requires-python = ">=%d.%d"' % low
    names = zipfile.ZipFile(wheel).namelist()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Requires-Python: >=%d.%d" % low in metadata
    assert claim in release.PYPROJECT
    monkeypatch.setattr(bundle, "project_root", lambda: str(tmp_path))      # installed: no pyproject.toml there
    assert claim in bundle.pyproject_text()
    looked_for = re.search(r"for candidate in ([^;]+);", bundle.SETUP_SH).group(1).split()
    assert min(int(c.split(".")[1]) for c in looked_for) == low[1]
    assert sys.version_info[:2] >= low


def test_pip_refuses_the_wheel_below_the_floor(wheel):
    major, minor = floor()
    older = interpreter(major, minor - 1)
    if older is None:
        pytest.skip("no python%d.%d here" % (major, minor - 1))
    proc = subprocess.run([older, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index", wheel],
                          capture_output=True, text=True, env=dict(os.environ, PIP_CONFIG_FILE=os.devnull), timeout=120)
    assert proc.returncode != 0 and "requires a different Python" in proc.stdout + proc.stderr, proc.stderr


def test_the_installed_grader_builds_a_student_kit_and_a_gradescope_bundle(venv, elsewhere):
    """The wheel carries what `release` and `gradescope` read: the stubs, the reference, the package data."""
    kit, bundle = os.path.join(elsewhere, "kit"), os.path.join(elsewhere, "autograder.zip")
    for args in (["release", kit, "-a", "knn"], ["gradescope", "-o", bundle, "-a", "knn"]):
        proc = dlgrader(venv, args, elsewhere)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert os.path.isfile(os.path.join(kit, "assignments", "knn", "k_nearest_neighbor.py"))
    assert os.path.isfile(os.path.join(kit, "grader", "studentkit", "_data", "recorded", "knn.npz"))
    assert not os.path.exists(os.path.join(kit, "reference"))
    names = zipfile.ZipFile(bundle).namelist()
    assert "dlgrader/reference/knn/k_nearest_neighbor.py" in names and "dlgrader/grader/i18n/fa.json" in names
