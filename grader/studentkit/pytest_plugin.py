"""The pytest plugin of the student kit: every public check of every assignment is a test.

Grading runs once per assignment (one sandbox), the first time one of its checks is asked for; each test
then reports its own check: passed, failed (the feedback as the failure message), or skipped (a check that
needs the course's reference runs at grading time).
"""
import os

import pytest

from . import active, hidden_counts, manifest, root, version_mismatches


def pytest_addoption(parser):
    group = parser.getgroup("dlgrader")
    group.addoption("--work", default=None, help="your work: a folder, .py, .zip or .ipynb "
                                                 "(default: assignments/<name>/ of this kit)")
    group.addoption("--lang", default="en", choices=("en", "fa"), help="language of the feedback")
    group.addoption("--isolation", default="auto", choices=("auto", "l0", "l1", "l2"),
                    help="isolation of your code while it is checked (auto: the strongest that works here)")


def public_checks():
    """[(assignment, check name)] of the visible checks, in course order."""
    from .. import spec
    names = manifest()["assignments"] if active() else [a.name for a in spec.assignments()]
    return [(a.name, c.name) for a in spec.assignments() if a.name in names
            for c in a.checks if c.visibility == spec.VISIBLE]


@pytest.fixture(scope="session")
def _dlgrader_outcomes(request):
    from ..isolation import probe
    from ..run import grade
    work, cache = request.config.getoption("--work"), {}
    isolation = probe(request.config.getoption("--isolation"))
    request.config._dlgrader_graded = cache

    def outcomes(assignment):
        if assignment not in cache:
            path = work or os.path.join(root() if active() else ".", "assignments", assignment)
            report = grade(path, [assignment], visible_only=True, isolation=isolation)
            cache[assignment] = ({o.check.name: o for o in report.outcomes}, report)
        return cache[assignment]
    return outcomes


@pytest.fixture
def dlgrader_check(_dlgrader_outcomes, request):
    from ..i18n import Catalog
    catalog = Catalog(request.config.getoption("--lang"))

    def run(assignment, check):
        outcomes, report = _dlgrader_outcomes(assignment)
        o = outcomes.get(check)
        if o is None:
            pytest.fail("\n".join(catalog.note(n) for n in report.notes) or catalog.phrase("no_checks"), pytrace=False)
        if o.status == "skipped":
            pytest.skip(catalog.first_line(o))
        if o.status != "passed":
            pytest.fail(catalog.feedback(o), pytrace=False)
    return run


def pytest_terminal_summary(terminalreporter, config):
    if not active():
        return
    from ..i18n import Catalog
    catalog = Catalog(config.getoption("--lang"))
    graded = getattr(config, "_dlgrader_graded", {})
    counts = {k: v for k, v in hidden_counts().items() if k in graded}
    if not counts:
        return
    n = sum(c for c, _ in counts.values())
    points = sum(p for _, p in counts.values())
    terminalreporter.write_line(catalog.phrase("hidden_later", n=n, points="%g" % points))
    for package, yours, pinned in version_mismatches(manifest().get("pins", {})):
        terminalreporter.write_line(catalog.phrase("version_warning", package=package, yours=yours or "-",
                                                   pinned=pinned))
