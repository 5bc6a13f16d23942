"""Mutants of the conv_pool reference: each realistic bug loses points at the check meant to catch it."""
import numpy as np
import pytest
from hypothesis import given

from grader.suites.conv_pool import CONV_PUBLIC, POOL_PUBLIC, bad_params, conv_params, make_bad, make_conv, make_pool
from helpers import assert_caught, failed, mutant, outcomes
from reference.conv_pool.grading import route_to_first_max

L = "layers.py"
SPAN_CHECK = ('    if span % stride != 0:\n'
              '        raise ValueError(f"output size is not an integer: {formula} = {span / stride + 1:g}; "\n'
              '                         f"stride must divide H + 2*pad - HH = {span}")\n')
MUTANTS = [
    # (name, old, new, the check that must fail, what its message must say, checks that must still pass)
    ("flipped_kernel", "out[n, f, i, j] = np.sum(window * w[f]) + b[f]",
     "out[n, f, i, j] = np.sum(window * w[f, :, ::-1, ::-1]) + b[f]", "conv_forward_naive.values", "kernel flipped",
     ("conv_forward_fast.values",)),
    ("pad_on_one_side", "    xp = _pad(x, pad)\n    out = np.zeros((N, F, H_out, W_out)",
     "    xp = np.pad(x, ((0, 0), (0, 0), (2 * pad, 0), (2 * pad, 0)))\n    out = np.zeros((N, F, H_out, W_out)",
     "conv_naive.torch", "vs torch", ("conv_forward_fast.values", "conv_output_size.values")),
    ("stride_ignored_in_forward_window", "window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]",
     "window = xp[n, :, i:i + HH, j:j + WW]", "conv_naive.translation_equivariant",
     "hidden check failed: not translation equivariant", ("conv_forward_fast.values",)),
    ("stride_ignored_in_backward", "rows = slice(i * stride, i * stride + HH)\n"
     "                    cols = slice(j * stride, j * stride + WW)",
     "rows = slice(i, i + HH)\n                    cols = slice(j, j + WW)",
     "conv_backward_naive.numerical_gradient", "numerical gradient of your own forward",
     ("conv_forward_naive.values",)),
    ("db_from_one_sample", "db = dout.sum(axis=(0, 2, 3))", "db = dout[0].sum(axis=(1, 2))",
     "conv_backward_naive.values", "one sample only", ("conv_forward_naive.values", "conv_backward_fast.values")),
    ("max_pool_gradient_spread", "dx[:, :, rows, cols] += (one_hot * dout[:, :, i, j, None]).reshape(N, C, ph, pw)",
     "dx[:, :, rows, cols] += dout[:, :, i, j, None, None]", "max_pool_backward_naive.values", "maximum only",
     ("max_pool_forward_naive.values",)),
    ("ties_to_last_max", "first_max = window.argmax(axis=2)",
     "first_max = ph * pw - 1 - window[:, :, ::-1].argmax(axis=2)", "max_pool.ties_route_to_first_max",
     "hidden check failed: wrong values — hint: on ties the gradient goes to the FIRST maximum",
     ("max_pool_backward_naive.values", "max_pool.torch", "max_pool_backward_naive.numerical_gradient")),
    ("avg_not_divided", "dx[:, :, rows, cols] += dout[:, :, i, j, None, None] / (ph * pw)",
     "dx[:, :, rows, cols] += dout[:, :, i, j, None, None]", "avg_pool_backward_naive.numerical_gradient",
     "disagrees with the numerical gradient", ("avg_pool_forward_naive.values",)),
    ("relu_gradient_at_zero", "return dout * (x > 0)", "return dout * (x >= 0)", "relu_backward.values",
     "dx differs", ("relu_forward.values",)),
    ("silent_floor", SPAN_CHECK, "", "conv_output_size.raises", "returned 2 instead of raising ValueError",
     ("conv_output_size.values", "conv_forward_naive.values")),
    ("silent_floor_in_every_layer", SPAN_CHECK, "", "conv_forward_naive.raises",
     "returned an array of shape", ("conv_forward_naive.values",)),
    ("fast_dw_not_summed", ".sum(axis=0).reshape(w.shape)", "[0].reshape(w.shape)", "conv_backward_fast.values",
     "dw", ("conv_backward_naive.values", "conv_forward_fast.values")),
    ("relu_backward_modifies_dout", "return dout * (x > 0)", "dout[x <= 0] = 0\n    return dout",
     "affine_relu.inputs_unchanged", "modified its input `relu_dout`", ("relu_backward.values",)),
    ("fast_calls_naive", "    N, F = x.shape[0], w.shape[0]\n    HH, WW = w.shape[2:]\n    stride, pad, H_out, W_out = "
     "_conv_geometry(x, w, conv_param)\n    cols = _im2col",
     "    return conv_forward_naive(x, w, b, conv_param)\n    N, F = x.shape[0], w.shape[0]\n    HH, WW = w.shape[2:]"
     "\n    stride, pad, H_out, W_out = _conv_geometry(x, w, conv_param)\n    cols = _im2col",
     "conv_forward_fast.vectorized", "refers to conv_forward_naive", ("conv_forward_fast.values",)),
    ("bad_size_raises_index_error", SPAN_CHECK, SPAN_CHECK.replace("raise ValueError(", "raise IndexError("),
     "conv_output_size.raises", "raised IndexError instead of ValueError", ("conv_output_size.values",)),
]


@pytest.mark.parametrize("name,old,new,check,says,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, old, new, check, says, still):
    path = mutant(tmp_path, "conv_pool", L, old, new)
    result, report = outcomes(path, "conv_pool")
    assert_caught(result, check, still, says=says, report=report)


def test_fast_calling_naive_also_fails_the_speed_check(tmp_path):
    row = next(m for m in MUTANTS if m[0] == "fast_calls_naive")
    result, _ = outcomes(mutant(tmp_path, "conv_pool", L, row[1], row[2]), "conv_pool")
    assert result["conv_fast.speed"].status == "failed", result["conv_fast.speed"].output
    assert result["conv_fast.speed"].output.startswith("hidden check failed: too slow")


def test_an_assertion_error_on_a_bad_size_is_accepted(tmp_path):
    """CS231n's own idiom, `assert (H + 2 * pad - HH) % stride == 0`, earns the same marks as ValueError."""
    path = mutant(tmp_path, "conv_pool", L, SPAN_CHECK,
                  "    assert span % stride == 0, 'stride does not divide H + 2*pad - HH'\n")
    result, report = outcomes(path, "conv_pool")
    assert report.score == report.max_score, failed(result)


def test_gradient_check_costs_under_50_forward_calls_per_case():
    from grader.suites.conv_pool import ASSIGNMENT
    check = ASSIGNMENT.check("conv_backward_naive.numerical_gradient")
    calls = 2 * (check.directions + check.probes) * len(check.wrt)
    assert calls < 50


# ---- the suite's own helpers and the oracle ---------------------------------------------------------

def test_oracle_matches_the_reference():
    from reference.conv_pool import layers, oracle
    case = make_conv(CONV_PUBLIC[2])
    out, cache = oracle.conv_forward(case["x"], case["w"], case["b"], case["conv_param"])
    ref, ref_cache = layers.conv_forward_naive(case["x"], case["w"], case["b"], case["conv_param"])
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)
    grads = layers.conv_backward_naive(case["dout"], ref_cache)
    for got, want in zip(oracle.conv_backward(case["dout"], cache), grads):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    pool = make_pool(POOL_PUBLIC[2])
    for name in ("max_pool", "avg_pool"):
        out, cache = getattr(oracle, name + "_forward")(pool["x"], pool["pool_param"])
        ref, ref_cache = getattr(layers, name + "_forward_naive")(pool["x"], pool["pool_param"])
        np.testing.assert_allclose(out, ref, rtol=1e-12)
        np.testing.assert_allclose(getattr(oracle, name + "_backward")(pool["dout"], cache),
                                   getattr(layers, name + "_backward_naive")(pool["dout"], ref_cache), rtol=1e-12)


@given(conv_params())
def test_drawn_conv_cases_tile_exactly(params):
    case = make_conv(params)
    H, W = case["x"].shape[2:]
    HH, WW = case["w"].shape[2:]
    s, pad = case["conv_param"]["stride"], case["conv_param"]["pad"]
    assert H >= 1 and W >= 1
    assert (H + 2 * pad - HH) // s + 1 == case["dout"].shape[2] and (H + 2 * pad - HH) % s == 0
    assert (W + 2 * pad - WW) // s + 1 == case["dout"].shape[3] and (W + 2 * pad - WW) % s == 0


@given(bad_params())
def test_drawn_bad_cases_never_tile(params):
    from reference.conv_pool.layers import conv_output_size
    case = make_bad(params)
    assert min(case["x"].shape[2:]) >= 1
    with pytest.raises(ValueError):
        conv_output_size(case["bad"], case["HH"], case["stride"], case["pad"])


def test_brute_force_routing_equals_the_reference_on_ties():
    from reference.conv_pool.layers import max_pool_backward_naive, max_pool_forward_naive
    case = make_pool({"N": 2, "C": 2, "ph": 3, "pw": 2, "stride": 1, "H_out": 3, "W_out": 3, "seed": 4, "levels": 2})
    _, cache = max_pool_forward_naive(case["x"], case["pool_param"])
    np.testing.assert_array_equal(route_to_first_max(case["x"], case["pool_param"], case["dout"]),
                                  max_pool_backward_naive(case["dout"], cache))
