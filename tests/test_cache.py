"""The cases cache (grader/cache.py) and the replay of drawn cases (grader/checks/cases.py): what they serve is
what would have been computed, and they are kept only where the sandbox cannot read them."""
import os
import stat

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from grader import cache
from grader.checks.cases import _hypothesis, falsify
from grader.checks.validate import Fail
from grader.course import Course
from grader.isolation import Isolation
from grader.sandbox.plan import LocalRunner, Plan, Ref
from helpers import forever, hog

PARAMS = st.fixed_dictionaries({"N": st.integers(1, 40), "D": st.integers(1, 30), "seed": st.integers(0, 2 ** 16)})


def outcome(run):
    """('passed', examples) or ('failed', the Fail's message and params, abort), and every params body saw."""
    seen = []

    def body(params):
        seen.append(dict(params))
        run["body"](params)
    try:
        return ("passed", run["call"](body)), seen
    except Fail as fail:
        return ("failed", fail.message, fail.params, fail.abort), seen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.nested_given])
@given(threshold=st.integers(0, 45), abort=st.booleans(), shrink=st.booleans(), seed=st.integers(0, 2 ** 32 - 1),
       examples=st.integers(1, 12))
def test_replayed_cases_give_what_hypothesis_gives(threshold, abort, shrink, seed, examples):
    """Whatever fails where (a threshold on N), the replay reports the same Fail, on the same (shrunk) params, and
    the student is asked about the same examples, each once, as when hypothesis drives every call."""
    def body(params):
        if params["N"] + params["D"] > threshold:
            raise Fail("N + D = %d" % (params["N"] + params["D"]), "too big", abort=abort)
    book = cache.Book("test")
    draws = lambda make: book.drawn(["t", seed, examples, shrink], make)   # noqa: E731
    replayed, seen_replayed = outcome({"body": body, "call": lambda b: falsify(PARAMS, b, seed, examples, shrink,
                                                                               draws=draws)})
    driven, seen_driven = outcome({"body": body, "call": lambda b: _hypothesis(PARAMS, b, seed, examples, shrink)})
    assert replayed == driven
    if replayed[0] == "passed" or abort:
        assert seen_replayed == seen_driven
    else:   # the failing example is asked once more: the replay found it, then hypothesis shrinks from it
        first_fail = next(i for i, p in enumerate(seen_driven) if p["N"] + p["D"] > threshold)
        assert seen_replayed == seen_driven[:first_fail + 1] + seen_driven[first_fail:]
    again, _ = outcome({"body": body, "call": lambda b: falsify(PARAMS, b, seed, examples, shrink, draws=draws)})
    assert again == driven and book.hits >= 1          # the second time the cases come from the book


def reference_runner(book):
    table = {"double": lambda x: 2 * x, "rows": lambda x: x.sum(axis=1), "pair": lambda x: (x, -x)}
    return LocalRunner(table.__getitem__, book=book)


def test_reference_answers_come_from_the_book_and_values_a_later_plan_uses_are_made_when_needed():
    book = cache.Book("test")
    x = np.arange(6.0).reshape(2, 3)
    fresh, cached = reference_runner(None), reference_runner(book)
    for runner in (fresh, cached, cached):   # the second `cached` run is answered from the book
        p = Plan(symbols={"double": "m", "rows": "m", "pair": "m"})
        p.returns(p.call("rows", p.call("double", x, name="kept")))
        assert np.array_equal(runner.run(p).values[0], [6.0, 24.0])
        later = Plan(symbols={"rows": "m"})        # uses a value the previous plan stored
        later.returns(later.call("rows", Ref("kept")))
        assert np.array_equal(runner.run(later).values[0], [6.0, 24.0])
    assert book.hits == 1
    answer = cached.run(p).values[0]
    answer[:] = 0                                  # a caller writing into an answer cannot change the book
    assert np.array_equal(cached.run(p).values[0], [6.0, 24.0])


def test_a_plan_that_uses_an_earlier_plans_value_is_not_kept():
    book = cache.Book("test")
    runner = reference_runner(book)
    first = Plan(symbols={"double": "m"})
    first.returns(first.call("double", np.ones(2), name="a"))
    runner.run(first)
    later = Plan(symbols={"rows": "m"})
    later.returns(later.call("rows", Ref("a")[None]))
    kept = len(book.values)
    assert runner._key(later.encode([]), later.returns_wire(), []) is None
    runner.run(later)
    assert len(book.values) == kept


def test_oracle_calls_are_kept_with_their_arguments_and_results_that_cannot_be_kept_are_not():
    calls = []

    class Oracle:
        __name__ = "oracle"

        @staticmethod
        def forward(x, param):
            calls.append(1)
            return x * param["scale"], {"n": x.size}

        @staticmethod
        def handle(x):
            calls.append(1)
            return object()
    book = cache.Book("test")
    with cache.current(book):
        o = cache.memoized(Oracle)
        a = o.forward(np.ones(3), {"scale": 2.0})
        b = o.forward(np.ones(3), {"scale": 2.0})
        c = o.forward(np.ones(3), {"scale": 3.0})
        o.handle(np.ones(1))
        o.handle(np.ones(1))
    assert len(calls) == 4 and np.array_equal(a[0], b[0]) and a[1] == b[1] == {"n": 3} and c[0][0] == 3.0
    assert type(b) is tuple and type(b[1]) is dict


def test_books_are_written_only_where_the_worker_cannot_read_them(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGRADER_CACHE_DIR", str(tmp_path / "cases"))
    monkeypatch.setattr(cache, "_BOOKS", {})
    course = Course(secret="keep-me")
    assert cache.book(course, "knn", Isolation(["L0"])).path is None                    # L0: memory only
    monkeypatch.setattr(cache, "_BOOKS", {})
    kept = cache.book(course, "knn", Isolation(["L0", "L1"], uid_switch=True))
    assert kept.path and os.path.dirname(kept.path) == str(tmp_path / "cases")
    assert stat.S_IMODE(os.stat(tmp_path / "cases").st_mode) == 0o700
    kept.put("k", [{"__nd__": 0}], [np.arange(3.0)])
    kept.save()
    assert stat.S_IMODE(os.stat(kept.path).st_mode) & 0o077 == 0
    assert b"keep-me" not in open(kept.path, "rb").read()       # the secret is never stored, only its hash
    again = cache.Book(kept.key, kept.path)
    obj, arrays = again.get("k")
    assert obj == [{"__nd__": 0}] and np.array_equal(arrays[0], np.arange(3.0))
    os.chmod(tmp_path / "cases", 0o755)                         # readable by others: not used
    monkeypatch.setattr(cache, "_BOOKS", {})
    assert cache.book(course, "knn", Isolation(["L0", "L1"], uid_switch=True)).path is None
    monkeypatch.setenv("DLGRADER_CACHE", "off")
    assert cache.book(course, "knn", Isolation(["L0", "L1"], uid_switch=True)) is None


def test_a_book_belongs_to_one_course_and_one_grader_build(monkeypatch):
    monkeypatch.setattr(cache, "_BOOKS", {})
    one, other = Course(secret="a"), Course(secret="b")
    assert cache.book(one, "knn").key != cache.book(other, "knn").key != cache.book(one, "linear_classifiers").key
    assert cache.book(one, "knn") is cache.book(Course(secret="a"), "knn")
    before = cache.book(one, "knn").key
    monkeypatch.setattr(cache, "_FINGERPRINT", ["yet another build"])
    monkeypatch.setattr(cache, "_BOOKS", {})
    assert cache.book(one, "knn").key != before


def test_a_damaged_book_is_ignored(tmp_path):
    path = tmp_path / "x.book"
    path.write_bytes(b"\0" * 40)
    book = cache.Book("k", str(path))
    assert book.values == {} and book.draws == {}


def test_verify_mode_recomputes_and_catches_an_answer_that_changed(monkeypatch):
    monkeypatch.setenv("DLGRADER_CACHE", "verify")
    book = cache.Book("test")
    book.put("k", [1.0], [])
    book.put("k", [1.0], [])
    with pytest.raises(cache.CacheMismatch):
        book.put("k", [2.0], [])


# ---------------------------------------------------------------- many bounded computations, one forked copy

def test_an_evaluator_gives_each_computation_the_limits_a_copy_of_its_own_would_have():
    """Every answer of a file is graded in one forked copy (grader/checks/bounded.py): a computation that never
    ends or allocates without end is stopped as `bounded` stops it, and the ones after it are graded all the same
    (in a fresh copy); the budget of the file counts each one's CPU time."""
    from grader.checks.bounded import Budget, Evaluator, Overrun
    state = {"n": 0}

    def counted():
        state["n"] += 1        # the copy's state, kept from one computation to the next in the same copy
        return {"n": state["n"], "pid": os.getpid()}

    def fails():
        raise Fail("no", "incorrect", hint="h")
    work = {"forever": forever, "hog": hog, "counted": counted, "fails": fails, "error": lambda: 1 / 0}
    ev = Evaluator(work.__getitem__)
    budget = Budget(30.0)
    first = ev.run("counted", budget=budget)
    assert ev.run("counted", budget=budget) == {"n": 2, "pid": first["pid"]} != os.getpid()   # one copy for both
    with pytest.raises(Fail, match="no"):
        ev.run("fails", budget=budget)
    assert ev.run("counted")["pid"] == first["pid"]                         # a Fail is an answer: the copy goes on
    with pytest.raises(Overrun, match="time"):
        ev.run("forever", seconds=1, budget=budget)
    assert 1.0 <= 30.0 - budget.left < 30.0                                # its CPU second was counted
    again = ev.run("counted")
    assert again["pid"] != first["pid"] and again["n"] == 1                 # a fresh copy after the overrun
    with pytest.raises(Overrun, match="memory"):
        ev.run("hog", seconds=20, memory_mb=64)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ev.run("error")
    assert ev.run("counted")["n"] == 1
    assert state["n"] == 0                                                  # this process never ran them
    ev.close()
    assert ev.pid is None
