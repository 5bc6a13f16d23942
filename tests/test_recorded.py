"""The recorded reference: stable plan keys, a lossless file, offline answers, and what it cannot answer."""
import numpy as np
import pytest

from grader import spec
from grader.checks.context import Context
from grader.course import Course
from grader.run import run_check
from grader.sandbox.plan import LocalRunner, Plan, Ref
from grader.sandbox.recorded import NotRecorded, PlanKey, RecordedRunner, Recorder, load, save
from grader.sandbox.worker import Handle, TensorValue
from grader.studentkit.release import public_course, record
from grader.submission import prepare
from helpers import REFERENCE, STUBS


class Thing:
    def __init__(self, k):
        self.k = k

    def times(self, x):
        return x * self.k


NAMESPACE = {"double": lambda x: 2 * x, "pair": lambda x: (x, {"n": int(x.size), "s": np.float32(1.5)}),
             "Thing": Thing, "keep": lambda x: object()}


def plan_double(x, module="anything"):
    p = Plan(symbols={"double": module})
    p.returns(p.call("double", x))
    return p


def test_plan_keys_ignore_where_the_student_put_the_symbol_but_not_the_arguments():
    x = np.arange(6.0).reshape(2, 3)
    assert PlanKey()(plan_double(x, "a")) == PlanKey()(plan_double(x, "pkg.b"))
    assert PlanKey()(plan_double(x)) != PlanKey()(plan_double(x + 1e-12))
    assert PlanKey()(plan_double(x)) != PlanKey()(plan_double(x.astype(np.float32)))
    assert PlanKey()(plan_double(x)) != PlanKey()(plan_double(x.reshape(3, 2)))


def test_a_plan_that_uses_a_value_stored_by_an_earlier_plan_is_keyed_by_that_value():
    def store(value):
        p = Plan()
        p.new("Thing", value, name="obj")
        return p

    def use():
        p = Plan()
        p.returns(p.method(Ref("obj"), "times", 3))
        return p
    a, b = PlanKey(), PlanKey()
    a(store(2))
    b(store(5))
    assert a(use()) != b(use())


def test_recording_roundtrip_and_replay(tmp_path):
    replies = {}
    recorder = Recorder(LocalRunner(NAMESPACE.__getitem__), replies)
    x = np.arange(4.0)
    p = Plan()
    p.returns(p.call("pair", x), p.call("keep", x))
    live = recorder.run(p)
    save(tmp_path / "r.npz", replies)
    loaded = load(tmp_path / "r.npz")
    replay = RecordedRunner(loaded).run(p)
    (arr, meta), kept = replay.values
    assert np.array_equal(arr, x) and meta["n"] == 4 and type(meta["s"]) is np.float32 and meta["s"] == 1.5
    assert isinstance(kept, Handle) and kept.name == live.values[1].name
    arr[:] = -1                                     # a check may modify what it got: the recording is unchanged
    assert np.array_equal(RecordedRunner(loaded).run(p).values[0][0], x)
    with pytest.raises(NotRecorded):
        RecordedRunner(loaded).run(plan_double(x))


def test_tensors_errors_and_bad_values_survive_the_file(tmp_path):
    from grader.sandbox.client import Reply
    from grader.sandbox.worker import BadValue
    replies = {"a": Reply(values=[TensorValue(np.ones(2)), BadValue("a value of type set")]),
               "b": Reply(error={"type": "ValueError", "message": "no", "frames": [], "step": 0})}
    save(tmp_path / "r.npz", replies)
    back = load(tmp_path / "r.npz")
    assert isinstance(back["a"].values[0], TensorValue) and np.array_equal(back["a"].values[0].array, np.ones(2))
    assert back["a"].values[1].reason == "a value of type set"
    assert back["b"].error["type"] == "ValueError"


@pytest.mark.parametrize("name", ["knn"])
def test_visible_checks_replay_offline_and_hidden_plans_are_not_in_the_recording(tmp_path, name):
    """Offline (the recording as the reference, the reference as the student): every visible check passes,
    drawn examples included. The hidden checks' plans under the real secret are recorded only where they do
    not depend on the secret at all (hypothesis tries the simplest example first, whatever its seed)."""
    assignment = spec.get(name)
    secret = Course(secret="a-real-course-secret")
    public = public_course(secret)
    replies, problems = record(assignment, public, "%s/%s" % (REFERENCE, name))
    assert not problems and replies
    table = assignment.reference(public)
    submission = prepare("%s/%s" % (REFERENCE, name), str(tmp_path / "sub"))
    ctx = Context(assignment, submission, LocalRunner(table.__getitem__), RecordedRunner(replies), public)
    passed = set()
    for check in assignment.checks:
        if check.visibility == spec.VISIBLE and check.kind not in ("speed", "static"):   # no reference there
            o = run_check(check, ctx, passed)
            assert o.status == "passed", (check.name, o.output)
            assert "grading time" not in o.output, (check.name, o.output)
        passed.add(check.name)
    hidden = {}
    ctx = Context(assignment, submission, LocalRunner(table.__getitem__),
                  Recorder(LocalRunner(assignment.reference(secret).__getitem__), hidden), secret)
    for check in assignment.checks:
        if check.visibility == spec.HIDDEN:
            assert run_check(check, ctx, set(check.requires)).status == "passed"
    shared = set(hidden) & set(replies)
    other, _ = record(assignment, public_course(Course(secret="another-secret")), "%s/%s" % (REFERENCE, name))
    assert hidden and shared <= set(other) and len(shared) < len(hidden) / 2


def test_a_plan_the_recording_lacks_skips_the_check_instead_of_failing_it(tmp_path):
    assignment = spec.get("knn")
    submission = prepare("%s/knn" % STUBS, str(tmp_path / "sub"))
    stub = LocalRunner(assignment.reference(Course()).__getitem__)
    ctx = Context(assignment, submission, stub, RecordedRunner({}), Course())
    check = assignment.check("predict.values")
    o = run_check(check, ctx, set(), set())
    assert o.status == "skipped" and o.score == 0 and "grading time" in o.output
    dependent = assignment.check("distances_two_loops.rules")
    assert run_check(dependent, ctx, set(), {"distances_two_loops.values"}).status == "skipped"


def test_a_missing_reference_outside_the_kit_skips_with_a_note_instead_of_crashing(monkeypatch):
    from grader.isolation import probe
    from grader.run import grade

    def missing(self, course):
        raise ModuleNotFoundError("No module named 'reference'", name="reference")
    monkeypatch.setattr(spec.Assignment, "reference", missing)
    report = grade("%s/knn" % REFERENCE, ["knn"], isolation=probe("l0"))
    statuses = {o.check.name: o.status for o in report.outcomes}
    assert statuses["distances_two_loops.values"] == "skipped" and statuses["distances.self_symmetric"] == "passed"
    assert any("could not be imported" in n for n in report.notes)
