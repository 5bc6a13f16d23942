"""`dlgrader gradescope`: a Gradescope autograder .zip that installs this grader and grades with it.

    setup.sh          run once by Gradescope (as root) when it builds the image: Python >= 3.11, a venv, torch
                      (the CPU wheel from the PyTorch index, pinned by constraints.txt), then this package
    run_autograder    run for every submission: `dlgrader grade $ROOT/submission --format gradescope -o
                      $ROOT/results/results.json`; ROOT is $AUTOGRADER_ROOT, default /autograder
    dlgrader/         a source copy of this package (grader/, reference/, pyproject.toml, constraints.txt)
    course.toml       the course settings, secret included, when --course or $DLGRADER_COURSE names them
    dlgrader.json     what the bundle grades and which grader version built it

The zip is reproducible: sorted entries, fixed timestamps, so the same sources give the same bytes.
"""
import importlib.util
import json
import os
import shlex
import zipfile

from . import __version__, spec

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SKIP = {"__pycache__", ".pytest_cache", ".git", ".ipynb_checkpoints"}


class BundleError(Exception):
    pass


SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (Ubuntu base image).
# Lines marked "# apt" or "# index" only fetch packages: tests/test_batch_gradescope.py runs this script with
# offline stand-ins for them (the libraries put in the venv), every other line as written.
set -euo pipefail
SOURCE="${AUTOGRADER_ROOT:-/autograder}/source"
VENV="${AUTOGRADER_ROOT:-/autograder}/venv"
export DEBIAN_FRONTEND=noninteractive
# The grader needs Python >= 3.11 (tomllib). Ubuntu 24.04 has 3.12; on 22.04 (3.10) take python3.11 from apt.
PY=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
done
apt-get update -qq  # apt
if [ -z "$PY" ]; then
  apt-get install -y -qq python3.11 python3.11-venv  # apt
  PY=python3.11
else
  apt-get install -y -qq "${PY}-venv" || true  # apt
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip  # index
# torch: the CPU-only wheel from the PyTorch index, at the version constraints.txt pins (PyPI's default
# wheel would pull several GB of CUDA libraries that Gradescope's CPU machines cannot use).
"$VENV/bin/pip" install -q --index-url https://download.pytorch.org/whl/cpu -c "$SOURCE/dlgrader/constraints.txt" torch  # index
# A normal (not editable) install: grader/, reference/ and their libraries all in the venv's site-packages.
"$VENV/bin/pip" install -q -c "$SOURCE/dlgrader/constraints.txt" "$SOURCE/dlgrader"
"$VENV/bin/python" -m grader.cli list > /dev/null     # fail the image build now, not at the first submission
# Isolation beyond L0: bubblewrap for L2 where the image allows it, sandbox users for L1 (root builds the
# image); the build log then says which layers the submissions will get.
apt-get install -y -qq bubblewrap || true  # apt
"$VENV/bin/python" -m grader.cli doctor --setup --slots 2 || true
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission. Student code runs only in dlgrader's sandboxed workers.
# AUTOGRADER_ROOT (default /autograder) and DLGRADER_PYTHON let it run outside Gradescope, e.g. in a test.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${DLGRADER_PYTHON:-$ROOT/venv/bin/python}"
mkdir -p "$ROOT/results"
ARGS=()
if [ -f "$ROOT/source/course.toml" ]; then ARGS=(--course "$ROOT/source/course.toml"); fi
# The student's id (their variant of the written answers): the first user's email in Gradescope's metadata.
if [ -f "$ROOT/submission_metadata.json" ]; then
  ARGS+=(--gradescope-metadata "$ROOT/submission_metadata.json")
fi
cd "$ROOT"
rm -f "$ROOT/results/results.json"
"$PYTHON" -m grader.cli grade "$ROOT/submission" __ASSIGNMENTS__ ${ARGS[@]+"${ARGS[@]}"} \
     --format gradescope -o "$ROOT/results/results.json"
status=$?
# 2 with a results.json: nothing gradable was handed in; the zero result says why, and the student sees it.
if [ "$status" = 2 ] && [ -s "$ROOT/results/results.json" ]; then exit 0; fi
exit "$status"
"""


def project_root():
    """The folder holding grader/ (a checkout, or site-packages for an installed dlgrader)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def reference_root():
    here = os.path.join(project_root(), "reference")
    if os.path.isdir(here):
        return here
    found = importlib.util.find_spec("reference")
    if found and found.submodule_search_locations:
        return list(found.submodule_search_locations)[0]
    raise BundleError("the reference solutions (package `reference`) cannot be found")


def pyproject_text():
    path = os.path.join(project_root(), "pyproject.toml")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return f.read()
    from importlib import metadata
    deps = [r for r in (metadata.requires("dlgrader") or []) if "extra ==" not in r]
    return ("[build-system]\nrequires = [\"setuptools>=68\", \"wheel\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
            "[project]\nname = \"dlgrader\"\nversion = %s\nrequires-python = \">=3.11\"\ndependencies = %s\n\n"
            "[project.scripts]\ndlgrader = \"grader.cli:main\"\n\n[tool.setuptools.packages.find]\n"
            "include = [\"grader*\", \"reference*\"]\n" % (json.dumps(__version__), json.dumps(deps)))


def sources():
    """(name in the bundle, bytes) of the package's source copy."""
    root = project_root()
    files = [("dlgrader/pyproject.toml", pyproject_text().encode("utf-8"))]
    for extra in ("README.md", "constraints.txt"):
        path = os.path.join(root, extra)
        if os.path.isfile(path):
            files.append(("dlgrader/" + extra, open(path, "rb").read()))
    if not any(name.endswith("constraints.txt") for name, _ in files):
        files.append(("dlgrader/constraints.txt", b"torch==2.13.0\n"))
    if not any(name.endswith("README.md") for name, _ in files):
        files.append(("dlgrader/README.md", b"# dlgrader\n"))
    for package, folder in (("grader", os.path.join(root, "grader")), ("reference", reference_root())):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
            for name in sorted(filenames):
                if name.endswith((".pyc", ".pyo")) or name.startswith(".tmp-"):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                with open(full, "rb") as f:
                    files.append(("dlgrader/%s/%s" % (package, rel), f.read()))
    return files


def build_gradescope(out_zip, names=(), course_path=None, allow_default_secret=None):
    every = [a.name for a in spec.assignments()]
    unknown = sorted(set(names) - set(every))
    if unknown:
        raise BundleError("unknown assignment(s): %s (see `dlgrader list`)" % ", ".join(unknown))
    names = [n for n in every if n in names] if names else every
    course_path = course_path or os.environ.get("DLGRADER_COURSE")
    from .course import DEFAULT_SECRET, Course, DefaultSecretError, refuse_default_secret
    try:
        course = Course.load(course_path) if course_path else Course()
    except (OSError, ValueError) as exc:
        raise BundleError("bad course settings: %s" % exc)
    try:
        refuse_default_secret(course, allow_default_secret)
    except DefaultSecretError as exc:
        raise BundleError(str(exc))
    default = course.secret == DEFAULT_SECRET     # allowed: run_autograder says so too
    grade_args = ["-a %s" % shlex.quote(n) for n in names] + (["--allow-default-secret"] if default else [])
    files = [("setup.sh", SETUP_SH.encode()),
             ("run_autograder", RUN_AUTOGRADER.replace("__ASSIGNMENTS__", " ".join(grade_args)).encode()),
             ("dlgrader.json", (json.dumps({"grader": __version__, "assignments": names,
                                            "course": bool(course_path), "default_secret": default},
                                           indent=2) + "\n").encode())]
    if course_path:
        with open(course_path, "rb") as f:
            files.append(("course.toml", f.read()))
    files += sources()
    from .util import atomic_write_bytes
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    atomic_write_bytes(out_zip, buf.getvalue())
    return names
