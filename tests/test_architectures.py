"""Mutants of the architectures reference: each realistic counting bug loses points at the check meant to catch it
(and names the mistake where a hint can); a student's differently written counter gets full marks."""
import os
import shutil

import pytest

from helpers import REFERENCE, assert_caught, mutant, outcomes
from partial import graded

C = "counting.py"
CONV_PARAMS = "(per_output + (1 if bias else 0)) * C_out"
MUTANTS = [
    # (name, old, new, the check that must fail, what its message must say, checks that must still pass)
    ("conv_bias_always", CONV_PARAMS, "(per_output + 1) * C_out", "count_params.lecture", "{'bias': False}",
     ("output_shape.lecture", "count_macs.lecture")),
    ("groups_ignored", "per_output = C // groups * kh * kw", "per_output = C * kh * kw", "count_params.lecture",
     "groups=g", ("output_shape.lecture", "weight_depth.lecture")),
    ("moving_stats_ignored", "(per_channel + (2 if moving_stats else 0)) * C", "per_channel * C",
     "count_params.lecture", "moving_stats decides", ("count_macs.lecture",)),
    ("bn_scale_ignored", "(1 if opts.get('scale', True) else 0)", "1", "count_params.lecture", "beta only",
     ("count_macs.lecture",)),
    ("separable_as_full_conv", "params = kh * kw * C + (C + bias) * C_out", "params = (kh * kw * C + bias) * C_out",
     "count_params.lecture", "depthwise K x K", ("count_macs.lecture", "output_shape.lecture")),
    ("macs_on_the_input_size", "H * W * C_out * per_output", "shape[1] * shape[2] * C_out * per_output",
     "count_macs.lecture", "multiply-adds", ("count_params.lecture",)),
    ("sizes_rounded_up", "return (H + 2 * P - K) // S + 1", "return -(-(H + 2 * P - K) // S) + 1",
     "output_shape.lecture", "shape", ("weight_depth.lecture",)),
    ("branches_depth_summed", "depth += max(weight_depth(p) for p in layer[1])",
     "depth += sum(weight_depth(p) for p in layer[1])", "weight_depth.lecture", "longest path",
     ("count_params.lecture",)),
    ("shortcut_depth_added", "depth += max(weight_depth(layer[1]), weight_depth(layer[2]))",
     "depth += weight_depth(layer[1]) + weight_depth(layer[2])", "weight_depth.lecture", "depth",
     ("count_params.lecture",)),
    ("mismatch_accepted", "        if kind == 'residual' and outs[0] != outs[1]:\n",
     "        if False:\n", "output_shape.rejects_mismatch", "returned", ("output_shape.values",)),
    ("linear_bias_always", "(shape[0] + (1 if bias else 0)) * D_out", "(shape[0] + 1) * D_out",
     "count_params.values", "{'bias': False}", ("count_macs.values",)),
    ("depth_multiplier_ignored", "C_out = C * opts.get('multiplier', 1)", "C_out = C", "output_shape.values", "shape",
     ("count_params.lecture",)),
    ("bytes_in_mebibytes", "return params * bytes_per_param", "return params * bytes_per_param / 2 ** 20",
     "model_bytes.values", "bytes", ()),
    ("int_breaks_symbols", "return (D_out,), (shape[0] + (1 if bias else 0)) * D_out",
     "return (D_out,), int((shape[0] + (1 if bias else 0)) * D_out)", "symbolic", "hidden check failed",
     ("count_params.lecture",)),
]


@pytest.mark.parametrize("name,old,new,check,says,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, old, new, check, says, still):
    path = mutant(tmp_path, "architectures", C, old, new)
    result = graded(path, "architectures", (check,) + still)
    assert_caught(result, check, still, says=says)


def test_torch_check_catches_what_the_drawn_specs_show(tmp_path):
    """Grouped convolutions ignored in the multiply-adds only: the drawn specs catch it against torch's hooks."""
    path = mutant(tmp_path, "architectures", C, "H * W * C_out * per_output", "H * W * C_out * C * kh * kw")
    result = graded(path, "architectures", ("count_macs.matches_torch", "count_macs.lecture", "count_params.lecture"))
    assert_caught(result, "count_macs.matches_torch", ("count_params.lecture",))
    assert result["count_macs.lecture"].status == "failed"       # AlexNet's two-GPU groups


STUDENT = '''
"""A student's counter: one small class per layer kind, lists instead of tuples."""


class Shape:
    def __init__(self, dims):
        self.dims = list(dims)


def pairs(v):
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v, v]


def conv_out(n, k, s, p):
    return (n - k + 2 * p) // s + 1


def walk(layers, dims, stats):
    params = 0
    macs = 0
    for layer in layers:
        dims, p, m = one(layer, dims, stats)
        params = params + p
        macs = macs + m
    return dims, params, macs


def one(layer, dims, stats):
    kind = layer[0]
    options = {}
    if isinstance(layer[-1], dict):
        options = layer[-1]
    if kind == "branches":
        results = [walk(path, dims, stats) for path in layer[1]]
        sizes = set(tuple(r[0][1:]) for r in results)
        if len(sizes) != 1:
            raise ValueError("branches end with different sizes")
        channels = 0
        for r in results:
            channels = channels + r[0][0]
        return [channels] + list(results[0][0][1:]), sum(r[1] for r in results), sum(r[2] for r in results)
    if kind == "residual":
        a = walk(layer[1], dims, stats)
        b = walk(layer[2], dims, stats)
        if list(a[0]) != list(b[0]):
            raise ValueError("cannot add %s and %s" % (a[0], b[0]))
        return a[0], a[1] + b[1], a[2] + b[2]
    if kind == "flatten":
        return [dims[0] * dims[1] * dims[2]], 0, 0
    if kind == "linear":
        b = 1 if options.get("bias", True) else 0
        return [layer[1]], dims[0] * layer[1] + b * layer[1], dims[0] * layer[1]
    if kind == "bn":
        n = 0
        if options.get("scale", True):
            n += 1
        if options.get("center", True):
            n += 1
        if stats:
            n += 2
        return dims, n * dims[0], 0
    if kind == "gap":
        return [dims[0], 1, 1], 0, 0
    if kind in ("maxpool", "avgpool"):
        k, p = pairs(layer[1]), pairs(layer[3])
        return [dims[0], conv_out(dims[1], k[0], layer[2], p[0]), conv_out(dims[2], k[1], layer[2], p[1])], 0, 0
    if kind == "conv":
        out, k, s, p = layer[1], pairs(layer[2]), layer[3], pairs(layer[4])
        g = options.get("groups", 1)
        h, w = conv_out(dims[1], k[0], s, p[0]), conv_out(dims[2], k[1], s, p[1])
        weights = out * (dims[0] // g) * k[0] * k[1]
        return [out, h, w], weights + (out if options.get("bias", True) else 0), h * w * weights
    if kind == "dwconv":
        k, s, p = pairs(layer[1]), layer[2], pairs(layer[3])
        out = dims[0] * options.get("multiplier", 1)
        h, w = conv_out(dims[1], k[0], s, p[0]), conv_out(dims[2], k[1], s, p[1])
        return [out, h, w], out * k[0] * k[1] + (out if options.get("bias", True) else 0), h * w * out * k[0] * k[1]
    if kind == "sepconv":
        out, k, s, p = layer[1], pairs(layer[2]), layer[3], pairs(layer[4])
        h, w = conv_out(dims[1], k[0], s, p[0]), conv_out(dims[2], k[1], s, p[1])
        depthwise = dims[0] * k[0] * k[1]
        pointwise = dims[0] * out
        bias = out if options.get("bias", True) else 0
        return [out, h, w], depthwise + pointwise + bias, h * w * (depthwise + pointwise)
    raise ValueError(kind)


def output_shape(spec, input_shape=(3, 224, 224)):
    return tuple(walk(spec, list(input_shape), False)[0])


def count_params(spec, input_shape=(3, 224, 224), moving_stats=False):
    return walk(spec, list(input_shape), moving_stats)[1]


def count_macs(spec, input_shape=(3, 224, 224)):
    return walk(spec, list(input_shape), False)[2]


def weight_depth(spec):
    total = 0
    for layer in spec:
        if layer[0] == "branches":
            total += max([weight_depth(path) for path in layer[1]])
        elif layer[0] == "residual":
            total += max(weight_depth(layer[1]), weight_depth(layer[2]))
        elif layer[0] in ["conv", "dwconv", "sepconv", "linear"]:
            total += 1
    return total


def model_bytes(params, bytes_per_param=4):
    return bytes_per_param * params
'''


def test_a_differently_written_counter_gets_full_marks(tmp_path):
    """As a student hands it in: their counting.py beside the provided specs.py, no package."""
    folder = tmp_path / "hw"
    folder.mkdir()
    (folder / "counting.py").write_text(STUDENT)
    shutil.copy(os.path.join(REFERENCE, "architectures", "specs.py"), folder / "specs.py")
    result, report = outcomes(str(folder), "architectures")
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_an_edited_spec_loses_the_lecture_checks(tmp_path):
    """The lecture's networks are built by the submission's own specs.py: editing it gets other counts."""
    path = mutant(tmp_path, "architectures", "specs.py", "('conv', 96, 11, 4, 0)", "('conv', 64, 11, 4, 0)")
    result = graded(path, "architectures", ("count_params.lecture", "count_params.values"))
    assert_caught(result, "count_params.lecture", ("count_params.values",))
