"""Grade only some checks of an assignment (and the checks they require): mutant tests of slow suites.

DLGRADER_TEST_SLOT picks the sandbox slot (default 0), for test runs beside other gradings on one machine.
"""
import dataclasses
import os
import shutil
import tempfile

from grader import spec
from grader.course import Course
from grader.isolation import probe
from grader.run import grade_assignment
from grader.submission import prepare


def with_requirements(assignment, names):
    """The named checks and, transitively, every check they require, in the suite's order."""
    wanted, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo += list(assignment.check(name).requires)
    return [c for c in assignment.checks if c.name in wanted]


def graded(path, name, checks, course=None):
    """{check name: Outcome} for `checks` of assignment `name` on the submission at `path`."""
    assignment = spec.get(name)
    subset = dataclasses.replace(assignment, checks=with_requirements(assignment, checks))
    top = tempfile.mkdtemp(prefix="dlgrader-test-")
    os.chmod(top, 0o755)
    try:
        submission = prepare(path, os.path.join(top, "submission"))
        found = grade_assignment(subset, submission, course or Course(), top, False, probe("auto"), [],
                                 slot=int(os.environ.get("DLGRADER_TEST_SLOT", "0")))
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return {o.check.name: o for o in found}
