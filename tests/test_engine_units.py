"""Unit tests of the engine's pieces: wire format, validation, diagnosis, static rules, gradient checking."""
import ast

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks.diagnosis import diagnose, scale_factor
from grader.checks.static import ForbidCalls, MaxLoops, NoCallsTo
from grader.checks.validate import Fail, check_value, rel_error
from grader.sandbox import worker as wire

arrays = hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128]),
                    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
leaves = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 62, 2 ** 62), st.floats(allow_nan=False),
                   st.text(max_size=5), arrays)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 9)), inner, max_size=3)), max_leaves=8)


def same(a, b):
    if type(a) is np.ndarray:
        return type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(values)
def test_wire_roundtrip_preserves_values_and_types(value):
    arrays_out = []
    data = wire.encode(value, arrays_out)
    body = wire.pack({"v": data}, arrays_out)[8:]
    obj, arrs = wire.unpack(body)
    assert same(value, wire.decode(obj["v"], arrs))


def test_wire_refuses_what_cannot_cross():
    class Sub(np.ndarray):
        pass
    out = []
    assert "__bad__" in wire.encode(np.zeros(3).view(Sub), out)
    assert "__bad__" in wire.encode(np.array([object()]), out)
    assert "__bad__" in wire.encode(object(), out)
    assert "__handle__" in wire.encode(object(), out, keep=lambda v: "h1")
    assert out == []


def test_nonfinite_floats_cross_as_markers():
    out = []
    data = wire.encode([float("nan"), float("inf"), np.float64("-inf")], out)
    back = wire.decode(data, out)
    assert np.isnan(back[0]) and back[1] == np.inf and back[2] == -np.inf


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=st.floats(-1e6, 1e6)))
def test_rel_error_is_zero_on_itself_and_symmetric(x):
    y = x + 1.0
    assert rel_error(x, x) == 0.0
    assert rel_error(x, y) == rel_error(y, x)


@pytest.mark.parametrize("student,expected,phrase", [
    (np.zeros((3, 2)), np.zeros((2, 3)), "transpose"),
    (np.zeros((2, 3), dtype=np.float16), np.zeros((2, 3)), "float16"),
    (np.array([1.0, np.nan]), np.zeros(2), "NaN at [1]"),
    ([1.0], np.zeros(1), "numpy array"),
    (wire.BadValue("an ndarray subclass (X)"), np.zeros(1), "subclass"),
    (np.ones(4), np.ones(4) * 0.5, "×2"),
    (-np.arange(1.0, 5.0), np.arange(1.0, 5.0), "sign"),
])
def test_validation_order_and_messages(student, expected, phrase):
    with pytest.raises(Fail) as info:
        check_value(student, expected, "dW", 1e-7)
    assert phrase in info.value.message


@given(st.floats(0.1, 10), hnp.arrays(np.float64, (3, 4), elements=st.floats(0.5, 2)))
def test_scale_factor_finds_a_constant_factor(c, e):
    if abs(c - 1) > 1e-3:
        assert scale_factor(c * e, e) == pytest.approx(c)
    assert scale_factor(e, e) is None


def test_diagnosis_points_at_the_largest_error():
    e = np.zeros((3, 4))
    s = e.copy()
    s[2, 1] = 5.0
    assert "[2, 1]" in diagnose(s, e)[0]


def fn(source):
    tree = ast.parse(source)
    return tree.body[-1], tree


@pytest.mark.parametrize("source", [
    "def f(x):\n    for i in x:\n        pass",
    "def f(x):\n    return [i for i in x]",
    "def f(x):\n    while x:\n        x -= 1",
])
def test_no_loops_catches_every_loop_form(source):
    with pytest.raises(Fail):
        MaxLoops(0)(*fn(source), "f")


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(x):\n    return np.linalg.norm(x)",
    "import numpy\ndef f(x):\n    return numpy.linalg.norm(x)",
    "from numpy import linalg as la\ndef f(x):\n    return la.norm(x)",
    "from numpy.linalg import norm as n\ndef f(x):\n    return n(x)",
    "import numpy as np\ndef f(x):\n    return getattr(np.linalg, 'norm')(x)",
    "import numpy as np\ndef f(x):\n    g = np.linalg.norm\n    return g(x)",
    "import scipy.spatial.distance as d\ndef f(x):\n    return d.cdist(x, x)",
])
def test_forbidden_calls_resolve_aliases(source):
    with pytest.raises(Fail):
        ForbidCalls(("numpy.linalg.norm", "scipy"))(*fn(source), "f")


def test_allowed_code_passes_the_rules():
    node, tree = fn("import numpy as np\ndef f(x):\n    return np.sqrt(np.sum(x ** 2, axis=1))")
    MaxLoops(0)(node, tree, "f")
    ForbidCalls(("numpy.linalg.norm",))(node, tree, "f")
    NoCallsTo(("g",))(node, tree, "f")


def test_each_plan_step_is_sent_once():
    from grader.sandbox.plan import Plan
    plan = Plan(symbols={"KNearestNeighbor": "knn.k_nearest_neighbor"})
    clf = plan.new("KNearestNeighbor")
    plan.method(clf, "train", 1, 2)
    plan.method(clf, "predict", 3)
    assert [s["call"] for s in plan.encode([])] == ["KNearestNeighbor", "train", "predict"]


@pytest.mark.parametrize("hint,shown", [
    ("yours equals the expected values ×-0.02663 — a constant factor is wrong", False),
    ("yours is N=50 times the expected value: divide the data loss by N", False),
    ("with W ≈ 0 the loss should be ln(C) = 1.609438", False),
    ("the gradient of the regularization term (2·reg·W) is missing", True),
    ("yours equals the expected values ×2 — a constant factor is wrong", True),
])
def test_hidden_checks_show_no_number_of_the_case(hint, shown):
    from grader.run import hidden_hint
    assert (hidden_hint(hint) == hint) is shown


def test_atomic_write_leaves_a_device_or_a_pipe_in_place(tmp_path):
    """`-o /dev/null` once renamed a regular file over /dev/null (as root: for the whole machine)."""
    import os
    import stat
    import threading
    from grader.util import atomic_write
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
    reader.start()
    atomic_write(str(fifo), "result")
    reader.join(10)
    assert got == ["result"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    if os.geteuid() == 0:                        # a null device of our own: mknod needs root
        null = tmp_path / "null"
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        atomic_write(str(null), "result")
        assert stat.S_ISCHR(os.stat(null).st_mode)
    regular = tmp_path / "r.json"
    atomic_write(str(regular), "one")
    atomic_write(str(regular), "two")
    assert regular.read_text() == "two" and not [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")]
