"""Mutants of the dropout reference: each realistic bug loses points at the check meant to catch it. The checks are
statistical: their false-alarm rate for a correct solution is bounded (and counted here)."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from grader.course import Course
from grader.run import grade
from grader.suites import dropout as suite
from helpers import assert_caught, REFERENCE, mutant_edits

SLOT = 4   # a sandbox slot of our own: gradings running beside these tests (slot 0) cannot reap our workers
LAYER, EXPECTATION = "dropout.py", "expectation.py"
MASK_LINE = "mask = (np.random.rand(*x.shape) < keep).astype(x.dtype)"
BACKWARD_LINE = 'dx = dout * mask / keep_probability(dropout_param["p"])'
CS231N_STYLE = [(MASK_LINE, "mask = (np.random.rand(*x.shape) < keep) / keep"),   # the mask already holds 1/keep
                ("out = x * mask / keep", "out = x * mask"), (BACKWARD_LINE, "dx = dout * mask")]

MUTANTS = [
    # (name, file, [(old, new), ...], the check that must fail, checks that must still pass, words of the output)
    ("not_rescaled", LAYER, [("out = x * mask / keep", "out = x * mask")], "dropout_forward.train",
     ("dropout_forward.test_mode",), "not rescaled"),
    ("multiplied_by_keep", LAYER, [("out = x * mask / keep", "out = x * mask * keep")], "dropout_forward.train",
     ("dropout_forward.test_mode",), "multiplied by the keep probability"),
    ("p_read_as_drop", LAYER, [("        keep = keep_probability(p)\n", "        keep = 1 - p\n")],
     "dropout_forward.train", ("dropout_forward.test_mode",), "read the other way round"),
    ("mask_shared_across_batch", LAYER, [(MASK_LINE, "mask = (np.random.rand(*x.shape[1:]) < keep).astype(x.dtype)")],
     "dropout_forward.per_sample_masks", (), "mask shared across the batch"),
    ("test_mode_scales", LAYER, [("        out = x\n", "        out = x * keep_probability(p)\n")],
     "dropout_forward.test_mode", ("dropout_forward.train",), "identity"),
    ("backward_forgets_keep", LAYER, [(BACKWARD_LINE, "dx = dout * mask")], "dropout_backward.mask_used",
     ("dropout_forward.train",), "missing the division by the keep probability"),
    ("backward_ignores_mask", LAYER, [(BACKWARD_LINE, 'dx = dout / keep_probability(dropout_param["p"])')],
     "dropout_backward.numerical_gradient", ("dropout_forward.train",), "numerical gradient"),
    ("seed_ignored", LAYER, [('np.random.seed(dropout_param["seed"])', "pass")], "dropout_forward.same_seed",
     ("dropout_forward.train",), "seed ignored"),
    ("dtype_not_kept", LAYER, CS231N_STYLE + [("    out = out.astype(x.dtype, copy=False)\n", "")],
     "dropout_forward.dtype_and_input", ("dropout_forward.train", "dropout_backward.mask_used"), "dtype"),
    ("x_modified_in_place", LAYER, [("out = x * mask / keep", "x *= mask / keep\n        out = x")],
     "dropout_forward.dtype_and_input", ("dropout_forward.train",), "input modified"),
    ("noninverted_rescaled", EXPECTATION, [("        out = x * mask\n", "        out = x * mask / keep\n")],
     "noninverted.forward", ("dropout_forward.train",), "no rescaling"),
    ("noninverted_test_identity", EXPECTATION, [("        out = x * keep\n", "        out = x\n")],
     "noninverted.forward", (), "test-mode out"),
    ("expectation_unweighted", EXPECTATION, [("sum(prob * out for prob, out", "sum(out for prob, out")],
     "expected_activation.values", (), "expected_activation"),
    ("empirical_other_variant", EXPECTATION,
     [('forward = dropout_forward if variant == "inverted" else dropout_forward_noninverted',
       'forward = dropout_forward_noninverted if variant == "inverted" else dropout_forward')],
     "empirical_activation.values", ("expected_activation.values",), "E[out]"),
]


def edited(tmp_path, file, edits):
    return mutant_edits(tmp_path, "dropout", file, edits)


def graded(path, course=None):
    report = grade(path, ["dropout"], course or Course(), slot=SLOT)
    return {o.check.name: o for o in report.outcomes}, report


@pytest.mark.parametrize("name,file,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, still, words):
    result, report = graded(edited(tmp_path, file, edits))
    assert_caught(result, check, still, says=words, report=report)


def test_cs231n_style_mask_divided_by_keep_keeps_full_marks(tmp_path):
    """CS231n's own solution stores mask = (rand < p) / p and returns dout * mask: mask != 0 is what counts."""
    result, report = graded(edited(tmp_path, LAYER, CS231N_STYLE))
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_another_rng_order_keeps_full_marks(tmp_path):
    """Any way of drawing the mask is legitimate: here the complement of a uniform draw, via np.random.binomial."""
    result, report = graded(edited(tmp_path, LAYER, [(MASK_LINE, "mask = np.random.binomial(1, keep, size=x.shape)"
                                                                 ".astype(x.dtype)")]))
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_drop_course_flips_which_convention_passes(tmp_path):
    """The course setting sets DROPOUT_P_IS_KEEP in the student's dropout.py and the reference's alike: the
    reference gets full marks in a drop-convention course; a file that reads p as the keep probability whatever
    the constant says (as a CS231n 2018+ file does) fails there."""
    drop = Course(dropout_p="drop")
    result, report = graded(REFERENCE, drop)
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}
    path = edited(tmp_path, LAYER, [("keep = p if DROPOUT_P_IS_KEEP else 1.0 - p", "keep = p")])
    result, report = graded(path, drop)
    assert result["dropout_forward.train"].status == "failed"
    assert "DROPPING" in result["dropout_forward.train"].output


def test_false_alarm_rate_of_a_grading_is_below_one_in_a_million(monkeypatch):
    """Count the statistical tests a full grading of the reference runs: each misfires with probability
    <= ALPHA, so the whole grading with probability <= count * ALPHA."""
    count = {"n": 0}
    for name in ("kept_interval", "hoeffding"):
        original = getattr(suite, name)

        def counted(*args, _original=original, **kwargs):
            count["n"] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(suite, name, counted)
    _, report = graded(REFERENCE)
    assert report.score == report.max_score
    # per_sample_masks and same_seed add one test per example each (both <= 1e-10): at most 10 more
    assert 0 < count["n"] + 10 <= suite.MAX_TESTS and suite.MAX_TESTS * suite.ALPHA <= 1e-6, count


# ---------------------------------------------------------------- the bounds themselves

@given(st.integers(1, 10 ** 6), st.sampled_from(suite.KEEPS))
def test_kept_interval_holds_the_chernoff_bound_on_both_sides(n, keep):
    lo, hi = suite.kept_interval(n, keep)
    assert 0 <= lo <= n * keep <= hi <= n
    t = math.log(2 / suite.ALPHA)
    for q, edge in ((lo / n, 0.0), (hi / n, 1.0)):   # exp(-n KL) = alpha/2 at the edge, unless clamped
        assert q == edge or abs(n * suite._kl(q, keep) - t) < 1e-6 * t


def test_kept_interval_against_the_exact_binomial_tail():
    """The Chernoff interval is conservative: the exact tails outside it are below ALPHA / 2."""
    from math import comb
    n, keep = 400, 0.3
    lo, hi = suite.kept_interval(n, keep)
    pmf = [comb(n, k) * keep ** k * (1 - keep) ** (n - k) for k in range(n + 1)]
    assert sum(pmf[:math.ceil(lo)]) <= suite.ALPHA / 2 and sum(pmf[math.floor(hi) + 1:]) <= suite.ALPHA / 2


def test_hoeffding_catches_a_missing_rescale_on_the_notebook_input():
    x = suite.make_notebook({})["x"]
    for keep in suite.NOTEBOOK_KEEPS:
        assert abs(keep * x.mean() - x.mean()) > 5 * suite.hoeffding(np.abs(x) / keep)
