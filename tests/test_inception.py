"""Mutants of the Inception reference: each realistic bug loses points at the check meant to catch it."""
import pytest
from hypothesis import given, settings

import reference.inception.flops as flops
from grader.course import Course
from grader.suites.inception import KEYS, TORCH_DRAWN
from helpers import assert_caught, REFERENCE, mutant
from partial import graded

F = "flops.py"
MUTANTS = [
    # name, old, new, the check that must fail, checks that must still pass
    ("bias_once_per_layer", "return (K * K * C_in + (1 if bias else 0)) * C_out",
     "return K * K * C_in * C_out + (1 if bias else 0)", "conv_params.values", ()),
    ("pool_branch_1x1_forgotten", "'branch_pool': [(C_in, pool_proj, 1)],", "'branch_pool': [],",
     "inception_module_flops.googlenet", ("conv_flops.lecture",)),
    ("input_size_when_stride_1", "    return _exact_div(H + 2 * P - F, S) + 1",
     "    if S == 1:\n        return H\n    return _exact_div(H + 2 * P - F, S) + 1", "conv_output_size.values", ()),
    ("flops_where_macs_asked", "return H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC",
     "return 2 * H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC", "conv_flops.lecture",
     ("conv_params.values",)),
    ("K_instead_of_K_squared", "return H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC",
     "return H_out * W_out * C_out * K * C_in * FLOPS_PER_MAC", "conv_flops.lecture", ()),
    ("3x3_reduction_ignored", "'branch3x3': [(C_in, c3r, 1), (c3r, c3, 3)],", "'branch3x3': [(C_in, c3, 3)],",
     "inception_module_flops.googlenet", ("conv_flops.lecture",)),
    ("misfit_not_rejected", "        if num % den:\n", "        if False:\n", "conv_output_size.rejects_misfit",
     ("conv_output_size.values",)),
    ("out_channels_count_reductions", "counts['out_channels'] = c1 + c3 + c5 + pool_proj\n    return counts\n\n\n"
     "def inception_module_params", "counts['out_channels'] = c1 + c3r + c3 + c5r + c5 + pool_proj\n    return counts"
     "\n\n\ndef inception_module_params", "inception_module_flops.googlenet", ()),
    ("flops_per_mac_frozen_in_a_default", "def conv_flops(H_out, W_out, C_in, C_out, K):",
     "def conv_flops(H_out, W_out, C_in, C_out, K, FLOPS_PER_MAC=FLOPS_PER_MAC):", "conv_flops.flops_per_mac",
     ("conv_flops.lecture", "conv_flops.values")),
    ("int_breaks_symbols", "return H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC",
     "return int(H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC)", "symbolic", ("conv_flops.lecture",)),
    ("5x5_padding_shrinks_output", "counts = {name: sum(conv_flops(H, W, ci, co, k) for ci, co, k in convs)",
     "counts = {name: sum(conv_flops(H - k + 1, W - k + 1, ci, co, k) for ci, co, k in convs)",
     "inception_module_flops.matches_torch", ()),
]


@pytest.mark.parametrize("name,old,new,check,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, old, new, check, still):
    path = mutant(tmp_path, "inception", F, old, new)
    result = graded(path, "inception", (check,) + still)
    assert_caught(result, check, still)


def test_hints_name_the_mistake(tmp_path):
    path = mutant(tmp_path, "inception", F, *MUTANTS[3][1:3])
    assert "multiply-adds, not FLOPs" in graded(path, "inception", ("conv_flops.lecture",))["conv_flops.lecture"].output
    path = mutant(tmp_path / "b", "inception", F, *MUTANTS[0][1:3])
    assert "one bias per filter" in graded(path, "inception", ("conv_params.values",))["conv_params.values"].output


def test_course_setting_reaches_student_and_reference(tmp_path):
    """FLOPS_PER_MAC = 2 from the course file: the reference still passes everything; a copy that ignores the
    constant fails the drawn-count check; the lecture check stays in multiply-adds; nothing leaks afterwards."""
    course = Course(settings={"inception": {"FLOPS_PER_MAC": 2}})
    checks = ("conv_flops.values", "conv_flops.lecture", "inception_module_flops.matches_torch")
    result = graded(REFERENCE + "/inception", "inception", checks, course)
    assert all(result[c].status == "passed" for c in checks), {c: result[c].output for c in checks}
    path = mutant(tmp_path, "inception", F, "* C_in * FLOPS_PER_MAC", "* C_in")
    result = graded(path, "inception", checks, course)
    assert result["conv_flops.values"].status == "failed"
    assert result["inception_module_flops.matches_torch"].status == "failed"
    assert result["conv_flops.lecture"].status == "passed"
    assert flops.FLOPS_PER_MAC == 1  # the parent's reference module is restored after every plan


def test_bad_course_setting_is_refused():
    with pytest.raises(ValueError):
        Course(settings={"inception": {"FLOPS_PER_MAC": 3}}).check_settings()
    with pytest.raises(ValueError):
        Course(settings={"inception": {"FLOPS_PER_MACS": 2}}).check_settings()


@settings(max_examples=5)
@given(TORCH_DRAWN)
def test_torch_oracle_agrees_with_the_reference(p):
    from reference.inception.oracle import measure
    args = [p[k] for k in KEYS]
    macs, params = measure(p["H"], p["W"], *args, bias=p["bias"])
    assert macs == flops.inception_module_flops(p["H"], p["W"], *args)
    assert params == flops.inception_module_params(*args, bias=p["bias"])
