"""Hostile submissions: each is graded to exactly what it earns, the grader finishes with complete results,
and the whole suite runs in bounded time — at L0, the layer that exists everywhere (CI, macOS, a laptop).
What L0 cannot stop is listed in the README and proven contained at L1/L2 by tests/test_sandbox.py.

Each attack is the body of the four linear-classifier functions (plus code run at import time)."""
import os
import time

import pytest

from grader.course import Course
from grader.spec import get
from helpers import FAST_LIMITS, outcomes

HONEST_ZEROS = "    return 0.0, np.zeros_like(W)"
ATTACKS = {
    "infinite_loop": ("", "    while True:\n        pass"),
    "alarm_cancelling_loop": ("import signal", """    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass"""),
    "sys_exit": ("import sys", "    sys.exit(0)"),
    "os_exit": ("import os", "    os._exit(0)"),
    "monkeypatch_numpy_and_builtins": ("""import builtins
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.all = lambda *a: True
builtins.abs = lambda x: 0""", HONEST_ZEROS),
    "lying_ndarray_subclass": ("""class Liar(np.ndarray):
    def __eq__(self, other):
        return True
    def __array_ufunc__(self, *args, **kwargs):
        return np.zeros(())""", "    return np.array(0.0).view(Liar), np.zeros_like(W).view(Liar)"),
    "reduce_runs_code": ("""import os
class Evil:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))""", "    return Evil(), Evil()"),
    "nan_output": ("", "    return float('nan'), np.full(W.shape, np.nan)"),
    "wrong_shape_and_dtype": ("", "    return np.float16(1.0), np.zeros((1,) + W.shape, dtype=np.float16)"),
    "gigabyte_to_stdout": ("import sys", """    chunk = 'x' * (1 << 20)
    for _ in range(1024):
        sys.stdout.write(chunk)
    return 0.0, np.zeros_like(W)"""),
    "memory_bomb": ("", """    hog = []
    while True:
        hog.append(np.ones(1 << 24))"""),
    "deep_recursion": ("""import sys
sys.setrecursionlimit(10 ** 8)
def _down(n):
    return _down(n + 1) + 1""", "    return _down(0)"),
    "import_reference": ("import reference.linear_classifiers.linear_svm as ref", "    return ref.svm_loss_naive(W, X, y, reg)"),
    "import_grader": ("import grader", HONEST_ZEROS),
}


def submission(tmp_path, prelude, body):
    names = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
    source = "import numpy as np\n%s\n\n\ndef _attack(W, X, y, reg):\n%s\n\n\n%s\n" % (
        prelude, body, "\n".join("%s = _attack" % n for n in names))
    path = tmp_path / "hostile.py"
    path.write_text(source)
    return str(path)


@pytest.fixture(scope="module")
def honest_zero_score(tmp_path_factory):
    path = submission(tmp_path_factory.mktemp("honest"), "", HONEST_ZEROS)
    return outcomes(path, "linear_classifiers", Course(limits=FAST_LIMITS), "l0")[1].score


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_submission_earns_nothing_it_did_not_compute(tmp_path, attack, honest_zero_score):
    marker = tmp_path / "pwned"
    prelude, body = ATTACKS[attack]
    path = submission(tmp_path, prelude.replace("{marker}", str(marker)), body)
    t0 = time.monotonic()
    result, report = outcomes(path, "linear_classifiers", Course(limits=FAST_LIMITS), "l0")
    elapsed = time.monotonic() - t0
    assert set(result) == {c.name for c in get("linear_classifiers").checks}  # complete results
    assert all(o.status in ("passed", "failed") for o in result.values()), \
        [(o.check.name, o.output) for o in result.values() if o.status == "error"]
    assert report.score <= honest_zero_score, [n for n, o in result.items() if o.status == "passed"]
    for check in ("svm_loss_naive.values", "softmax_loss_vectorized.values", "svm_loss_naive.hidden"):
        assert result[check].status == "failed"
    assert not marker.exists(), "code from the submission ran in the grader"
    assert elapsed < FAST_LIMITS.budget + 25, elapsed


def test_messages_say_what_happened(tmp_path):
    expectations = {"infinite_loop": "no answer within", "sys_exit": "sys.exit",
                    "os_exit": "exited with status 0", "nan_output": "NaN", "lying_ndarray_subclass": "subclass",
                    "wrong_shape_and_dtype": "float16", "import_reference": "not allowed in a submission",
                    "reduce_runs_code": "Evil"}
    for attack, phrase in expectations.items():
        prelude, body = ATTACKS[attack]
        path = submission(tmp_path, prelude.replace("{marker}", str(tmp_path / "m")), body)
        result, _ = outcomes(path, "linear_classifiers", Course(limits=FAST_LIMITS), "l0")
        assert phrase in result["svm_loss_naive.values"].output, (attack, result["svm_loss_naive.values"].output)


def test_a_crash_does_not_stop_later_checks(tmp_path):
    """After os._exit in one function, the other functions (correct here) are still graded."""
    from helpers import REFERENCE
    source = open(os.path.join(REFERENCE, "linear_classifiers", "softmax.py")).read()
    source += "\n\ndef svm_loss_naive(W, X, y, reg):\n    import os\n    os._exit(3)\n"
    path = tmp_path / "mixed.py"
    path.write_text(source)
    result, _ = outcomes(str(path), "linear_classifiers", Course(limits=FAST_LIMITS), "l0")
    assert result["svm_loss_naive.values"].status == "failed"
    assert result["softmax_loss_vectorized.values"].status == "passed"
    assert result["softmax.shift_invariant"].status == "passed"
