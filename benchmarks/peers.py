"""dlgrader beside Otter-Grader and nbgrader: the same four functions, equivalent tests, the same run.

    python -m benchmarks.peers [--runs 5] [--quick] [--keep DIR]
    (also `python -m benchmarks --only peers`)

The content is the `linear_classifiers` assignment (svm_loss_naive/vectorized, softmax_loss_naive/vectorized,
each (W, X, y, reg) -> (loss, dW)). The peers' tests mirror dlgrader's 22 checks one for one (`SPECS`): the
expected losses and gradients are computed here from reference/linear_classifiers (the trusted side) and
written into the peers' test files; the submission is the reference itself, pasted into a notebook.
Each peer lives in its own venv under ~/.cache/dlgrader-bench/<package>-<version> (or
$DLGRADER_BENCH_CACHE), created and pip-installed once (NumPy pinned to this interpreter's version);
installing is never timed. What is timed, interleaved round by round (one untimed warm-up round first):

- `otter run -a autograder.zip submission.ipynb` (Otter's no-container path), whole process;
- Otter's Python API, `otter.api.grade_submission`, called in a loop in one process (per call);
- `nbgrader autograde` of a course with 1 submission, and of one with 10 (seconds / 10), whole process;
- `dlgrader grade` of the same reference (whole process), at the strongest isolation here and at L0;
- `dlgrader batch -j 1` of the same 10 submissions (seconds / 10).

A peer whose install or set-up fails gets {"error": "..."} saying what failed; nothing is invented.
`--quick` installs and measures nothing.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks.timing import ROOT, figure, load

# package, version, what else the venv needs: Otter's no-container path runs the notebook in a Jupyter
# kernel, and otter-grader does not depend on ipykernel (its Gradescope image installs it); nbgrader does.
PEERS = {"otter": ("otter-grader", "7.0.0", ("ipykernel",)), "nbgrader": ("nbgrader", "0.9.6", ())}
CACHE = os.environ.get("DLGRADER_BENCH_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "dlgrader-bench"))
REFERENCE = os.path.join(ROOT, "reference", "linear_classifiers")
SVM = ("svm_loss_naive", "svm_loss_vectorized")
SOFTMAX = ("softmax_loss_naive", "softmax_loss_vectorized")
FUNCTIONS = SVM + SOFTMAX
BATCH = 10

# dlgrader's public cases (grader/suites/linear_classifiers.PUBLIC); its `.hidden` checks draw 12 cases with
# hypothesis at grading time, the peers get these three fixed ones instead.
PUBLIC = ({"N": 5, "D": 4, "C": 3, "reg": 0.1, "seed": 0},
          {"N": 50, "D": 30, "C": 10, "reg": 0.5, "seed": 1},
          {"N": 1, "D": 2, "C": 2, "reg": 0.0, "seed": 2})
HIDDEN = ({"N": 17, "D": 12, "C": 6, "reg": 0.05, "seed": 101},
          {"N": 40, "D": 30, "C": 10, "reg": 2.0, "seed": 102},
          {"N": 3, "D": 5, "C": 4, "reg": 0.0, "seed": 103})
EXTRA = ({"N": 20, "D": 8, "C": 5, "reg": 0.5, "seed": 11}, {"N": 1, "D": 3, "C": 2, "reg": 0.0, "seed": 12},
         {"N": 33, "D": 17, "C": 7, "reg": 2.0, "seed": 13})

# Every test starts with these (the same generator as the suite's make_case; NumPy is pinned to ours in the
# peers' venvs, and each case checks a fingerprint of its inputs, so a different stream fails loudly).
PRELUDE = '''import numpy as np
def _case(N, D, C, reg, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    X[:, -1] = 1.0
    W = rng.standard_normal((D, C)) * scale
    y = rng.integers(0, C, size=N)
    return W, X, y, reg
def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) if a.size else 0.0
def _fingerprint(W, X, y):
    return float(X.sum() + W.sum() + y.sum())
'''


def make_case(p):
    import numpy as np
    rng = np.random.default_rng(p["seed"])
    X = rng.standard_normal((p["N"], p["D"]))
    X[:, -1] = 1.0
    W = rng.standard_normal((p["D"], p["C"])) * p.get("scale", 0.5)
    return W, X, rng.integers(0, p["C"], size=p["N"]), p["reg"]


def fingerprint(W, X, y):
    return float(X.sum() + W.sum() + y.sum())


def load_reference(reg_scale=1.0):
    """{function name: callable} from reference/linear_classifiers, with the course's REG_SCALE."""
    out = {}
    for mod in ("linear_svm", "softmax"):
        spec = importlib.util.spec_from_file_location("bench_ref_" + mod, os.path.join(REFERENCE, mod + ".py"))
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        m.REG_SCALE = reg_scale
        out.update({k: getattr(m, k) for k in FUNCTIONS if hasattr(m, k)})
    return out


def expected_values(cases, fn):
    """[(case, fingerprint, loss, dW as nested lists)] from the trusted reference."""
    out = []
    for p in cases:
        W, X, y, reg = make_case(p)
        loss, dW = fn(W, X, y, reg)
        out.append((dict(p), fingerprint(W, X, y), float(loss), dW.tolist()))
    return out


def values_body(fn, expected):
    return (PRELUDE + "_cases = %r\n" % (expected,) +
            "for p, fp, e_loss, e_dW in _cases:\n"
            "    W, X, y, reg = _case(**p)\n"
            "    assert abs(_fingerprint(W, X, y) - fp) <= 1e-9 * max(1.0, abs(fp)), 'inputs differ from the expected ones'\n"
            "    loss, dW = %s(W, X, y, reg)\n"
            "    assert _rel(loss, e_loss) < 1e-6, 'loss %%r, expected %%r (case %%r)' %% (loss, e_loss, p)\n"
            "    assert np.shape(dW) == W.shape, 'dW has shape %%r, expected %%r' %% (np.shape(dW), W.shape)\n"
            "    assert _rel(dW, e_dW) < 1e-6, 'dW differs from the expected one (case %%r)' %% (p,)\n" % fn)


def gradient_body(fn, tol):
    return PRELUDE + "for p in %r:\n" % (list(PUBLIC[:2]),) + (
            "    W, X, y, reg = _case(**p)\n"
            "    loss, dW = {fn}(W, X, y, reg)\n"
            "    rng = np.random.default_rng(7)\n"
            "    for _ in range(4):\n"
            "        V = rng.standard_normal(W.shape)\n"
            "        h = 1e-5\n"
            "        num = ({fn}(W + h * V, X, y, reg)[0] - {fn}(W - h * V, X, y, reg)[0]) / (2 * h)\n"
            "        ana = float(np.sum(np.asarray(dW) * V))\n"
            "        assert abs(num - ana) / max(1e-8, abs(num) + abs(ana)) < {tol!r}, "
            "'directional derivative %r, dW says %r' % (num, ana)\n").format(fn=fn, tol=tol)


def naive_vectorized_body(naive, vectorized):
    return PRELUDE + "for p in %r:\n" % ([PUBLIC[1]] + list(EXTRA[:2]),) + (
            "    W, X, y, reg = _case(**p)\n"
            "    la, da = {n}(W, X, y, reg)\n"
            "    lb, db = {v}(W, X, y, reg)\n"
            "    assert _rel(la, lb) < 1e-6, 'naive loss %r, vectorized %r' % (la, lb)\n"
            "    assert np.shape(da) == np.shape(db) and _rel(da, db) < 1e-6, 'naive and vectorized dW differ'\n"
            ).format(n=naive, v=vectorized)


def no_loops_body(naive, vectorized):
    return ("import ast, inspect, textwrap\n"
            "_tree = ast.parse(textwrap.dedent(inspect.getsource({v})))\n"
            "_loops = [n for n in ast.walk(_tree) if isinstance(n, (ast.For, ast.While, ast.comprehension))]\n"
            "assert not _loops, 'the vectorized loss must use array operations only'\n"
            "_names = set(n.id for n in ast.walk(_tree) if isinstance(n, ast.Name))\n"
            "assert '{n}' not in _names, 'the vectorized loss calls the naive one'\n"
            "_imports = [a.name for n in ast.walk(_tree) if isinstance(n, (ast.Import, ast.ImportFrom)) "
            "for a in n.names] + [n.module or '' for n in ast.walk(_tree) if isinstance(n, ast.ImportFrom)]\n"
            "assert not [m for m in _imports if m.split('.')[0] in ('scipy', 'torch', 'sklearn')], 'forbidden import'\n"
            ).format(n=naive, v=vectorized)


def speed_body(naive, vectorized):
    return PRELUDE + ("import time\n"
            "W, X, y, reg = _case(500, 200, 10, 0.1, 3)\n"
            "def _best(f):\n"
            "    best = float('inf')\n"
            "    for _ in range(3):\n"
            "        t0 = time.perf_counter()\n"
            "        f(W, X, y, reg)\n"
            "        best = min(best, time.perf_counter() - t0)\n"
            "    return best\n"
            "_slow, _fast = _best({n}), _best({v})\n"
            "assert _slow >= 10 * _fast, 'vectorized only %.1fx faster than naive' % (_slow / _fast)\n"
            ).format(n=naive, v=vectorized)


SVM_NONNEGATIVE = PRELUDE + '''for seed in range(5):
    W, X, y, reg = _case(3 + 7 * seed, 2 + 5 * seed, 2 + seed, (0.0, 0.05, 0.5, 2.0, 0.5)[seed], 200 + seed)
    loss = svm_loss_vectorized(W, X, y, reg)[0]
    assert loss >= 0, 'negative SVM loss %r' % loss
'''

SVM_MARGINS_MET = PRELUDE + '''for p in %r:
    W, X, y, reg = _case(**p)
    W = W.copy()
    W[-1, :] = 0.0
    C = W.shape[1]
    X2 = np.hstack([X, np.eye(C)[y] * (np.abs(X.dot(W)).max() + 10)])
    W2 = np.vstack([W, np.eye(C)])
    loss = svm_loss_vectorized(W2, X2, y, reg)[0]
    expected = %r * reg * float(np.sum(W2 * W2))
    assert abs(loss - expected) <= 1e-9 * max(1.0, expected), 'loss %%r, expected the regularization %%r' %% (loss, expected)
'''

SOFTMAX_SHIFT = PRELUDE + '''for p in %r:
    W, X, y, reg = _case(**p)
    losses = []
    for c in (0.0, 10.0, 1000.0):
        Wc = W.copy()
        Wc[-1, :] += c
        losses.append(float(softmax_loss_vectorized(Wc, X, y, 0.0)[0]))
    assert all(np.isfinite(losses)), 'the loss is %%r when every score is shifted by 1000' %% losses[-1]
    assert _rel(losses[0], losses[1]) <= 1e-8 and _rel(losses[0], losses[2]) <= 1e-6, 'not shift invariant: %%r' %% losses
'''

SOFTMAX_UNIFORM = PRELUDE + '''for p in %r:
    W, X, y, reg = _case(**p)
    loss = softmax_loss_vectorized(W * 1e-8, X, y, 0.0)[0]
    assert abs(loss - np.log(W.shape[1])) <= 1e-5, 'loss %%r at W ~ 0, expected ln(C) = %%r' %% (loss, np.log(W.shape[1]))
'''


def specs(reference=None, reg_scale=1.0):
    """The peers' tests, in dlgrader's order and with its names and points: dicts with question (the group:
    one function, or one family's properties), name, points, hidden, body (plain Python; passes = no
    exception). The expected values come from the reference (trusted side)."""
    ref = reference or load_reference(reg_scale)
    out = []

    def add(question, name, points, body, hidden=False):
        out.append({"question": question, "name": name, "points": points, "hidden": hidden, "body": body})

    for family, (naive, vectorized) in (("svm", SVM), ("softmax", SOFTMAX)):
        for fn in (naive, vectorized):
            add(fn, fn + ".values", 2, values_body(fn, expected_values(PUBLIC, ref[fn])))
            add(fn, fn + ".hidden", 2, values_body(fn, expected_values(HIDDEN, ref[fn])), hidden=True)
            add(fn, fn + ".numerical_gradient", 2, gradient_body(fn, 1e-5 if family == "svm" else 1e-6))
        add(family, family + ".naive_equals_vectorized", 1, naive_vectorized_body(naive, vectorized))
        add(family, vectorized + ".no_loops", 1, no_loops_body(naive, vectorized))
        add(family, family + ".speed", 1, speed_body(naive, vectorized))
        if family == "svm":
            add(family, "svm.loss_nonnegative", 1, SVM_NONNEGATIVE)
            add(family, "svm.margins_met", 1, SVM_MARGINS_MET % (list(PUBLIC[:2]) + list(EXTRA), reg_scale))
        else:
            add(family, "softmax.shift_invariant", 1, SOFTMAX_SHIFT % (list(PUBLIC[:2]) + list(EXTRA),))
            add(family, "softmax.uniform_at_zero", 1, SOFTMAX_UNIFORM % (list(PUBLIC[:2]) + list(EXTRA[:1]),))
    return out


def to_doctest(body):
    """Plain Python -> doctest source: `>>> ` opens each top-level statement, `... ` continues it."""
    lines = []
    for line in body.splitlines():
        if not line.strip():
            continue
        lines.append(("... " if line[0] in " \t" else ">>> ") + line)
    return "\n".join(lines) + "\n"


def otter_test_files(spec_list):
    """{path inside the autograder: text}: one OK-format test file per question, one case per check."""
    questions = {}
    for s in spec_list:
        questions.setdefault(s["question"], []).append(s)
    out = {}
    for q, items in questions.items():
        test = {"name": q, "points": None, "suites": [{
            "cases": [{"name": s["name"], "code": to_doctest(s["body"]), "hidden": s["hidden"], "locked": False,
                       "points": s["points"]} for s in items],
            "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}
        out["tests/%s.py" % q] = "OK_FORMAT = True\n\ntest = %r\n" % (test,)
    return out


def submission_source():
    """The student's code: the reference modules, one cell each (REG_SCALE as in the reference)."""
    return [open(os.path.join(REFERENCE, m + ".py")).read() for m in ("linear_svm", "softmax")]


def cell(source, cell_type="code", metadata=None):
    c = {"cell_type": cell_type, "metadata": metadata or {}, "source": source}
    if cell_type == "code":
        c.update(execution_count=None, outputs=[])
    return c


def notebook(cells):
    return {"nbformat": 4, "nbformat_minor": 5, "cells": [dict(c, id="c%d" % i) for i, c in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def otter_notebook():
    return notebook([cell("# Linear classifiers", "markdown")] + [cell(s) for s in submission_source()])


def nbgrader_notebook(spec_list, solutions=True):
    """The instructor's source notebook: one solution cell per module (the reference between
    BEGIN/END SOLUTION), then one locked autograder test cell per check (hidden ones between
    BEGIN/END HIDDEN TESTS). With solutions=False: what a student hands in (the same cells, solution
    code in place, as nbgrader's release would carry it)."""
    cells = [cell("# Linear classifiers", "markdown")]
    for i, src in enumerate(submission_source()):
        body = "### BEGIN SOLUTION\n" + src + "### END SOLUTION\n" if solutions else src
        cells.append(cell(body, metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                                       "grade_id": "solution_%d" % i, "schema_version": 3}}))
    for s in spec_list:
        body = s["body"]
        if s["hidden"]:
            body = "### BEGIN HIDDEN TESTS\n" + body + "### END HIDDEN TESTS\n"
        cells.append(cell(body, metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                       "points": s["points"], "schema_version": 3,
                                                       "grade_id": s["name"].replace(".", "_")}}))
    return notebook(cells)


# ---------------------------------------------------------------- venvs (installed once, never timed)

def numpy_version():
    import numpy
    return numpy.__version__


def requirements(package, version, extra):
    return ["%s==%s" % (package, version), "numpy==%s" % numpy_version()] + list(extra)


def ensure_venv(package, version, extra, log):
    """The venv's directory, creating it once (its `.installed` marker, which names what was installed,
    says it is complete); raises RuntimeError saying what failed."""
    home = os.path.join(CACHE, "%s-%s" % (package, version))
    marker = os.path.join(home, ".installed")
    wanted = " ".join(requirements(package, version, extra))
    if os.path.exists(marker) and open(marker).readline().strip() == wanted:
        return home
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(CACHE, exist_ok=True)
    t0 = time.perf_counter()
    steps = [[sys.executable, "-m", "venv", home],
             [os.path.join(home, "bin", "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
              ] + requirements(package, version, extra)]
    for cmd in steps:
        print("  %s" % " ".join(cmd), file=sys.stderr, flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True, env=clean_env())
        if done.returncode:
            lines = [line for line in (done.stderr or done.stdout).splitlines()
                     if not line.startswith("WARNING: Location")]
            tail = "\n".join([line for line in lines if line.startswith("ERROR")] or lines)[-600:]
            raise RuntimeError("`%s` exited with %d: %s" % (" ".join(cmd[2:] if "pip" in cmd else cmd),
                                                           done.returncode, tail))
    with open(marker, "w") as f:
        f.write("%s\ninstalled in %.0f s\n" % (wanted, time.perf_counter() - t0))
    log.append("installed %s %s into %s in %.0f s (not timed)" % (package, version, home, time.perf_counter() - t0))
    return home


def clean_env(home=None):
    """The peers run without this checkout on their path, as in their activated venv (nbgrader runs
    `alembic` from PATH)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    if home:
        env["VIRTUAL_ENV"] = home
        env["PATH"] = os.path.join(home, "bin") + os.pathsep + env.get("PATH", "")
    return env


def venv_versions(home, names):
    code = ("import importlib.metadata as m, json, sys; print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))")
    done = subprocess.run([os.path.join(home, "bin", "python"), "-c", code] + list(names), capture_output=True,
                          text=True, env=clean_env())
    return json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-300:]}


def sh(cmd, cwd, env=None, ok=(0,)):
    """Run; (seconds, completed process); raises RuntimeError with the output's tail on a bad exit."""
    t0 = time.perf_counter()
    if env is None:   # a peer's command: its venv's bin/ first
        env = clean_env(os.path.dirname(os.path.dirname(cmd[0])))
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if done.returncode not in ok:
        raise RuntimeError("`%s` exited with %d: %s" % (" ".join(os.path.basename(c) if os.path.isabs(c) else c
                                                                   for c in cmd), done.returncode,
                                                      (done.stderr + done.stdout)[-800:]))
    return wall, done


# ---------------------------------------------------------------- Otter-Grader

OTTER_API_LOOP = '''import json, sys, time, otter.api
ag, sub, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, scores = [], []
for _ in range(n):
    t0 = time.perf_counter()
    r = otter.api.grade_submission(sub, ag, quiet=True)
    times.append(time.perf_counter() - t0)
    scores.append([r.total, r.possible])
print(json.dumps({"times": times, "scores": scores}))
'''


def otter_setup(home, top, spec_list):
    """autograder.zip (by `otter generate`) and the submission notebook; returns their paths."""
    work = os.path.join(top, "otter")
    os.makedirs(os.path.join(work, "tests"))
    for path, text in otter_test_files(spec_list).items():
        with open(os.path.join(work, path), "w") as f:
            f.write(text)
    with open(os.path.join(work, "otter_config.json"), "w") as f:
        json.dump({"lang": "python", "pdf": False, "show_stdout": False}, f)
    sub = os.path.join(work, "linear_classifiers.ipynb")
    with open(sub, "w") as f:
        json.dump(otter_notebook(), f, indent=1)
    sh([os.path.join(home, "bin", "otter"), "generate", "--no-requirements", "--no-environment", "-o",
        "autograder.zip"], work)
    return os.path.join(work, "autograder.zip"), sub


def otter_run_once(home, ag, sub, out):
    """One `otter run`: (seconds, score, possible, number of test cases graded)."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    wall, _ = sh([os.path.join(home, "bin", "otter"), "run", "-a", ag, "-o", out, "--no-logo", sub],
                 os.path.dirname(sub))
    return (wall,) + otter_results(os.path.join(out, "results.json"))


def otter_results(path):
    """(score, possible, questions, [questions not full marks]) from Otter's Gradescope-style results.json
    (one entry per test file, plus a "Public Tests" summary without a score)."""
    tests = [t for t in json.load(open(path)).get("tests", []) if "max_score" in t]
    return (sum(t.get("score", 0) for t in tests), sum(t["max_score"] for t in tests), len(tests),
            [t.get("name") for t in tests if t.get("score", 0) < t["max_score"]])


# ---------------------------------------------------------------- nbgrader

def nbgrader_course(home, top, name, spec_list, students):
    """A course directory: source/ps1 -> `nbgrader generate_assignment` -> release/ps1 -> submitted/<id>/ps1
    for `students` students (each the release notebook with the solution code in its cells)."""
    course = os.path.join(top, name)
    src = os.path.join(course, "source", "ps1")
    os.makedirs(src)
    with open(os.path.join(course, "nbgrader_config.py"), "w") as f:
        f.write("c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.CourseDirectory.root = %r\n"
                "c.ExecutePreprocessor.timeout = 120\n" % course)
    with open(os.path.join(src, "ps1.ipynb"), "w") as f:
        json.dump(nbgrader_notebook(spec_list), f, indent=1)
    sh([os.path.join(home, "bin", "python"), "-m", "nbgrader", "generate_assignment", "ps1", "--force"], course)
    release = json.load(open(os.path.join(course, "release", "ps1", "ps1.ipynb")))
    solutions = iter(submission_source())
    for c in release["cells"]:   # the student fills in the solution cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution"):
            c["source"] = next(solutions)
    for i in range(students):
        d = os.path.join(course, "submitted", "s%02d" % i, "ps1")
        os.makedirs(d)
        with open(os.path.join(d, "ps1.ipynb"), "w") as f:
            json.dump(release, f, indent=1)
        with open(os.path.join(d, "timestamp.txt"), "w") as f:
            f.write("2026-11-23 00:00:00.000000 UTC\n")
    return course


def nbgrader_autograde(home, course, students):
    """One `nbgrader autograde ps1 --force` over the course: (seconds, [score per student], max, cells)."""
    wall, _ = sh([os.path.join(home, "bin", "python"), "-m", "nbgrader", "autograde", "ps1", "--force",
                  "--create"], course)
    return (wall,) + nbgrader_scores(home, course, students)


NBGRADER_SCORES = '''import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    a = gb.find_assignment("ps1")
    out = {"max": a.max_score, "cells": len(a.notebooks[0].grade_cells), "scores": {}, "failed": {}}
    for s in gb.students:
        sub = gb.find_submission("ps1", s.id)
        out["scores"][s.id] = sub.score
        out["failed"][s.id] = [g.name for nb in sub.notebooks for g in nb.grades if (g.score or 0) < g.max_score]
print(json.dumps(out))
'''


def nbgrader_scores(home, course, students):
    _, done = sh([os.path.join(home, "bin", "python"), "-c", NBGRADER_SCORES,
                  os.path.join(course, "gradebook.db")], course)
    r = json.loads(done.stdout)
    return [r["scores"].get("s%02d" % i) for i in range(students)], r["max"], r["cells"], r["failed"]


# ---------------------------------------------------------------- dlgrader

def dlgrader_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def dlgrader_grade_once(isolation, out):
    cmd = [sys.executable, "-m", "grader.cli", "grade", os.path.join("reference", "linear_classifiers"), "-a",
           "linear_classifiers", "--isolation", isolation, "--format", "json", "-o", out, "--allow-default-secret"]
    wall, _ = sh(cmd, ROOT, env=dlgrader_env())
    r = json.load(open(out))
    layers = (r.get("isolation") or {}).get("layers") or []
    return wall, r["score"], r["max_score"], len(r["tests"]), "+".join(layers) or None


def dlgrader_class(top):
    inp = os.path.join(top, "dlgrader-class")
    for i in range(BATCH):
        shutil.copytree(REFERENCE, os.path.join(inp, "s%02d" % i))
    return inp


def dlgrader_batch_once(inp, out):
    """(seconds, [total per student], max score) of one `dlgrader batch -j 1` over the class."""
    cmd = [sys.executable, "-m", "grader.cli", "batch", inp, "-o", out, "--force", "-j", "1", "-a",
           "linear_classifiers"]
    wall, _ = sh(cmd, ROOT, env=dlgrader_env())
    import csv
    with open(os.path.join(out, "grades.csv")) as f:
        rows = list(csv.DictReader(f))
    return wall, [float(r["total"]) for r in rows], max(float(r["max_score"]) for r in rows)


# ---------------------------------------------------------------- the measurement

def interleaved(items, runs):
    """items: {key: fn() -> seconds}. One untimed warm-up round, then `runs` rounds, each calling every
    item once in turn, so a noisy stretch of a shared machine hits every figure alike. A failing item is
    dropped from the later rounds with its error kept: {key: figure} and {key: error}."""
    times, errors, loads = {k: [] for k in items}, {}, {k: [] for k in items}
    for r in range(runs + 1):
        for key, fn in items.items():
            if key in errors:
                continue
            before = load()
            try:
                t = fn()
            except Exception as e:   # noqa: BLE001 -- a peer's failure is reported, not raised
                errors[key] = "%s: %s" % (type(e).__name__, e)
                continue
            if r:
                times[key].append(t)
                loads[key].append((before, load()))
    figs = {k: figure(v, loads[k][0][0], loads[k][-1][1]) for k, v in times.items() if v and k not in errors}
    return figs, errors


def run(runs=5, quick=False, keep=None):
    if quick:
        return {"not_done": "skipped in --quick (the peers are installed and measured only in a full run)"}
    log = []
    out = {"runs": runs, "batch_size": BATCH, "log": log, "peers": {}, "figures": {}, "errors": {}}
    try:
        spec_list = specs()
    except Exception as e:   # noqa: BLE001
        return {"not_done": "the expected values could not be computed from the reference: %s" % e}
    out["tests"] = {"dlgrader": None, "peers": len(spec_list), "points": sum(s["points"] for s in spec_list),
                    "hidden": sum(s["hidden"] for s in spec_list)}
    top = tempfile.mkdtemp(prefix="bench-peers-")
    items, details = {}, {}
    try:
        # dlgrader: the figures the peers are compared with
        res = os.path.join(top, "dlgrader.json")
        for iso in ("auto", "l0"):
            try:
                _, score, max_score, n, level = dlgrader_grade_once(iso, res)
                details["dlgrader_grade_" + iso] = {"score": score, "max_score": max_score, "tests": n,
                                                    "isolation": level, "command": "dlgrader grade "
                                                    "reference/linear_classifiers -a linear_classifiers "
                                                    "--isolation %s --format json -o FILE" % iso}
                out["tests"]["dlgrader"] = n
                items["dlgrader_grade_" + iso] = (lambda iso=iso: dlgrader_grade_once(iso, res)[0])
            except Exception as e:   # noqa: BLE001
                out["errors"]["dlgrader_grade_" + iso] = str(e)
        inp = dlgrader_class(top)
        bout = os.path.join(top, "dlgrader-out")
        _, scores, max_score = dlgrader_batch_once(inp, bout)
        items["dlgrader_batch"] = lambda: dlgrader_batch_once(inp, bout)[0] / BATCH
        details["dlgrader_batch"] = {"per_submission": True, "submissions": BATCH, "scores": scores,
                                     "max_score": max_score, "tests": out["tests"]["dlgrader"],
                                     "command": "dlgrader batch CLASS -o OUT --force -j 1 -a linear_classifiers"}

        # Otter-Grader
        try:
            home = ensure_venv(*PEERS["otter"], log)
            out["peers"]["otter"] = venv_versions(home, ["otter-grader", "numpy", "nbconvert", "ipykernel"])
            ag, sub = otter_setup(home, top, spec_list)
            _, score, possible, n, failed = otter_run_once(home, ag, sub, os.path.join(top, "otter-out"))
            details["otter_run"] = {"score": score, "max_score": possible, "tests": len(spec_list),
                                    "test_files": n, "failed": failed,
                                    "command": "otter run -a autograder.zip -o OUT --no-logo submission.ipynb"}
            items["otter_run"] = lambda: otter_run_once(home, ag, sub, os.path.join(top, "otter-out"))[0]
            details["otter_api"] = {"command": "otter.api.grade_submission(submission.ipynb, autograder.zip, "
                                               "quiet=True) in a loop, one process", "per_submission": True}
        except Exception as e:   # noqa: BLE001
            out["errors"]["otter"] = str(e)
            home = None

        # nbgrader
        try:
            nb_home = ensure_venv(*PEERS["nbgrader"], log)
            out["peers"]["nbgrader"] = venv_versions(nb_home, ["nbgrader", "numpy", "nbconvert", "ipykernel"])
            one = nbgrader_course(nb_home, top, "course1", spec_list, 1)
            many = nbgrader_course(nb_home, top, "course%d" % BATCH, spec_list, BATCH)
            _, scores, max_score, cells, failed = nbgrader_autograde(nb_home, one, 1)
            details["nbgrader_autograde_1"] = {"score": scores[0], "max_score": max_score, "tests": cells,
                                               "failed": failed, "command": "nbgrader autograde ps1 --force "
                                                                            "--create (1 submission)"}
            items["nbgrader_autograde_1"] = lambda: nbgrader_autograde(nb_home, one, 1)[0]
            items["nbgrader_autograde_batch"] = lambda: nbgrader_autograde(nb_home, many, BATCH)[0] / BATCH
            details["nbgrader_autograde_batch"] = {"per_submission": True, "submissions": BATCH,
                                                   "command": "nbgrader autograde ps1 --force --create "
                                                              "(%d submissions)" % BATCH}
        except Exception as e:   # noqa: BLE001
            out["errors"]["nbgrader"] = str(e)

        figs, errors = interleaved(items, runs)
        out["errors"].update(errors)
        if home and "otter" not in out["errors"]:   # the API loop: one process, runs + 1 calls, the first untimed
            try:
                before = load()
                _, done = sh([os.path.join(home, "bin", "python"), "-c", OTTER_API_LOOP, ag, sub, str(runs + 1)],
                             os.path.dirname(sub))
                r = json.loads(done.stdout.strip().splitlines()[-1])
                figs["otter_api"] = figure(r["times"][1:], before, load())
                details["otter_api"].update(score=r["scores"][-1][0], max_score=r["scores"][-1][1],
                                            first_call=r["times"][0])
            except Exception as e:   # noqa: BLE001
                out["errors"]["otter_api"] = str(e)
        for key, fig in figs.items():
            fig.update(details.get(key, {}))
            out["figures"][key] = fig
        if nb_home_present(out) and "nbgrader_autograde_batch" in out["figures"]:
            scores, max_score, _, failed = nbgrader_scores(nb_home, many, BATCH)
            out["figures"]["nbgrader_autograde_batch"].update(scores=scores, max_score=max_score, failed=failed)
        out["ratios"] = ratios(out["figures"])
    except Exception as e:   # noqa: BLE001 -- a bug here must not lose the other sections' figures
        import traceback
        out["errors"]["peers"] = "%s: %s (%s)" % (type(e).__name__, e, traceback.format_exc()[-500:])
    finally:
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(top, keep, symlinks=True)
        shutil.rmtree(top, ignore_errors=True)
    return out


def nb_home_present(out):
    return "nbgrader" in out["peers"] and "nbgrader" not in out["errors"]


PAIRS = (("otter_run", "dlgrader_grade_auto"), ("otter_api", "dlgrader_grade_auto"),
         ("nbgrader_autograde_1", "dlgrader_grade_auto"), ("nbgrader_autograde_batch", "dlgrader_batch"),
         ("otter_run", "dlgrader_grade_l0"), ("nbgrader_autograde_1", "dlgrader_grade_l0"))


def ratios(figures):
    """peer median / dlgrader median for each pair measured in this run (> 1: dlgrader is faster)."""
    return {"%s/%s" % (p, d): round(figures[p]["median"] / figures[d]["median"], 2)
            for p, d in PAIRS if p in figures and d in figures}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--keep", help="copy the set-up (autograder.zip, course dirs) here")
    args = p.parse_args()
    print(json.dumps(run(args.runs, args.quick, args.keep), indent=1))


if __name__ == "__main__":
    main()
