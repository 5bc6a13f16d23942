"""The student kit (the bundle `dlgrader release` builds), seen from inside: are we running from one, and what
did release record?

`dlgrader release` writes `grader/studentkit/_data/manifest.json` (the course's public settings, the pinned versions,
the assignments and how many hidden checks each has) and `_data/recorded/<assignment>.npz` (the
reference's replies to the public checks), and for written answers the questions (no answers) and the answers'
parsers (the package `_data/answer_parse`). A grader with that folder is in bundle mode: it grades public
checks only, against the recording, with the bundle's public course (never the course secret).
"""
import json
import os
import platform
from functools import lru_cache
from importlib import metadata

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_data")
MANIFEST = os.path.join(HERE, "manifest.json")
PINNED = ("numpy", "torch", "hypothesis")


def active():
    return os.path.exists(MANIFEST)


@lru_cache(maxsize=1)
def manifest():
    with open(MANIFEST, encoding="utf-8") as f:
        return json.load(f)


def root():
    """The kit's top folder (where README.md, assignments/ and notebooks/ are): where this grader lies when
    installed with `pip install -e .` or not installed; the current folder after a plain `pip install .`."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    if not os.path.isdir(os.path.join(here, "assignments")) and os.path.isdir("assignments"):
        return os.path.abspath(".")
    return here


def course():
    from ..course import Course
    from ..sandbox.client import Limits
    data = dict(manifest()["course"])
    limits = Limits(**data.pop("limits", {}))
    return Course(limits=limits, **data)


def answer_parser():
    """The written answers' parsers (reference/analytic/parse.py and forms.py, shipped by release as the package
    `_data/answer_parse`: they say what an answer may be, nothing about what it should be)."""
    import importlib.util
    import sys
    name = "dlgrader_answer_parse"
    if name not in sys.modules:
        folder = os.path.join(HERE, "answer_parse")
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module          # before running it: its relative imports look it up
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    return sys.modules[name]


def questions():
    """The written-answer questions of the kit, without their answers (what release recorded)."""
    return manifest().get("questions", [])


def recorded_runner(name):
    from ..sandbox.recorded import RecordedRunner, load
    path = os.path.join(HERE, "recorded", name + ".npz")
    return RecordedRunner(load(path) if os.path.exists(path) else {})


def hidden_counts():
    """{assignment: (number of hidden checks, their points)}."""
    return {k: tuple(v) for k, v in manifest().get("hidden", {}).items()}


def installed_versions():
    versions = {"python": platform.python_version()}
    for name in PINNED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _minor(version):
    return ".".join(str(version).split("+")[0].split(".")[:2]) if version else None


def version_mismatches(pins, versions=None):
    """[(package, yours, pinned)] where major.minor differ (a missing package counts as different)."""
    versions = versions or installed_versions()
    out = []
    for name, pinned in sorted(pins.items()):
        if pinned is None:
            continue
        yours = versions.get(name)
        if _minor(yours) != _minor(pinned):
            out.append((name, yours, pinned))
    return out
