"""Verdict equivalence: record every grading a test run makes, then compare two recordings.

A speed-up must leave every verdict as it was. This records, for each `grader.run.grade()` call made while the
selected tests run (the reference, the stubs, every MUTANTS row of every tests/test_*.py, the forms, the
hostile submissions...), each check's status, score, category and output, keyed by the test and the call's
position in it; run it before and after a change and compare:

    python -m pytest -p benchmarks.equivalence tests/test_knn.py ... --equivalence-out before.jsonl
    (change)
    python -m pytest -p benchmarks.equivalence tests/test_knn.py ... --equivalence-out after.jsonl
    python -m benchmarks.equivalence before.jsonl after.jsonl

`--equivalence-secret SECRET` grades every call a second time under a course with that secret (other hidden
inputs), recorded beside the first. Outputs are compared exactly, except for the numbers of speed checks
(times) and the seconds of each check. The comparison exits 1 on any difference and prints each.
"""
import json
import re
import sys

_OUT = None
_SECRET = None
_CALLS = {}


def pytest_addoption(parser):
    parser.addoption("--equivalence-out", default=None, help="where to record every grading (JSON lines)")
    parser.addoption("--equivalence-secret", default=None, help="also grade each call under this course secret")


def pytest_configure(config):
    global _OUT, _SECRET
    path = config.getoption("--equivalence-out")
    if not path:
        return
    _OUT = open(path, "a", encoding="utf-8")
    _SECRET = config.getoption("--equivalence-secret")
    import grader.run
    original = grader.run.grade

    def recording(path, names=(), course=None, *args, **kwargs):
        report = original(path, names, course, *args, **kwargs)
        _record(path, names, course, "", report)
        if _SECRET and not getattr(recording, "inside", False):
            import dataclasses
            from grader.course import Course
            other = dataclasses.replace(course if course is not None else Course(), secret=_SECRET)
            recording.inside = True
            try:
                _record(path, names, other, "secret", original(path, names, other, *args, **kwargs))
            except Exception as exc:   # the second grading must not change the test's own outcome
                _write({"test": _current(), "variant": "secret", "error": repr(exc)})
            finally:
                recording.inside = False
        return report

    grader.run.grade = recording
    for module in list(sys.modules.values()):   # modules that did `from grader.run import grade` already
        if getattr(module, "grade", None) is original and module is not grader.run:
            module.grade = recording


def _current():
    import os
    return os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]


def _write(row):
    _OUT.write(json.dumps(row, sort_keys=True) + "\n")
    _OUT.flush()


def _record(path, names, course, variant, report):
    test = _current()
    key = (test, variant)
    _CALLS[key] = _CALLS.get(key, 0) + 1
    checks = [{"assignment": o.assignment, "check": o.check.name, "kind": o.check.kind, "status": o.status,
               "score": o.score, "max": o.max_score, "category": o.category, "output": normalise(o)}
              for o in report.outcomes]
    _write({"test": test, "variant": variant, "call": _CALLS[key], "names": list(names or ()),
            "score": report.score, "max_score": report.max_score, "checks": checks})


def normalise(outcome):
    """The output as compared: a speed check's times (and the ratio they give) are masked."""
    text = outcome.output
    if outcome.check.kind == "speed" and outcome.status == "passed":
        text = re.sub(r"\d+(\.\d+)?", "#", text)
    elif outcome.check.kind == "speed":
        text = re.sub(r"\d+\.\d+", "#", text)
    return text


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rows[(row["test"], row["variant"], row.get("call", 0))] = row
    return rows


def compare(before, after):
    """Lines describing every difference between two recordings (empty: equivalent)."""
    out = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None or b is None:
            out.append("%s: only %s" % (key, "after" if a is None else "before"))
            continue
        if "error" in a or "error" in b:
            if a.get("error") != b.get("error"):
                out.append("%s: error %r vs %r" % (key, a.get("error"), b.get("error")))
            continue
        if a["score"] != b["score"] or a["max_score"] != b["max_score"]:
            out.append("%s: score %s/%s vs %s/%s" % (key, a["score"], a["max_score"], b["score"], b["max_score"]))
        ca = {(c["assignment"], c["check"]): c for c in a["checks"]}
        cb = {(c["assignment"], c["check"]): c for c in b["checks"]}
        if list(ca) != list(cb):
            out.append("%s: checks differ: %s" % (key, sorted(set(ca) ^ set(cb))))
        for name in ca.keys() & cb.keys():
            for field in ("status", "score", "category", "output"):
                if ca[name][field] != cb[name][field]:
                    out.append("%s %s: %s %r vs %r" % (key, "/".join(name), field, ca[name][field],
                                                      cb[name][field]))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    before, after = load(argv[0]), load(argv[1])
    diffs = compare(before, after)
    gradings = len(before)
    checks = sum(len(r.get("checks", ())) for r in before.values())
    for line in diffs:
        print(line)
    print("%d gradings (%d check verdicts) before, %d after: %s" % (
        gradings, checks, len(after), "identical" if not diffs else "%d difference(s)" % len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
