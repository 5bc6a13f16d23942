"""Mutants of the DenseNet reference: each realistic bug loses points at the check meant to catch it."""
import numpy as np
import pytest
from hypothesis import given, settings

import reference.densenet.counting as counting
from grader.course import Course
from grader.suites.densenet import BLOCK_DRAWN, REACH_DRAWN, make_block, make_positive
from helpers import assert_caught, REFERENCE, mutant
from partial import graded

CH, CO, DB = "channels.py", "counting.py", "dense_block.py"
MUTANTS = [
    # name, file, old, new, the check that must fail, checks that must still pass
    ("growth_added_L_minus_1_times", CH, "return c0 + L * k", "return c0 + (L - 1) * k",
     "dense_block_channels.values", ("transition_channels.values",)),
    ("compression_not_floored", CH, "return _floor(theta * c)", "return theta * c", "transition_channels.values",
     ("dense_block_channels.values",)),
    ("transition_after_last_block", CH, "        if i < len(config['block_config']):",
     "        if True:", "densenet_channels.densenet121", ("transition_channels.values",)),
    ("conv_bias_counted", CO, "    return K * K * C_in * C_out", "    return (K * K * C_in + 1) * C_out",
     "densenet_params.densenet121", ()),
    ("bottleneck_width_k", CO, "conv_params(c, bn_size * k, 1)\n            + bn_params(bn_size * k) + "
     "conv_params(bn_size * k, k, 3)", "conv_params(c, k, 1)\n            + bn_params(k) + conv_params(k, k, 3)",
     "counting.layers", ()),
    ("moving_stats_setting_ignored", CO, "return (4 if COUNT_BN_MOVING_STATS else 2) * c", "return 2 * c",
     "densenet_params.keras", ("densenet_params.densenet121",)),
    ("relu_missing", DB, "conv_forward(np.maximum(inp, 0), ", "conv_forward(inp, ", "dense_block_forward.values", ()),
    ("assignment_instead_of_accumulation", DB, "dout[:, :c] += da * (inp > 0)", "dout[:, :c] = da * (inp > 0)",
     "dense_block_backward.values", ("dense_block_forward.values",)),
    ("assignment_instead_of_accumulation_property", DB, "dout[:, :c] += da * (inp > 0)",
     "dout[:, :c] = da * (inp > 0)", "dense_block.reaches_earlier_layers", ()),
    ("relu_mask_missing_in_backward", DB, "dout[:, :c] += da * (inp > 0)", "dout[:, :c] += da",
     "dense_block.numerical_gradient", ("dense_block_forward.values",)),
    ("upstream_gradient_modified_in_place", DB, "dout = dout.copy()", "dout = dout",
     "dense_block.inputs_unchanged", ("dense_block_backward.values",)),
    ("block_input_left_out", DB, "return np.concatenate(features, axis=1), (x.shape[1], caches)",
     "return np.concatenate(features[1:], axis=1), (x.shape[1], caches)", "dense_block.matches_torch", ()),
]


@pytest.mark.parametrize("name,file,old,new,check,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, still):
    path = mutant(tmp_path, "densenet", file, old, new)
    result = graded(path, "densenet", (check,) + still)
    assert_caught(result, check, still)


def test_hidden_failures_show_a_category_only(tmp_path):
    path = mutant(tmp_path, "densenet", DB, "dout[:, :c] += da * (inp > 0)", "dout[:, :c] = da * (inp > 0)")
    out = graded(path, "densenet", ("dense_block.reaches_earlier_layers",))["dense_block.reaches_earlier_layers"]
    assert out.output.startswith("hidden check failed: gradient does not reach")
    assert "+=, not =" in out.output
    assert "W1" not in out.output and len(out.output.splitlines()) == 1


def test_keras_course_setting(tmp_path):
    """COUNT_BN_MOVING_STATS = True in the course file: the reference passes, a copy that ignores it fails the
    course-driven check, the torchvision check stays on 7,978,856; the parent's reference is restored."""
    course = Course(settings={"densenet": {"COUNT_BN_MOVING_STATS": True}})
    checks = ("densenet_params.hidden", "densenet_params.densenet121")
    assert all(o.status == "passed" for o in graded(REFERENCE + "/densenet", "densenet", checks, course).values())
    path = mutant(tmp_path, "densenet", CO, "return (4 if COUNT_BN_MOVING_STATS else 2) * c", "return 2 * c")
    result = graded(path, "densenet", checks, course)
    assert result["densenet_params.hidden"].status == "failed"
    assert result["densenet_params.densenet121"].status == "passed"
    assert counting.COUNT_BN_MOVING_STATS is False


@settings(max_examples=5)
@given(BLOCK_DRAWN)
def test_torch_oracle_agrees_with_the_reference(p):
    from reference.densenet.dense_block import dense_block_backward, dense_block_forward
    from reference.densenet.oracle import dense_block
    case = make_block(p)
    out, cache = dense_block_forward(case["x"], case["params"])
    dx, grads = dense_block_backward(case["dout"], cache)
    t_out, t_dx, t_grads = dense_block(case["x"], case["params"], case["dout"])
    assert np.allclose(out, t_out, rtol=1e-10, atol=1e-12) and np.allclose(dx, t_dx, rtol=1e-10, atol=1e-12)
    assert all(np.allclose(grads[n], t_grads[n], rtol=1e-10, atol=1e-12) for n in grads)


@settings(max_examples=10)
@given(REACH_DRAWN)
def test_positive_blocks_have_positive_features(p):
    """The property's inputs keep every ReLU open, so a zero gradient there is always the student's bug."""
    from reference.densenet.dense_block import dense_block_forward
    case = make_positive(p)
    assert (dense_block_forward(case["x"], case["params"])[0] > 0).all()
