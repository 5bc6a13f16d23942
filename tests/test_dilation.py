"""Mutants of the dilation reference: each realistic bug loses points at the check meant to catch it; and a
submission of three loose files (dilation.py, formulas.py, conv.py with relative imports) is graded as is."""
import os
import shutil
import zipfile

import numpy as np
import pytest
from hypothesis import given

from grader.suites.dilation import KERNEL_DRAWN, STACKS, dilated_params, make_dilated, make_kernel
from helpers import assert_caught, REFERENCE, failed, mutant, outcomes
from reference.dilation.grading import brute_receptive_field, zero_insertion

DIL, FORM = "dilation.py", "formulas.py"
RF_LOOP = "        r = r + (effective_kernel_size(kernel, dilation) - 1) * jump\n        jump = jump * stride"
MUTANTS = [
    # (name, file, old, new, the check that must fail, what its message must say, checks that must still pass)
    ("corner_bottom_right", DIL, "corner[0, 0] = 1", "corner[-1, -1] = 1", "dilate_kernel.worked_example",
     "TOP-LEFT corner", ("effective_kernel_size.values", "conv.values")),
    ("no_crop", DIL, "return blocks[..., :effective_kernel_size(FH, D), :effective_kernel_size(FW, D)].copy()",
     "return blocks.copy()", "dilate_kernel.values", "crop kron(K, E_D)", ("effective_kernel_size.values",)),
    ("kron_order_swapped", DIL, "blocks = np.kron(K, corner)", "blocks = np.kron(corner, K)",
     "dilate_kernel.zero_insertion", "np.kron(K, E_D)", ("effective_kernel_size.values",)),
    ("dw_cropped_instead_of_subsampled", DIL, "dw = dw_dilated[..., ::D, ::D]",
     "dw = dw_dilated[..., :w.shape[-2], :w.shape[-1]]", "dilated_conv_backward.values", "[..., ::D, ::D]",
     ("dilated_conv_forward.values", "dilated_conv.equals_conv_with_dilated_kernel")),
    ("dw_of_the_dilated_kernel", DIL, "dw = dw_dilated[..., ::D, ::D]", "dw = dw_dilated",
     "dilated_conv.torch", "has the shape of the dilated kernel", ("dilated_conv_forward.values",)),
    ("dilation_folded_into_stride", DIL,
     "out, conv_cache = conv_forward(x, w_dilated, b, _plain_conv_param(conv_param))",
     "out, conv_cache = conv_forward(x, w, b, {'stride': conv_param['stride'] * conv_param['dilation'], "
     "'pad': conv_param['pad']})", "dilated_conv_forward.values",   # the output's shape gives it away; the
     "has shape", ("dilate_kernel.values", "conv.values")),                # property resting on it is not graded
    ("effective_size_F_times_D", FORM, "return (F - 1) * D + 1", "return F * D", "effective_kernel_size.values",
     "K_eff is", ("conv.values",)),
    ("jump_updated_before_use", FORM, RF_LOOP,
     "        jump = jump * stride\n        r = r + (effective_kernel_size(kernel, dilation) - 1) * jump",
     "receptive_field.brute_force", "hidden check failed: wrong values",
     ("effective_kernel_size.values", "dilated_output_size.values")),
    ("output_size_with_F", FORM, "return _divide(H + 2 * P - effective_kernel_size(F, D), S) + 1",
     "return _divide(H + 2 * P - F, S) + 1", "dilated_output_size.values", "effective kernel size",
     ("effective_kernel_size.values",)),
    ("output_size_floor_division", FORM, "return _divide(H + 2 * P - effective_kernel_size(F, D), S) + 1",
     "return (H + 2 * P - effective_kernel_size(F, D)) // S + 1", "dilated_output_size.values", "true division",
     ("effective_kernel_size.values",)),
    ("int_in_a_formula", FORM, "return (F - 1) * D + 1", "return int((F - 1) * D + 1)",
     "effective_kernel_size.plain_arithmetic", "uses int", ("effective_kernel_size.values",)),
    ("dilation_forgotten_in_receptive_field", FORM, RF_LOOP,
     "        r = r + (kernel - 1) * jump\n        jump = jump * stride",
     "receptive_field.values", "r is", ("effective_kernel_size.values",)),
]


@pytest.mark.parametrize("name,file,old,new,check,says,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, says, still):
    path = mutant(tmp_path, "dilation", file, old, new)
    result, report = outcomes(path, "dilation")
    assert_caught(result, check, still, says=says, report=report)


def loose_files(dest):
    """The three modules of the dilation reference as loose files (no __init__.py): `from .conv import ...`."""
    os.makedirs(dest)
    for name in ("dilation.py", "formulas.py", "conv.py"):
        shutil.copy(os.path.join(REFERENCE, "dilation", name), os.path.join(dest, name))
    return dest


def test_loose_files_with_relative_imports_get_full_marks_and_only_this_assignment(tmp_path):
    """As uploaded to Gradescope: three files, no package. conv.py's conv_output_size does not make it a
    conv_pool submission."""
    from grader.course import Course
    from grader.run import grade
    folder = loose_files(str(tmp_path / "upload"))
    report = grade(folder, (), Course())
    assert {o.assignment for o in report.outcomes} == {"dilation"}
    assert report.score == report.max_score, [(o.check.name, o.output) for o in report.outcomes
                                              if o.status != "passed"]
    archive = str(tmp_path / "upload.zip")
    with zipfile.ZipFile(archive, "w") as zf:
        for name in os.listdir(folder):
            zf.write(os.path.join(folder, name), name)
    result, report = outcomes(archive, "dilation")
    assert report.score == report.max_score, failed(result)


# ---- the suite's own helpers ---------------------------------------------------------------------

@given(KERNEL_DRAWN)
def test_zero_insertion_equals_the_reference(params):
    from reference.dilation.dilation import dilate_kernel
    case = make_kernel(params)
    np.testing.assert_array_equal(zero_insertion(case["K"], case["D"]), dilate_kernel(case["K"], case["D"]))


@given(STACKS)
def test_brute_force_equals_the_recurrence(layers):
    from reference.dilation.formulas import receptive_field
    assert brute_receptive_field(layers) == receptive_field(layers)


@given(dilated_params())
def test_drawn_dilated_cases_tile_exactly(params):
    from reference.dilation.dilation import dilated_conv_forward
    case = make_dilated(params)
    out, _ = dilated_conv_forward(case["x"], case["w"], case["b"], case["conv_param"])
    assert out.shape == case["dout"].shape
