"""The assignments' suites (one module each; `grader.spec.assignments()` finds them)."""
import importlib


def grading_side(assignment):
    """reference/<assignment>/grading.py — what only the grading side may compute: brute-force expectations,
    the classic mistakes simulated, variants accepted besides the reference. None in the student kit, which
    ships none of it (grader/studentkit/README.md, "The kit computes no answer"): a hint that needs it is left
    out there; a check whose expectation needs it imports it directly and runs at grading time."""
    try:
        return importlib.import_module("reference.%s.grading" % assignment)
    except ImportError:
        return None
