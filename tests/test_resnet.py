"""Mutants of the ResNet reference (NumPy block, counting, torch model): each realistic bug loses points at the
check meant to catch it. Only the checks a mutant concerns are graded (tests/partial.py): torch checks cost
seconds."""
import numpy as np
import pytest
from hypothesis import given, settings

import reference.resnet.counting as counting
import reference.resnet.torch_resnet as torch_resnet
from grader.course import Course
from grader.suites.resnet import BLOCK_DRAWN, make_block, reference_layout, spec_of
from helpers import assert_caught, REFERENCE, mutant
from partial import graded

RB, CO, TR = "residual_block.py", "counting.py", "torch_resnet.py"
BASIC_INIT = ("self.conv1 = conv3x3(inplanes, planes, stride)\n        self.bn1 = nn.BatchNorm2d(planes)\n"
              "        self.relu = nn.ReLU(inplace=True)\n        self.conv2 = conv3x3(planes, planes)\n")
MUTANTS = [
    # name, file, old, new, the check that must fail, checks that must still pass[, a phrase of its output]
    ("relu_before_addition_numpy", RB, "    z = r + s\n    return np.maximum(z, 0), (h, z, cache1, cache2, cache_s)",
     "    z = np.maximum(r, 0) + s\n    return z, (h, z, cache1, cache2, cache_s)", "residual_block_forward.values",
     (), "ReLU comes after the addition"),
    ("identity_gradient_term_missing", RB, "dx = dx + dz  #", "dx = dx  #", "residual_block.zero_residual_is_identity",
     ("residual_block_forward.values",)),
    ("identity_shape_not_checked", RB, "if stride != 1 or params['W2'].shape[0] != x.shape[1]:", "if False:",
     "residual_block.identity_needs_matching_shapes", ("residual_block_forward.values",)),
    ("projection_missing_on_first_block", CO, "reshape = stride != 1 or C_in != C_out", "reshape = stride != 1",
     "resnet_params.torchvision", ("conv_output_size.values",)),
    ("stride_on_the_other_conv", CO, "s1, s3 = (stride, 1) if BOTTLENECK_VERSION == 'v1' else (1, stride)",
     "s1, s3 = (1, stride) if BOTTLENECK_VERSION == 'v1' else (stride, 1)", "resnet_macs.v1_5",
     ("resnet_params.torchvision",)),
    ("fc_bias_forgotten", CO, "'params': (C + 1) * num_classes", "'params': C * num_classes",
     "resnet_params.torchvision", ("resnet_macs.v1",), "fully connected layer has a bias"),
    ("max_pool_forgotten", CO, "H, C = conv_output_size(rows[-1]['out_size'], 3, 2, 1), 64",
     "H, C = rows[-1]['out_size'], 64", "resnet_layer_table.stage_sizes", ("resnet_params.torchvision",)),
    ("input_instead_of_output_size", CO, "'macs': H_out * H_out * C_out", "'macs': H * H * C_out", "resnet_macs.v1",
     ("resnet_params.torchvision",)),
    ("keras_setting_ignored", CO, "(4 if COUNT_BN_MOVING_STATS else 2) * C", "2 * C", "resnet_params.keras",
     ("resnet_params.torchvision",)),
    ("shortcut_setting_ignored", CO, "if SHORTCUT == 'C' or (SHORTCUT == 'B' and reshape):", "if reshape:",
     "resnet_counts.settings", ("resnet_params.torchvision",)),
    ("relu_before_addition_torch", TR, "return self.relu(out + identity)", "return self.relu(out) + identity",
     "torch.blocks", ()),
    ("projection_missing_torch", TR, "if stride != 1 or self.inplanes != planes * block.expansion:",
     "if stride != 1:", "torch.param_counts", (), "layer1.0.downsample.0.weight"),
    ("stride_on_the_other_conv_torch", TR, "s1, s3 = (1, stride) if STRIDE_ON_3X3 else (stride, 1)",
     "s1, s3 = (stride, 1) if STRIDE_ON_3X3 else (1, stride)", "torch.blocks", ()),
    ("basic_block_stride_on_conv2", TR, BASIC_INIT,
     BASIC_INIT.replace("(inplanes, planes, stride)", "(inplanes, planes)").replace(
         "conv3x3(planes, planes)", "conv3x3(planes, planes, stride)"), "torch.blocks", ()),
    ("stride_setting_ignored_torch", TR, "s1, s3 = (1, stride) if STRIDE_ON_3X3 else (stride, 1)",
     "s1, s3 = (1, stride)", "torch.bottleneck_other_convention", ("torch.blocks",)),
    ("fc_bias_forgotten_torch", TR, "nn.Linear(512 * block.expansion, num_classes)",
     "nn.Linear(512 * block.expansion, num_classes, bias=False)", "torch.param_counts", ()),
    ("max_pool_forgotten_torch", TR, "x = self.maxpool(self.relu(self.bn1(self.conv1(x))))",
     "x = self.relu(self.bn1(self.conv1(x)))", "torch.forward_composition", ("torch.stage_shapes",)),
    ("softmax_in_forward", TR, "return self.fc(torch.flatten(self.avgpool(x), 1))",
     "return torch.softmax(self.fc(torch.flatten(self.avgpool(x), 1)), 1)", "torch.overfits", ()),
    ("stem_detached", TR, "x = self.maxpool(self.relu(self.bn1(self.conv1(x))))",
     "x = self.maxpool(self.relu(self.bn1(self.conv1(x)))).detach()", "torch.gradients_reach_stem", ()),
]


@pytest.mark.parametrize("name,file,old,new,check,still,phrase",
                         [m + ("",) * (7 - len(m)) for m in MUTANTS], ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, still, phrase):
    path = mutant(tmp_path, "resnet", file, old, new)
    result = graded(path, "resnet", (check,) + still)
    assert_caught(result, check, still, says=phrase)


def test_hidden_logits_catch_a_forgotten_max_pool(tmp_path):
    path = mutant(tmp_path, "resnet", TR, "x = self.maxpool(self.relu(self.bn1(self.conv1(x))))",
                  "x = self.relu(self.bn1(self.conv1(x)))")
    out = graded(path, "resnet", ("torch.logits",))["torch.logits"]
    assert out.status == "failed" and out.output.startswith("hidden check failed: wrong values")


def test_course_setting_reaches_student_and_reference(tmp_path):
    """BOTTLENECK_VERSION = 'v1' in the course file: the reference passes the course-driven checks (counts and
    the torch Bottleneck, through STRIDE_ON_3X3); a torch model that ignores the constant fails; the published
    v1.5 figures stay v1.5; the parent's reference modules are restored."""
    course = Course(settings={"resnet": {"BOTTLENECK_VERSION": "v1"}})
    checks = ("resnet_counts.values", "resnet_macs.v1_5", "torch.blocks")
    result = graded(REFERENCE + "/resnet", "resnet", checks, course)
    assert all(result[c].status == "passed" for c in checks), {c: result[c].output for c in checks}
    path = mutant(tmp_path, "resnet", TR, "s1, s3 = (1, stride) if STRIDE_ON_3X3 else (stride, 1)",
                  "s1, s3 = (1, stride)")
    assert graded(path, "resnet", ("torch.blocks",), course)["torch.blocks"].status == "failed"
    assert counting.BOTTLENECK_VERSION == "v1.5" and torch_resnet.STRIDE_ON_3X3 is True


def test_reference_layout_is_torchvisions():
    assert [reference_layout(d)[1] for d in (18, 34, 50, 101, 152)] == [
        11_689_512, 21_797_672, 25_557_032, 44_549_160, 60_192_808]
    names = reference_layout(50)[0]
    assert "layer1.0.downsample.0.weight" in names and "fc.bias" in names
    assert [n for n, _ in spec_of("resnet", 18, 10)][-2:] == ["fc.weight", "fc.bias"]


@settings(max_examples=5)
@given(BLOCK_DRAWN)
def test_torch_oracle_agrees_with_the_reference(p):
    from reference.resnet.oracle import residual_block
    from reference.resnet.residual_block import residual_block_backward, residual_block_forward
    case = make_block(p)
    out, cache = residual_block_forward(case["x"], case["params"], case["stride"])
    dx, grads = residual_block_backward(case["dout"], cache)
    t_out, t_dx, t_grads = residual_block(case["x"], case["params"], case["stride"], case["dout"])
    assert np.allclose(out, t_out, rtol=1e-10, atol=1e-12) and np.allclose(dx, t_dx, rtol=1e-10, atol=1e-12)
    assert all(np.allclose(grads[n], t_grads[n], rtol=1e-10, atol=1e-12) for n in grads)
