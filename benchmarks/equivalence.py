"""Verdict equivalence: record every grading a test run makes, then compare two recordings.

A speed-up must leave every verdict as it was. This records, for each `grader.run.grade()` call made while the
selected tests run in one process (`-n 0`: the suite otherwise runs in several; the reference, the stubs, every MUTANTS row of every tests/test_*.py, the forms, the
hostile submissions...), each check's status, score, category and output, keyed by the test and the call's
position in it; run it before and after a change and compare:

    python -m pytest -n 0 -p benchmarks.equivalence tests/test_knn.py ... --equivalence-out before.jsonl
    (change)
    python -m pytest -n 0 -p benchmarks.equivalence tests/test_knn.py ... --equivalence-out after.jsonl
    python -m benchmarks.equivalence before.jsonl after.jsonl [before-again.jsonl ...]

`--equivalence-secret SECRET` grades every call a second time under a course with that secret (other hidden
inputs), recorded beside the first. Outputs are compared exactly, except for the numbers of speed checks
(times) and the seconds of each check. The comparison exits 1 on any difference and prints each. Some gradings
vary by themselves (a mutant that draws unseeded random numbers, a speed check on a loaded machine): record
those tests again before the change, and pass the recordings after the two: a grading after the change that
equals one of the runs before it is then reported apart, not as a difference.
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


def unstable(runs):
    """The gradings whose recordings differ between runs of the same code (random student code, timing)."""
    keys = set().union(*runs)
    return {k for k in keys if any(k in r for r in runs[1:]) and
            any(k in r and compare({k: runs[0][k]}, {k: r[k]}) for r in runs[1:] if k in runs[0])}


def verdicts(row):
    """What a grading decided, without its messages: the score, and each check's status, score and category."""
    if "error" in row:
        return ("error", row["error"])
    return (row["score"], row["max_score"], tuple((c["assignment"], c["check"], c["status"], c["score"], c["category"])
                                                  for c in row["checks"]))


def main(argv=None):
    """before.jsonl after.jsonl [before-again.jsonl ...]: the recordings after a change against those before it.
    Further recordings of the code before the change (the same tests run again) name the gradings that vary by
    themselves (their messages quote random numbers or times); a difference there is reported apart and does
    not count as long as the verdicts after the change (score, each check's status, score and category) are
    those of one of the runs before it."""
    argv = sys.argv[1:] if argv is None else argv
    before, after = load(argv[0]), load(argv[1])
    again = [load(p) for p in argv[2:]]
    noisy = unstable([before] + again) if again else set()
    diffs, varying = [], []
    for key in sorted(set(before) | set(after)):
        lines = compare({key: before[key]} if key in before else {}, {key: after[key]} if key in after else {})
        if not lines:
            continue
        seen = [verdicts(r[key]) for r in [before] + again if key in r]
        if key in noisy and key in after and verdicts(after[key]) in seen:
            varying.append(key)
        else:
            diffs += lines
    gradings = len(before)
    checks = sum(len(r.get("checks", ())) for r in before.values())
    for line in diffs:
        print(line)
    if varying:
        print("%d grading(s) differ only where the code before the change differs from itself between runs, with the "
              "verdicts of one of those runs: %s" % (len(varying), ", ".join(sorted({k[0] for k in varying}))))
    print("%d gradings (%d check verdicts) before, %d after: %s" % (
        gradings, checks, len(after), ("identical" if not varying else "the same verdicts") if not diffs
        else "%d difference(s)" % len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
