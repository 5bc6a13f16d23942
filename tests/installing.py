"""Installing dlgrader the way users do, offline and quickly: a wheel built from a fresh copy of the repository,
fresh virtual environments (no system site-packages) where pip puts the grader in the same site-packages as
numpy and torch — the layout of a normal install, a Gradescope venv or a CI runner.

No network: the libraries are not downloaded but linked in from this interpreter's site-packages (a folder of
symlinks per distribution, as pip would have unpacked them there); pip runs with --no-index and no
configuration file, so the machine's pip settings play no part."""
import os
import shutil
import subprocess
import sys

from grader.sandbox.client import own_entry
from helpers import ROOT

PIP_ENV = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PYTHONNOUSERSITE": "1"}
NOT_LINKED = ("pip", "_distutils_hack")        # every venv has its own pip


def fresh_copy(dest):
    """The files a fresh clone would have (tracked, plus new files git does not ignore)."""
    for rel in tracked():
        if os.path.isfile(os.path.join(ROOT, rel)):
            os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, rel), os.path.join(dest, rel))
    return dest


def tracked():
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    return [rel for rel in listed if rel]


def base_python():
    """This interpreter outside any virtual environment (the one a venv is made from)."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def builder():
    """An interpreter whose setuptools builds wheels (setuptools >= 70.1, or the `wheel` package): this one, or
    the base interpreter when this venv carries an older setuptools of its own."""
    probe = "import importlib.util as u, sys; sys.exit(not (u.find_spec('setuptools.command.bdist_wheel') " \
            "or u.find_spec('wheel')))"
    for python in (sys.executable, base_python()):
        if subprocess.run([python, "-c", probe]).returncode == 0:
            return python
    raise RuntimeError("no interpreter here can build a wheel (install setuptools >= 70.1)")


def pip(args, python=None, **kw):
    """pip, offline, installing into the environment of `python` (pip's --python) when given."""
    target = ["--python", python] if python else []
    return run([builder(), "-m", "pip", *target, *args], **kw)


def run(cmd, cwd=None, env=None, timeout=300):
    proc = subprocess.run(cmd, cwd=cwd, env={**os.environ, **PIP_ENV, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, "%s\n%s%s" % (" ".join(map(str, cmd)), proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def build_wheel(out):
    """dlgrader's wheel, built (without build isolation: offline) from a fresh copy of the repository."""
    src = fresh_copy(os.path.join(out, "src"))
    run([builder(), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, src])
    (wheel,) = [f for f in os.listdir(out) if f.endswith(".whl")]
    return os.path.join(out, wheel)


def library_dir():
    """Where this interpreter's numpy lives (with torch, hypothesis and the rest of dlgrader's dependencies)."""
    import numpy
    return os.path.dirname(os.path.dirname(os.path.abspath(numpy.__file__)))


def link_libraries(site_packages):
    """Put every distribution of `library_dir()` into `site_packages` (the stand-in for pip downloading them),
    except dlgrader's own entries, editable-install hooks, .pth files and pip."""
    for entry in sorted(os.listdir(library_dir())):
        if own_entry(entry) or entry.endswith(".pth") or entry.split("-")[0] in NOT_LINKED or entry == "__pycache__":
            continue
        target = os.path.join(site_packages, entry)
        if os.path.lexists(target):          # a venv's own setuptools: ours can build wheels
            shutil.rmtree(target) if os.path.isdir(target) and not os.path.islink(target) else os.remove(target)
        os.symlink(os.path.join(library_dir(), entry), target)


def site_packages(prefix):
    return os.path.join(prefix, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")


def new_venv(prefix):
    """A fresh venv without system site-packages and without pip, its libraries linked in; its python."""
    run([base_python(), "-m", "venv", "--without-pip", prefix])
    link_libraries(site_packages(prefix))
    return os.path.join(prefix, "bin", "python")


def copy_distributions(names, site_packages):
    """Copy the installed distributions `names` and everything they require (no extras) into `site_packages`:
    for an interpreter that cannot read this one's site-packages (another user's, under /root)."""
    from importlib import metadata
    from packaging.requirements import Requirement
    seen, todo = set(), list(names)
    while todo:
        dist = metadata.distribution(todo.pop())
        if dist.metadata["Name"].lower() in seen:
            continue
        seen.add(dist.metadata["Name"].lower())
        for path in dist.files or ():
            source, target = str(dist.locate_file(path)), os.path.join(site_packages, str(path))
            if os.path.isfile(source) and not str(path).startswith(".."):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
        todo += [r.name for r in map(Requirement, dist.requires or ())
                 if r.marker is None or r.marker.evaluate({"extra": ""})]
    return sorted(seen)
