"""`dlgrader release`, built from a fresh copy of the repository (only what git tracks or would track): the
student kit holds no reference code and no secret, its notebooks validate, and inside it `pytest` and
`dlgrader check` run the public checks offline — the reference made unimportable."""
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from grader import spec
from grader.studentkit.scan import Fingerprints, scan
from helpers import REFERENCE, STUBS, standalone_reference
from installing import fresh_copy
from kitcode import kit_grader_is_this_grader, screen

SECRET = "course-secret-7c1e94d2-do-not-ship"
NAMES = [a.name for a in spec.assignments()]
CODE = [a.name for a in spec.assignments() if a.symbols]           # the assignments with Python to write
VISIBLE = {a.name: [c.name for c in a.checks if c.visibility == spec.VISIBLE] for a in spec.assignments()}


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return fresh_copy(str(tmp_path_factory.mktemp("clone") / "dlgrader"))


@pytest.fixture(scope="module")
def released(clone, tmp_path_factory):
    course = tmp_path_factory.mktemp("course") / "course.toml"
    course.write_text('secret = "%s"\nreg_scale = 1.0\n' % SECRET)
    out = str(tmp_path_factory.mktemp("kit") / "kit")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "release", out, "--course", str(course)], cwd=clone,
                          env=dict(os.environ, PYTHONPATH=clone), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "wrote the student kit" in proc.stdout
    return out, proc.stderr


@pytest.fixture(scope="module")
def kit(released):
    return released[0]


@pytest.fixture(scope="module")
def reference_fails(released):
    """Visible checks the reference itself fails with the kit's inputs (release warns about each)."""
    return set(re.findall(r"the visible check ([\w.]+):", released[1]))


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """An environment where `import reference` fails (the editable install of the repository would find it)."""
    blocker = tmp_path_factory.mktemp("blocker")
    (blocker / "reference").mkdir()
    (blocker / "reference" / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'reference\'", name="reference")\n')
    return dict(os.environ, PYTHONPATH=str(blocker), DLGRADER_COURSE="")


def run(args, cwd, env, timeout=600):
    return subprocess.run([sys.executable] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_layout(kit):
    for path in ("README.md", "pyproject.toml", "constraints.txt", "conftest.py", "test_public_checks.py",
                 "grader/cli.py",
                 "grader/studentkit/_data/manifest.json"):
        assert os.path.isfile(os.path.join(kit, path)), path
    for name in NAMES:
        assert os.path.isfile(os.path.join(kit, "assignments", name, "README.md"))
        assert os.path.isfile(os.path.join(kit, "notebooks", name + ".ipynb")) == (name in CODE)
        assert os.path.isfile(os.path.join(kit, "grader", "studentkit", "_data", "recorded", name + ".npz"))
    assert not os.path.exists(os.path.join(kit, "reference")) and not os.path.exists(os.path.join(kit, "tests"))
    manifest = json.load(open(os.path.join(kit, "grader", "studentkit", "_data", "manifest.json")))
    assert manifest["assignments"] == NAMES and {"python", "numpy"} <= set(manifest["pins"])
    assert all(manifest["hidden"][n][0] > 0 for n in NAMES)
    readme = open(os.path.join(kit, "README.md")).read()
    assert "dlgrader check" in readme and "pytest" in readme and 'dir="rtl"' in readme


def test_no_reference_code_and_no_secret(kit, clone):
    from grader.studentkit.release import PUBLIC_PARSERS
    fingerprints = Fingerprints(os.path.join(clone, "reference"), os.path.join(clone, "assignments"))
    assert fingerprints.bodies and fingerprints.files
    found = scan(kit, fingerprints, secrets=[SECRET])         # the answers' parsers are shipped on purpose
    for name in PUBLIC_PARSERS:
        assert ("grader/studentkit/_data/answer_parse/%s" % name,
                "is a copy of reference/analytic/%s" % name) in found, found
    assert all(any("reference/analytic/%s" % n in what for n in PUBLIC_PARSERS) for _, what in found), found
    public = Fingerprints(os.path.join(clone, "reference"), os.path.join(clone, "assignments"),
                          public=[os.path.join("analytic", n) for n in PUBLIC_PARSERS])
    assert scan(kit, public, secrets=[SECRET]) == []
    assert "answer" not in json.dumps(json.load(open(os.path.join(kit, "grader/studentkit/_data/manifest.json")))
                                      .get("questions", [])).replace("answers", "")       # questions, no answers
    for dirpath, _, filenames in os.walk(kit):
        for name in filenames:
            assert not os.path.relpath(os.path.join(dirpath, name), kit).startswith("reference")
    for name in NAMES:     # the recordings are compressed: look inside them too
        with np.load(os.path.join(kit, "grader/studentkit/_data/recorded/%s.npz" % name), allow_pickle=False) as d:
            assert SECRET not in bytes(d["index"]).decode()
    manifest = open(os.path.join(kit, "grader", "studentkit", "_data", "manifest.json")).read()
    assert SECRET not in manifest and '"secret": "public-' in manifest


def test_the_scan_finds_a_planted_leak(kit, clone, tmp_path):
    """The check above can fail: reference code pasted anywhere in the kit is found."""
    planted = tmp_path / "kit"
    shutil.copytree(kit, planted)
    name = NAMES[0]
    source = open(next(os.path.join(clone, "reference", name, f) for f in sorted(os.listdir(
        os.path.join(clone, "reference", name))) if f.endswith(".py") and f != "__init__.py")).read()
    body = source.split("\ndef ", 1)[1] if "\ndef " in source else source.split("\nclass ", 1)[1]
    (planted / "grader" / "suites" / "helpers_leak.py").write_text("import numpy as np\n\ndef " + body
                                                                    if "\ndef " in source else "class " + body)
    (planted / "course.toml").write_text('secret = "%s"\n' % SECRET)
    problems = scan(str(planted), Fingerprints(os.path.join(clone, "reference"), os.path.join(clone, "assignments")),
                    secrets=[SECRET])
    assert any("helpers_leak.py" in p[0] for p in problems) and any("secret" in p[1] for p in problems)


def test_notebooks_validate(kit):
    for name in CODE:
        nb = nbformat.read(os.path.join(kit, "notebooks", name + ".ipynb"), as_version=4)
        nbformat.validate(nb)
        assert any("graded" in c.metadata.get("tags", []) for c in nb.cells)


def summary(out):
    counts = dict((k, int(v)) for v, k in re.findall(r"(\d+) (passed|failed|skipped|error)", out.splitlines()[-1]))
    return counts


def test_pytest_in_the_kit_runs_every_public_check_and_the_stubs_fail(kit, offline):
    """One test per public check of every assignment with code (written answers need the course's key: their
    checks run at grading time only, and `dlgrader check` says so)."""
    proc = run(["-m", "pytest", "-q", "--isolation", "l0"], kit, offline)
    counts = summary(proc.stdout)
    collected = run(["-m", "pytest", "-q", "--collect-only"], kit, offline).stdout
    for name in CODE:
        assert all("[%s-%s]" % (name, check) in collected for check in VISIBLE[name]), name
    assert counts.get("failed", 0) + counts.get("skipped", 0) == collected.count("test_public_check["), \
        proc.stdout[-3000:]
    assert counts.get("passed", 0) == 0 and counts.get("error", 0) == 0, proc.stdout[-3000:]
    assert "not implemented" in proc.stdout and "hidden check(s)" in proc.stdout


def test_the_reference_passes_the_public_checks_offline(kit, clone, offline, tmp_path, reference_fails):
    """Everything passes but the checks release warned about (the reference fails them itself, in-process)."""
    solved = tmp_path / "kit"
    shutil.copytree(kit, solved)
    for name in NAMES:   # as a student's folder: layers imported from other assignments pasted in
        standalone_reference(solved / "assignments" / name, name)
    light = [a.name for a in spec.assignments() if not a.needs_torch]     # torch workers take seconds each
    proc = run(["-m", "pytest", "-q", "-rs", "--isolation", "l0", "-k", " or ".join(light)], str(solved), offline)
    counts = summary(proc.stdout)
    failed = set(re.findall(r"FAILED test_public_checks.py::test_public_check\[\w+-([\w.]+)\]", proc.stdout))
    assert failed <= reference_fails and counts.get("error", 0) == 0, proc.stdout[-3000:]
    assert counts["passed"] >= 0.8 * sum(len(VISIBLE[n]) for n in light if n in CODE), proc.stdout[-3000:]
    proc = run(["-m", "grader", "check", NAMES[0], "--isolation", "l0"], str(solved), offline)
    assert proc.returncode == 0 and "PASS" in proc.stdout and "FAIL" not in proc.stdout, proc.stdout + proc.stderr
    assert "hidden check(s)" in proc.stdout and "warning" not in proc.stdout


@pytest.mark.parametrize("name", [n for n in NAMES if n not in CODE])
def test_written_answers_are_read_in_the_kit_and_graded_later(kit, clone, offline, name, tmp_path):
    assert os.listdir(os.path.join(kit, "assignments", name))
    proc = run(["-m", "grader", "check", name, "--isolation", "l0"], kit, offline)   # the sheet as handed out
    assert proc.returncode == 1 and "run at grading time" in proc.stdout, proc.stdout + proc.stderr
    assert "still TODO" in proc.stdout and "graded later" in proc.stdout, proc.stdout
    answers = tmp_path / "answers.toml"
    shutil.copyfile(os.path.join(clone, "reference", name, "answers.toml"), answers)
    proc = run(["-m", "grader", "check", name, "--path", str(answers), "--isolation", "l0"], kit, offline)
    assert proc.returncode == 0 and "0 still TODO, 0 with a problem" in proc.stdout, proc.stdout + proc.stderr
    answers.write_text(answers.read_text().replace("conv-params = 760", 'conv-params = "2F - 1"')
                       .replace("conv-output-size = 3", "conv-output-size = 3.5"))
    proc = run(["-m", "grader", "check", name, "--path", str(answers), "--isolation", "l0"], kit, offline)
    assert proc.returncode == 1 and "2*F, not 2F" in proc.stdout and "whole number" in proc.stdout, proc.stdout


def test_check_in_the_kit_prints_a_table_and_warns_about_versions(kit, offline, tmp_path):
    copy = tmp_path / "kit"
    shutil.copytree(kit, copy)
    manifest = copy / "grader" / "studentkit" / "_data" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["pins"]["numpy"] = "1.13.0"
    manifest.write_text(json.dumps(data))
    proc = run(["-m", "grader", "check", NAMES[0], "--isolation", "l0", "--lang", "fa"], str(copy), offline)
    assert proc.returncode == 1, proc.stderr                    # the stubs fail their public checks
    assert "هشدار" in proc.stdout and "numpy" in proc.stdout and "1.13.0" in proc.stdout
    assert "┃" in proc.stdout and "رد" in proc.stdout and "هنوز پیاده‌سازی نشده است" in proc.stdout


def test_a_kit_for_some_assignments_grades_only_those(tmp_path, offline):
    from grader.studentkit.release import release
    done = release(str(tmp_path / "kit"), [NAMES[0]])
    assert done.names == [NAMES[0]] and done.warnings       # the default secret is worth a warning
    proc = run(["-m", "grader", "list"], str(tmp_path / "kit"), offline)
    assert proc.returncode == 0 and NAMES[0] in proc.stdout
    assert not [n for n in NAMES[1:] if "\n%s —" % n in "\n" + proc.stdout]


def test_the_notebook_check_cell_works_in_the_kit(kit, clone, offline, tmp_path):
    from grader.studentkit.notebooks import paste
    copy = tmp_path / "kit"
    shutil.copytree(kit, copy)
    name = NAMES[0]
    path = copy / "notebooks" / (name + ".ipynb")
    nbformat.write(paste(nbformat.read(str(path), as_version=4), os.path.join(clone, "reference", name)), str(path))
    cell = [c for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    script = "\n".join([cell[0].source, cell[-1].source])          # the setup cell and the check cell
    proc = run(["-c", script.replace('lang="en")', 'lang="en", isolation="l0")')], str(copy / "notebooks"), offline)
    assert proc.returncode == 0, proc.stderr
    assert "PASS" in proc.stdout and "FAIL" not in proc.stdout, proc.stdout


def test_no_function_of_the_kit_stands_in_for_a_graded_one(kit, tmp_path):
    """Every function and class of the kit (its grader's suites and check kinds, every assignment file, PROVIDED
    helpers included) and what its factories make (`adam = adam_like()`), bound to every graded name whose
    signature it fits, replays the plans of the visible checks: none gives the reference's answer where a
    trivial function does not, so a submission assembled from the kit earns nothing on the functions it stands
    in for (tests/kitcode.py). Assignments added later are covered: everything comes from grader.spec."""
    assert kit_grader_is_this_grader(kit) == []
    found, unasked = screen(kit, str(tmp_path))
    assert found == []
    graded = sum(len(a.symbols) for a in spec.assignments())
    assert len(unasked) <= graded // 10, unasked     # random draws judged by statistics, hidden-only symbols
    provided = os.path.join(kit, "assignments", "densenet", "conv.py")
    assert "NotImplementedError" in open(provided).read()    # conv_pool is in this kit: the student's own conv


def test_the_kit_check_finds_planted_answers(kit, tmp_path):
    """The check can fail: the classic-mistake simulators of the optimizers (right with default arguments) and
    the PROVIDED conv put back into a copy of the kit are found standing in for graded functions."""
    copy = tmp_path / "kit"
    shutil.copytree(os.path.join(kit, "assignments"), copy / "assignments")
    shutil.copy(os.path.join(REFERENCE, "optimizers", "grading.py"), copy / "assignments" / "optimizers" / "tricks.py")
    shutil.copy(os.path.join(STUBS, "densenet", "conv.py"), copy / "assignments" / "densenet" / "conv.py")
    found = {tuple(f[:2]) for f in screen(str(copy), str(tmp_path / "work"), names=("conv_pool", "optimizers"))[0]}
    assert {("optimizers", "adam"), ("optimizers", "sgd_momentum"), ("conv_pool", "conv_forward_fast"),
            ("conv_pool", "conv_backward_fast")} <= found, found
