"""Checks of ResNet: a residual block in NumPy, parameter and multiply-add counts, VGG-16, the network in torch.

Counts are compared with the reference on the published configurations, each in the convention its figure
belongs to (torchvision's parameters, the paper's v1 and torchvision's v1.5 multiply-adds, Keras' parameters),
and on drawn depths, sizes and settings. The NumPy block: values and gradients against the reference, torch
autograd (reference/resnet/oracle.py) and the student's own forward; the lecture's identity property.

The torch models run in the worker like any student code; the parent only ever sees numbers, strings and
arrays. Plans build tensors where the model runs (`torch.from_numpy`, `torch.normal` with a seeded
`torch.Generator`, both sides drawing the same weights), copy them in by name with `load_state_dict`, call
submodules by name (`get_submodule`), count with `parameters_to_vector(...).numel()`, and train with torch's
own SGD and cross-entropy as plan steps. CPU is enough; CUDA is used when both processes see a GPU.
"""
import contextlib
import functools
import math

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.context import returned_instead_of_raising
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, TensorValue, as_scalar, check_value
from ..spec import HIDDEN, Assignment, Setting

SIZE, TABLE, PARAMS, MACS = "conv_output_size", "resnet_layer_table", "resnet_params", "resnet_macs"
VGG_TABLE, VGG_PARAMS, VGG_ACTS = "vgg_layer_table", "vgg_params", "vgg_activations"
FWD, BWD = "residual_block_forward", "residual_block_backward"
BASIC, BOTTLENECK, RESNET, BUILD = "BasicBlock", "Bottleneck", "ResNet", "resnet"
DEPTHS = (18, 34, 50, 101, 152)
TORCHVISION = {"SHORTCUT": "B", "CONV_BIAS": False, "COUNT_BN_MOVING_STATS": False}
KERAS = {"SHORTCUT": "B", "CONV_BIAS": True, "COUNT_BN_MOVING_STATS": True}
V1 = dict(TORCHVISION, BOTTLENECK_VERSION="v1")
V15 = dict(TORCHVISION, BOTTLENECK_VERSION="v1.5")


# ---------------------------------------------------------------- counting

SIZE_PUBLIC = ({"H": 224, "F": 7, "S": 2, "P": 3}, {"H": 112, "F": 3, "S": 2, "P": 1},
               {"H": 56, "F": 1, "S": 2, "P": 0}, {"H": 7, "F": 3, "S": 2, "P": 1})
SIZE_DRAWN = st.fixed_dictionaries({"H": st.integers(1, 300), "F": st.integers(1, 7), "S": st.integers(1, 4),
                                    "P": st.integers(0, 3)}).filter(lambda p: p["H"] + 2 * p["P"] >= p["F"])


def depth_cases(*depths, **extra):
    return tuple(dict({"depth": d, "input_size": 224, "num_classes": 1000}, **extra) for d in depths)


def params(plan, i):
    return plan.call(PARAMS, i["depth"], num_classes=i["num_classes"])


def macs(plan, i):
    return plan.call(MACS, i["depth"], input_size=i["input_size"], num_classes=i["num_classes"])


def counts(plan, i):
    return params(plan, i), macs(plan, i)


COUNT_DRAWN = st.fixed_dictionaries({"depth": st.sampled_from(DEPTHS), "input_size": st.integers(32, 320),
                                     "num_classes": st.integers(1, 1000)})
SETTINGS_DRAWN = st.fixed_dictionaries({
    "depth": st.sampled_from(DEPTHS), "input_size": st.integers(32, 320), "num_classes": st.integers(1, 1000),
    "BOTTLENECK_VERSION": st.sampled_from(["v1", "v1.5"]), "SHORTCUT": st.sampled_from(["A", "B", "C"]),
    "CONV_BIAS": st.booleans(), "COUNT_BN_MOVING_STATS": st.booleans()})
SETTINGS_PUBLIC = (dict(depth_cases(34)[0], BOTTLENECK_VERSION="v1.5", SHORTCUT="A", CONV_BIAS=False,
                        COUNT_BN_MOVING_STATS=False),
                   dict(depth_cases(50)[0], BOTTLENECK_VERSION="v1", SHORTCUT="C", CONV_BIAS=False,
                        COUNT_BN_MOVING_STATS=False))
SETTING_NAMES = ("BOTTLENECK_VERSION", "SHORTCUT", "CONV_BIAS", "COUNT_BN_MOVING_STATS")


def drawn_settings(inputs):
    return {k: inputs[k] for k in SETTING_NAMES}


def counts_hints(inputs):
    def rules(s, e):
        if s < e and inputs["num_classes"] and e - s == inputs["num_classes"]:
            return "num_classes parameters short: the fully connected layer has a bias"
        return None
    return [rules]


def table_summary(table):
    """What a layer table must get right, whatever its names and the order inside a block: per layer type, the
    sorted (out_size, params, macs) of its rows; and per stage (name prefix), the size of its last conv."""
    if not isinstance(table, list) or not all(isinstance(r, dict) for r in table):
        raise Fail("resnet_layer_table should return a list of dicts", "wrong return value")
    summary, stages = {}, {}
    for r in table:
        missing = [k for k in ("name", "type", "out_size", "params", "macs") if k not in r]
        if missing:
            raise Fail("a row of the layer table has no %s: %r" % (", ".join(map(repr, missing)), r), "missing keys")
        if r["type"] not in ("conv", "bn", "fc"):
            raise Fail("a row has type %r; the types are 'conv', 'bn' and 'fc'" % (r["type"],), "wrong values")
        row = [as_scalar(r[k], "%s[%r]" % (r["name"], k)) for k in ("out_size", "params", "macs")]
        summary.setdefault(r["type"], []).append(row)
        if r["type"] == "conv" and isinstance(r["name"], str):
            stages[r["name"].split(".")[0]] = int(row[0])
    return {t: np.array(sorted(rows)) for t, rows in sorted(summary.items())}, stages


def table_matches(ctx, inputs):
    """Every conv, BN and fc row (sizes, parameters, multiply-adds) as in the reference's table."""
    student, expected = ctx.both(lambda plan: [plan.call(TABLE, inputs["depth"], input_size=inputs["input_size"],
                                                         num_classes=inputs["num_classes"])])
    got, _ = table_summary(student[0])
    want, _ = table_summary(expected[0])
    for kind, rows in want.items():
        if kind not in got or got[kind].shape != rows.shape:
            raise Fail("ResNet-%d's table should have %d '%s' rows, yours has %d"
                       % (inputs["depth"], len(rows), kind, len(got.get(kind, ()))), "wrong number of layers",
                       hint="one row per conv, BN and fc layer, projection shortcuts included")
        check_value(got[kind], rows, "the sorted (out_size, params, macs) of the '%s' rows" % kind, 0)


def stage_sizes(ctx, inputs):
    """The last conv of the stem and of each stage has the published spatial size (224: 112, 56, 28, 14, 7)."""
    plan = ctx.plan()
    plan.returns(plan.call(TABLE, inputs["depth"]))
    _, stages = table_summary(ctx.run_student(plan)[0])
    expected = {"conv1": 112, "layer1": 56, "layer2": 28, "layer3": 14, "layer4": 7}
    missing = [k for k in expected if k not in stages]
    if missing:
        raise Fail("no conv row is named %s (names like 'conv1', 'layer2.0.conv1')" % " or ".join(
            "%s…" % k for k in missing), "stage names", hint="name the rows as the docstring does")
    check_value({k: stages[k] for k in expected}, expected, "output size of the last conv of each stage", 0)


# ---------------------------------------------------------------- VGG

VGG11 = (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M")
VGG13 = (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M")
VGG16 = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M")
VGG19 = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M")
VGGS = {11: VGG11, 13: VGG13, 16: VGG16, 19: VGG19}
VGG_DRAWN = st.fixed_dictionaries({"vgg": st.sampled_from([11, 13, 16, 19]), "input_size": st.sampled_from(
    [32, 64, 96, 128, 160, 224, 256]), "fc": st.sampled_from([(4096, 4096, 1000), (512, 10), (100,)])})


def make_vgg(p):
    return {"config": VGGS[p["vgg"]], "fc": p["fc"], "input_size": p["input_size"]}


def vgg_counts(plan, i):
    return (plan.call(VGG_PARAMS, i["config"], i["fc"]),
            plan.call(VGG_ACTS, i["config"], i["fc"], input_size=i["input_size"]))


def vgg_rows(ctx, inputs):
    """VGG-16's table row by row: shape, activations and parameters (names are free)."""
    student, expected = ctx.both(lambda plan: [plan.call(VGG_TABLE, inputs["config"], inputs["fc"],
                                                         input_size=inputs["input_size"])])
    if not isinstance(student[0], list) or not all(isinstance(r, dict) for r in student[0]):
        raise Fail("vgg_layer_table should return a list of dicts", "wrong return value")
    keep = ("shape", "activations", "params")
    check_value([{k: r.get(k) for k in keep} for r in student[0]], [{k: r[k] for k in keep} for r in expected[0]],
                "rows", 0)


# ---------------------------------------------------------------- the NumPy residual block

def make_block(p):
    """x (N, C, H, H), params of a block with F = 2C at stride 2 (projection), else F = C or F = C + 1."""
    rng = np.random.default_rng(p["seed"])
    N, C, H, stride, proj = p["N"], p["C"], p["H"], p["stride"], p["proj"]
    F = 2 * C if stride == 2 else C + p.get("extra", 0) if proj else C
    case = {"W1": rng.standard_normal((F, C, 3, 3)) * 0.3, "b1": rng.standard_normal(F) * 0.1,
            "W2": rng.standard_normal((F, F, 3, 3)) * 0.3, "b2": rng.standard_normal(F) * 0.1}
    if proj:
        case["Ws"] = rng.standard_normal((F, C, 1, 1)) * 0.3
        case["bs"] = rng.standard_normal(F) * 0.1
    H_out = 1 + (H - 1) // stride
    return {"x": rng.standard_normal((N, C, H, H)), "params": case, "stride": stride,
            "dout": rng.standard_normal((N, F, H_out, H_out))}


BLOCK_PUBLIC = ({"N": 2, "C": 3, "H": 5, "stride": 1, "proj": False, "seed": 0},
                {"N": 2, "C": 2, "H": 6, "stride": 2, "proj": True, "seed": 1},
                {"N": 1, "C": 3, "H": 4, "stride": 1, "proj": True, "extra": 1, "seed": 2},
                {"N": 2, "C": 2, "H": 7, "stride": 2, "proj": True, "seed": 3})
BLOCK_DRAWN = st.one_of(
    st.fixed_dictionaries({"N": st.integers(1, 3), "C": st.integers(1, 4), "H": st.integers(1, 7),
                           "stride": st.just(1), "proj": st.just(False), "seed": st.integers(0, 2 ** 16)}),
    st.fixed_dictionaries({"N": st.integers(1, 3), "C": st.integers(1, 3), "H": st.integers(1, 7),
                           "stride": st.just(2), "proj": st.just(True), "seed": st.integers(0, 2 ** 16)}),
    st.fixed_dictionaries({"N": st.integers(1, 3), "C": st.integers(1, 4), "H": st.integers(1, 7),
                           "stride": st.just(1), "proj": st.just(True), "extra": st.integers(0, 2),
                           "seed": st.integers(0, 2 ** 16)}))


def block_forward(plan, i):
    return plan.call(FWD, i["x"], i["params"], stride=i["stride"])[0]


def block_backward(plan, i):
    return plan.call(BWD, i["dout"], plan.call(FWD, i["x"], i["params"], stride=i["stride"])[1])


def block_hints(inputs):
    def relu_before_addition(s, e):
        if s.shape == e.shape and np.any(s < 0):
            return "negative outputs: the ReLU comes after the addition, relu(F(x) + shortcut(x))"
        return None
    return [relu_before_addition]


def flat_case(proj):
    def make(p):
        case = make_block(dict(p, proj=proj))
        return dict(case.pop("params"), **case)
    return make


def flat_names(i):
    return [n for n in ("W1", "b1", "W2", "b2", "Ws", "bs") if n in i]


def flat_forward(plan, i):
    return plan.call(FWD, i["x"], {n: i[n] for n in flat_names(i)}, stride=i["stride"])[0]


def flat_analytic(plan, i):
    grads = plan.call(BWD, i["dout"], plan.call(FWD, i["x"], {n: i[n] for n in flat_names(i)},
                                                stride=i["stride"])[1])
    return [grads[0]] + [grads[1][n] for n in flat_names(i)]


def block_matches_torch(ctx, inputs):
    plan = ctx.plan()
    fwd = plan.call(FWD, inputs["x"], inputs["params"], stride=inputs["stride"])
    plan.returns(fwd[0], plan.call(BWD, inputs["dout"], fwd[1]))
    out, grads = ctx.run_student(plan)
    from reference.resnet import oracle
    e_out, e_dx, e_grads = oracle.residual_block(inputs["x"], inputs["params"], inputs["stride"], inputs["dout"])
    check_value(out, e_out, "out (vs torch)", 1e-8)
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        raise Fail("residual_block_backward should return (dx, grads)", "wrong return value")
    check_value(grads[0], e_dx, "dx (vs torch)", 1e-8)
    check_value(grads[1], e_grads, "grads (vs torch)", 1e-7)


def make_identity(p):
    case = make_block(dict(p, stride=1, proj=False))
    case["params"]["W2"][:] = 0.0
    case["params"]["b2"][:] = 0.0
    return case


IDENTITY_PUBLIC = ({"N": 2, "C": 3, "H": 4, "seed": 0}, {"N": 1, "C": 1, "H": 1, "seed": 1})
IDENTITY_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 3), "C": st.integers(1, 4), "H": st.integers(1, 6),
                                        "seed": st.integers(0, 2 ** 16)})


def zero_residual_is_identity(ctx, inputs):
    """W2 = 0, b2 = 0: out = relu(x), and the upstream gradient passes unchanged (masked by the final ReLU)."""
    x, p, dout = inputs["x"], inputs["params"], inputs["dout"]
    positive = np.abs(x) + 0.1
    plan = ctx.plan()
    a = plan.call(FWD, positive, p, stride=1)
    b = plan.call(FWD, x, p, stride=1)
    plan.returns(a[0], plan.call(BWD, dout, a[1]), b[0], plan.call(BWD, dout, b[1]))
    out_pos, (dx_pos, _), out, (dx, _) = ctx.run_student(plan)
    check_value(out_pos, positive, "out for a positive x", 1e-12)
    try:
        check_value(dx_pos, dout, "dx for a positive x", 1e-10)
    except Fail as fail:
        raise Fail("with zero residual weights (W2 = 0, b2 = 0) the block is the identity on a positive x, so "
                   "the upstream gradient must pass through unchanged.\n" + fail.message,
                   "identity gradient term missing", hint="dx = (gradient through the convolutions) + dz: the "
                                                          "shortcut adds the upstream gradient itself") from None
    check_value(out, np.maximum(x, 0), "out (= relu(x))", 1e-12,
                [lambda s, e: "the ReLU comes after the addition: relu(F(x) + x)" if np.any(s < 0) else None])
    check_value(dx, dout * (x > 0), "dx (= dout · (x > 0))", 1e-10)


def make_mismatch(p):
    rng = np.random.default_rng(p["seed"])
    C, F, stride = p["C"], p["F"], p["stride"]
    params = {"W1": rng.standard_normal((F, C, 3, 3)), "b1": rng.standard_normal(F),
              "W2": rng.standard_normal((F, F, 3, 3)), "b2": rng.standard_normal(F)}
    return {"x": rng.standard_normal((2, C, 6, 6)), "params": params, "stride": stride}


MISMATCH_PUBLIC = ({"C": 1, "F": 2, "stride": 1, "seed": 0}, {"C": 2, "F": 2, "stride": 2, "seed": 1},
                   {"C": 2, "F": 4, "stride": 2, "seed": 2})


def identity_needs_matching_shapes(ctx, inputs):
    plan = ctx.plan()
    plan.returns(plan.call(FWD, inputs["x"], inputs["params"], stride=inputs["stride"])[0])
    if returned_instead_of_raising(ctx, plan) is None:
        return
    C, F = inputs["x"].shape[1], inputs["params"]["W1"].shape[0]
    raise Fail("an identity shortcut (no Ws) from %d to %d channels at stride %d cannot be added; "
               "residual_block_forward must raise ValueError (yours returned a value)" % (C, F, inputs["stride"]),
               "shape mismatch accepted", hint="check F == C and stride == 1 before using the identity")


# ---------------------------------------------------------------- torch: helpers

def torch_reference():
    from reference.resnet import torch_resnet
    return torch_resnet


@contextlib.contextmanager
def no_init():
    """Build reference models without drawing their initial weights (10× faster; only names, shapes and counts
    are read from them). This process only: the student's models initialise as they like."""
    from unittest import mock

    import torch
    keep = lambda tensor, *args, **kwargs: tensor  # noqa: E731
    with mock.patch.object(torch.nn.init, "kaiming_normal_", keep), \
            mock.patch.object(torch.nn.init, "kaiming_uniform_", keep), \
            mock.patch.object(torch.nn.init, "uniform_", keep):
        yield


@functools.lru_cache(maxsize=None)
def reference_layout(depth, num_classes=1000):
    """(state_dict names, parameter count) of the reference model: the oracle of the counts."""
    with no_init():
        model = torch_reference().resnet(depth, num_classes)
    return list(model.state_dict()), int(sum(p.numel() for p in model.parameters()))


@functools.lru_cache(maxsize=None)
def spec_of(kind, *args):
    """[(name, shape)] of a reference module built in this process: ("resnet", depth, classes) or a block
    (kind, inplanes, planes, stride, downsample channels or 0)."""
    from reference.resnet.oracle import state_spec
    R = torch_reference()
    with no_init():
        return state_spec(R.resnet(*args) if kind == "resnet" else block_module(R, kind, args))


def block_module(R, kind, args):
    import torch.nn as nn
    inplanes, planes, stride, down = args
    downsample = nn.Sequential(nn.Conv2d(inplanes, down, 1, stride=stride, bias=False), nn.BatchNorm2d(down)) \
        if down else None
    return getattr(R, kind)(inplanes, planes, stride, downsample)


def random_state(plan, spec, seed):
    """A state dict drawn where the plan runs, the same on both sides: conv/fc weights ~ N(0, 2/fan_in),
    BatchNorm γ ~ N(1, 0.1²), β, biases, running means ~ N(0, 0.1²), running variances ~ N(1, 0.1²)."""
    gen = plan.library("torch.Generator")
    plan.method(gen, "manual_seed", seed)
    state = {}
    for name, shape in spec:
        leaf = name.rsplit(".", 1)[-1]
        if leaf == "num_batches_tracked":
            state[name] = plan.library("torch.tensor", 0)
            continue
        if leaf == "running_var" or (leaf == "weight" and len(shape) == 1):
            mean, std = 1.0, 0.1
        elif leaf in ("running_mean", "bias"):
            mean, std = 0.0, 0.1
        else:
            mean, std = 0.0, math.sqrt(2.0 / max(1, int(np.prod(shape[1:]))))
        state[name] = plan.library("torch.normal", mean, std, size=tuple(shape), generator=gen)
    return state


def tensor(plan, array):
    return plan.library("torch.from_numpy", np.ascontiguousarray(array))


def downsample(plan, inplanes, outplanes, stride):
    return plan.library("torch.nn.Sequential", plan.library("torch.nn.Conv2d", inplanes, outplanes, 1,
                                                            stride=stride, bias=False),
                        plan.library("torch.nn.BatchNorm2d", outplanes))


# ---------------------------------------------------------------- torch: the checks' bodies

def param_counts(ctx, inputs):
    """resnet(depth): state_dict names as torchvision's, and the published parameter count. The model is built
    on torch's "meta" device: shapes without storage, so ResNet-152's 60 M parameters cost no initialisation."""
    depth = inputs["depth"]
    plan = ctx.plan()
    plan.library("torch.set_default_device", "meta")
    model = plan.call(BUILD, depth)
    names = plan.library("builtins.list", plan.method(model, "state_dict"))
    count = plan.method(plan.library("torch.nn.utils.parameters_to_vector", plan.method(model, "parameters")),
                        "numel")
    plan.returns(names, count)
    try:
        got_names, got_count = ctx.run_student(plan)
    finally:                                  # the later checks build real models, whatever happened here
        reset = ctx.plan()
        reset.library("torch.set_default_device", None)
        ctx.student.run(reset)
    names, count = reference_layout(depth)
    if not isinstance(got_names, list) or not all(isinstance(n, str) for n in got_names):
        raise Fail("resnet(%d).state_dict() should have string keys" % depth, "wrong return value")
    missing = [n for n in names if n not in set(got_names)]
    extra = [n for n in got_names if n not in set(names)]
    if missing or extra:
        raise Fail("resnet(%d)'s state_dict does not have torchvision's names: missing %s; unexpected %s"
                   % (depth, ", ".join(missing[:4]) + (" …" if len(missing) > 4 else "") or "(none)",
                      ", ".join(extra[:4]) + (" …" if len(extra) > 4 else "") or "(none)"), "wrong module names",
                   hint="use the attribute names listed in torch_resnet.py (conv1, bn1, layer1..4, downsample, fc)")
    check_value(got_count, count, "the number of parameters of resnet(%d)" % depth, 0)


BLOCK_CASES = (  # kind, inplanes, planes, stride, downsample channels (0: none), input size
    {"kind": BASIC, "inplanes": 8, "planes": 8, "stride": 1, "down": 0, "H": 6, "seed": 0},
    {"kind": BASIC, "inplanes": 8, "planes": 16, "stride": 2, "down": 16, "H": 7, "seed": 1},
    {"kind": BOTTLENECK, "inplanes": 16, "planes": 4, "stride": 1, "down": 0, "H": 5, "seed": 2},
    {"kind": BOTTLENECK, "inplanes": 8, "planes": 4, "stride": 1, "down": 16, "H": 5, "seed": 3},
    {"kind": BOTTLENECK, "inplanes": 8, "planes": 4, "stride": 2, "down": 16, "H": 7, "seed": 4})


def make_torch_block(p):
    return dict(p, x=np.random.default_rng(p["seed"]).standard_normal((2, p["inplanes"], p["H"], p["H"])))


def torch_block(plan, i):
    """The student's block with the reference's weights drawn in, in float64, eval mode (BatchNorm with its
    running statistics), on the same input."""
    args = (i["inplanes"], i["planes"], i["stride"], i["down"])
    down = downsample(plan, i["inplanes"], i["down"], i["stride"]) if i["down"] else None
    block = plan.new(i["kind"], i["inplanes"], i["planes"], i["stride"], down)
    plan.method(block, "load_state_dict", random_state(plan, spec_of(i["kind"], *args), i["seed"]))
    plan.method(block, "double")
    plan.method(block, "eval")
    return plan.method(block, "__call__", tensor(plan, i["x"]))


def other_convention(ctx, inputs):
    """The Bottleneck again, with the stride convention the course did not choose."""
    version = ctx.assignment.setting_values(ctx.course)["BOTTLENECK_VERSION"]
    flipped = {"BOTTLENECK_VERSION": "v1" if version == "v1.5" else "v1.5"}
    (student,), (expected,) = ctx.both(lambda plan: [torch_block(plan, inputs)], flipped)
    check_value(student, expected, "output with BOTTLENECK_VERSION = %r" % flipped["BOTTLENECK_VERSION"], 1e-9,
                tensors=True)


def stage_shapes(ctx, inputs):
    """resnet(depth) on one 224×224 image: the stem, then each stage called by name, gives 56, 28, 14, 7."""
    depth = inputs["depth"]
    plan = ctx.plan()
    model = plan.call(BUILD, depth)
    plan.method(model, "eval")
    h = plan.library("torch.normal", 0.0, 1.0, size=(1, 3, 224, 224))
    shapes = []
    for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"):
        h = plan.method(plan.method(model, "get_submodule", name), "__call__", h)
        if name.startswith("layer"):
            shapes.append(plan.library("builtins.tuple", plan.method(h, "size")))
    plan.returns(*shapes)
    e = 1 if depth < 50 else 4
    expected = [(1, 64 * e, 56, 56), (1, 128 * e, 28, 28), (1, 256 * e, 14, 14), (1, 512 * e, 7, 7)]
    for got, want, n in zip(ctx.run_student(plan), expected, range(1, 5)):
        check_value(got, want, "resnet(%d).layer%d output shape" % (depth, n), 0)


STAGES = ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool")


def forward_composition(ctx, inputs):
    """model(x) equals fc(flatten(avgpool(layer4(…layer1(maxpool(relu(bn1(conv1(x))))))))): forward runs every
    stage once, in order (eval mode)."""
    plan = ctx.plan()
    model = plan.call(BUILD, inputs["depth"], num_classes=10)
    plan.method(model, "eval")
    x = tensor(plan, inputs["x"])
    full = plan.method(model, "__call__", x)
    h = x
    for name in STAGES:
        h = plan.method(plan.method(model, "get_submodule", name), "__call__", h)
    manual = plan.method(plan.method(model, "get_submodule", "fc"), "__call__", plan.library("torch.flatten", h, 1))
    plan.returns(full, manual)
    full, manual = ctx.run_student(plan)
    check_value(full, manual, "model(x) against the stages called one by one", 1e-5, tensors=True)


def gradients_reach_stem(ctx, inputs):
    plan = ctx.plan()
    plan.library("torch.manual_seed", 0)
    model = plan.call(BUILD, inputs["depth"], num_classes=10)
    out = plan.method(model, "__call__", tensor(plan, inputs["x"]))
    plan.method(plan.method(out, "sum"), "backward")
    grad = plan.library("builtins.getattr", plan.method(model, "get_parameter", "conv1.weight"), "grad")
    plan.returns(grad)
    (grad,) = ctx.run_student(plan)
    if grad is None:
        raise Fail("after backward() of resnet(%d)'s output, conv1.weight.grad is None: the gradient does not reach "
                   "the stem" % inputs["depth"], "gradient does not reach the stem",
                   hint="no .detach(), no torch.no_grad() and no .data in forward")
    if not isinstance(grad, TensorValue):
        raise Fail("conv1.weight.grad should be a tensor", "wrong type")
    g = grad.array.astype(np.float64)
    if not np.all(np.isfinite(g)) or not np.abs(g).sum() > 0:
        raise Fail("conv1.weight.grad is %s" % ("not finite" if not np.all(np.isfinite(g)) else "all zero"),
                   "gradient does not reach the stem")


def worker_device(ctx):
    """'cuda' when the worker and this process both see a GPU, else 'cpu' (asked once per grading)."""
    if not hasattr(ctx, "torch_device"):
        import torch
        plan = ctx.plan()
        plan.returns(plan.library("torch.cuda.is_available"))
        reply = ctx.student.run(plan)
        ctx.torch_device = "cuda" if reply.ok and reply.values[0] is True and torch.cuda.is_available() else "cpu"
    return ctx.torch_device


LOGITS_CASES = ({"model": "resnet18", "seed": 0},)


def make_logits(p):
    return dict(p, x=np.random.default_rng(p["seed"]).standard_normal((2, 3, 64, 64)))


def logits(ctx, inputs):
    """The student's model with the reference's weights (drawn, copied in by name) gives the reference's logits."""
    device = worker_device(ctx)

    def build(plan):
        model, spec = plan.call(BUILD, 18, num_classes=10), spec_of("resnet", 18, 10)
        plan.method(model, "load_state_dict", random_state(plan, spec, inputs["seed"]))
        plan.method(plan.method(model, "double"), "to", device)
        plan.method(model, "eval")
        return [plan.method(model, "__call__", plan.method(tensor(plan, inputs["x"]), "to", device))]
    (student,), (expected,) = ctx.both(build)
    check_value(student, expected, "logits (float64)", 1e-6, tensors=True)


def overfits(ctx, inputs):
    """ResNet(BasicBlock, [1, 1, 1, 1], 10) fits 32 random 16×16 images: torch's SGD (lr 0.1, momentum 0.9) and
    cross-entropy, 15 steps, as plan steps in the worker."""
    device = worker_device(ctx)
    plan = ctx.plan()
    plan.library("torch.manual_seed", inputs["seed"])
    model = plan.new(RESNET, plan.symbol(BASIC), [1, 1, 1, 1], num_classes=10)
    plan.method(model, "to", device)
    x = plan.method(tensor(plan, inputs["x"]), "to", device)
    y = plan.method(tensor(plan, inputs["y"]), "to", device)
    opt = plan.library("torch.optim.SGD", plan.method(model, "parameters"), lr=0.1, momentum=0.9)
    for _ in range(inputs["steps"]):
        plan.method(opt, "zero_grad")
        loss = plan.library("torch.nn.functional.cross_entropy", plan.method(model, "__call__", x), y)
        plan.method(loss, "backward")
        plan.method(opt, "step")
    plan.returns(plan.method(loss, "item"), plan.method(model, "__call__", x))
    loss, scores = ctx.run_student(plan)
    loss = as_scalar(loss, "the training loss")
    if not isinstance(scores, TensorValue) or scores.array.shape != (32, 10):
        raise Fail("the model's output on 32 images should be a (32, 10) tensor", "wrong output")
    right = int((scores.array.argmax(1) == inputs["y"]).sum())
    if not loss < 0.1 or right < 32:
        raise Fail("after %d SGD steps on one batch of 32 random images the loss is %.3g and %d/32 are classified "
                   "right; a ResNet fits them (loss < 0.1, 32/32)" % (inputs["steps"], loss, right),
                   "does not overfit a small batch",
                   hint="scores must be raw logits (no softmax in forward) and every layer must be trained")


def make_overfit(p):
    rng = np.random.default_rng(p["seed"])
    return {"x": rng.standard_normal((32, 3, 16, 16)).astype(np.float32), "y": rng.integers(0, 10, 32),
            "seed": p["seed"], "steps": 15}


def make_small(p):
    return dict(p, x=np.random.default_rng(p["seed"]).standard_normal((2, 3, 32, 32)).astype(np.float32))


# ---------------------------------------------------------------- the checks

CHECKS = [
    # counting
    Compare("conv_output_size.values", 1, (SIZE,), cases=Cases(dict, SIZE_PUBLIC, SIZE_DRAWN),
            build=lambda plan, i: plan.call(SIZE, i["H"], i["F"], i["S"], i["P"]), labels=("size",), tol=0,
            examples=6, description="1 + (H + 2P − F) // S, rounded down: 224 → 112 → 56, …"),
    Compare("resnet_params.torchvision", 3, (PARAMS,), cases=Cases(dict, depth_cases(*DEPTHS)), build=params,
            labels=("params",), tol=0, hints=counts_hints, settings=TORCHVISION,
            description="ResNet-18/34/50/101/152: 11,689,512 / 21,797,672 / 25,557,032 / 44,549,160 / 60,192,808 "
                        "(torchvision: projections only where the shape changes, no conv bias, BN γ and β)"),
    Compare("resnet_macs.v1", 2, (MACS,), cases=Cases(dict, depth_cases(*DEPTHS)), build=macs,
            labels=("multiply-adds",), tol=0, settings=V1,
            description="the paper's v1 (stride on the first 1×1): 1.81 / 3.66 / 3.86 / 7.57 / 11.28 G"),
    Compare("resnet_macs.v1_5", 2, (MACS,), cases=Cases(dict, depth_cases(18, 50, 101)), build=macs,
            labels=("multiply-adds",), tol=0, settings=V15,
            description="torchvision's v1.5 (stride on the 3×3): ResNet-50 4.09 G"),
    Compare("resnet_counts.values", 1, (PARAMS, MACS), cases=Cases(dict, (), COUNT_DRAWN), build=counts,
            labels=("params", "multiply-adds"), tol=0, hints=counts_hints, examples=5,
            description="drawn depths, input sizes and class counts, with the course's settings"),
    Compare("resnet_params.keras", 1, (PARAMS,), HIDDEN, cases=Cases(dict, depth_cases(50, 101, 152)),
            build=params, labels=("params",), tol=0, settings=KERAS,
            description="Keras' convention (conv biases, BN moving statistics): ResNet50 25,636,712"),
    Compare("resnet_counts.settings", 2, (PARAMS, MACS), HIDDEN, cases=Cases(dict, SETTINGS_PUBLIC, SETTINGS_DRAWN),
            build=counts, labels=("params", "multiply-adds"), tol=0, settings=drawn_settings, examples=10,
            description="every combination of BOTTLENECK_VERSION, SHORTCUT ('A', 'B', 'C'), CONV_BIAS and "
                        "COUNT_BN_MOVING_STATS"),
    Property("resnet_layer_table.values", 2, (TABLE,), cases=Cases(dict, depth_cases(18, 50), COUNT_DRAWN),
             body=table_matches, examples=3,
             description="every conv, BN and fc row: output size, parameters, multiply-adds"),
    Property("resnet_layer_table.stage_sizes", 1, (TABLE,), cases=Cases(dict, depth_cases(18, 50)),
             body=stage_sizes, description="the last conv of conv1, layer1..layer4 outputs 112, 56, 28, 14, 7"),
    Compare("vgg.values", 2, (VGG_PARAMS, VGG_ACTS), cases=Cases(make_vgg, ({"vgg": 16, "input_size": 224,
                                                                              "fc": (4096, 4096, 1000)},)),
            build=vgg_counts, labels=("vgg_params", "vgg_activations"), tol=0,
            description="VGG-16: 138,357,544 parameters, 15,237,608 activations per 224×224 image"),
    Property("vgg_layer_table.values", 1, (VGG_TABLE,), cases=Cases(make_vgg, ({"vgg": 16, "input_size": 224,
                                                                                 "fc": (4096, 4096, 1000)},)),
             body=vgg_rows, description="VGG-16's table: shape, activations and parameters of every row"),
    Compare("vgg.hidden", 1, (VGG_PARAMS, VGG_ACTS), HIDDEN, cases=Cases(make_vgg, (), VGG_DRAWN), build=vgg_counts,
            labels=("vgg_params", "vgg_activations"), tol=0, examples=8,
            description="VGG-11/13/19, other heads and input sizes"),
    # the NumPy block
    Compare("residual_block_forward.values", 2, (FWD,), cases=Cases(make_block, BLOCK_PUBLIC, BLOCK_DRAWN),
            build=block_forward, labels=("out",), tol=1e-9, hints=block_hints, examples=4,
            description="relu(conv3x3(relu(conv3x3_s(x))) + shortcut(x)), identity and projection shortcuts"),
    Compare("residual_block_forward.hidden", 1, (FWD,), HIDDEN, cases=Cases(make_block, (), BLOCK_DRAWN),
            build=block_forward, labels=("out",), tol=1e-9, hints=block_hints, examples=8,
            description="the same on hidden inputs"),
    Compare("residual_block_backward.values", 3, (FWD, BWD), cases=Cases(make_block, BLOCK_PUBLIC, BLOCK_DRAWN),
            build=block_backward, labels=("dx", "grads"), tol=1e-8, examples=4,
            description="dx and dW1, db1, dW2, db2 (dWs, dbs) equal the reference's"),
    Compare("residual_block_backward.hidden", 1, (FWD, BWD), HIDDEN, cases=Cases(make_block, (), BLOCK_DRAWN),
            build=block_backward, labels=("dx", "grads"), tol=1e-8, examples=8,
            description="the same on hidden inputs"),
    Gradient("residual_block.numerical_gradient", 2, (FWD, BWD),
             cases=Cases(flat_case(False), ({"N": 2, "C": 2, "H": 5, "stride": 1, "seed": 3},)),
             forward=flat_forward, analytic=flat_analytic, wrt=("x", "W1", "b1", "W2", "b2"), directions=3, probes=2,
             description="identity shortcut: dx, dW, db match centred differences of your own forward"),
    Gradient("residual_block.numerical_gradient_projection", 1, (FWD, BWD),
             cases=Cases(flat_case(True), ({"N": 2, "C": 2, "H": 5, "stride": 2, "seed": 4},)),
             forward=flat_forward, analytic=flat_analytic, wrt=("x", "W1", "b1", "W2", "b2", "Ws", "bs"),
             directions=3, probes=2,
             description="projection shortcut at stride 2: the same, dWs and dbs included"),
    Property("residual_block.matches_torch", 1, (FWD, BWD), cases=Cases(make_block, BLOCK_PUBLIC[:2], BLOCK_DRAWN),
             body=block_matches_torch, examples=3, description="forward and backward equal torch autograd's"),
    Property("residual_block.zero_residual_is_identity", 2, (FWD, BWD),
             cases=Cases(make_identity, IDENTITY_PUBLIC, IDENTITY_DRAWN), body=zero_residual_is_identity, examples=5,
             description="the lecture's property: with W2 = 0, b2 = 0 the block is relu(x) and passes the upstream "
                         "gradient through unchanged (where x > 0)"),
    Property("residual_block.identity_needs_matching_shapes", 1, (FWD,), cases=Cases(make_mismatch, MISMATCH_PUBLIC),
             body=identity_needs_matching_shapes, requires=("residual_block_forward.values",),
             description="ValueError for an identity shortcut when the channels or the stride change"),
    # torch
    Property("torch.param_counts", 3, (BUILD,), cases=Cases(dict, tuple({"depth": d} for d in DEPTHS)),
             body=param_counts, description="resnet(18..152): torchvision's state_dict names and parameter counts"),
    Compare("torch.blocks", 2, (BASIC, BOTTLENECK), cases=Cases(make_torch_block, BLOCK_CASES), build=torch_block,
            labels=("output",), tol=1e-9, tensors=True,
            description="BasicBlock and Bottleneck (with and without downsample, stride 1 and 2) with the "
                        "reference's weights copied in: the same outputs (float64, eval mode, tolerance 1e-9)"),
    Property("torch.bottleneck_other_convention", 1, (BOTTLENECK,), HIDDEN,
             cases=Cases(make_torch_block, BLOCK_CASES[-1:]), body=other_convention,
             description="the Bottleneck follows STRIDE_ON_3X3 when the grader flips it"),
    Property("torch.stage_shapes", 2, (BUILD,), cases=Cases(dict, ({"depth": 18}, {"depth": 50})), body=stage_shapes,
             description="on a 224×224 image, layer1..layer4 output 56, 28, 14, 7 (×64, 128, 256, 512 channels, "
                         "×4 for bottlenecks)"),
    Property("torch.forward_composition", 1, (BUILD,), cases=Cases(make_small, ({"depth": 18, "seed": 0},)),
             body=forward_composition, description="forward runs the stem, the max-pool, the four stages, the "
                                                   "average pool and fc once each, in order"),
    Property("torch.gradients_reach_stem", 1, (BUILD,), cases=Cases(make_small, ({"depth": 18, "seed": 0},)),
             body=gradients_reach_stem, description="after backward(), conv1.weight.grad is finite and non-zero"),
    Property("torch.logits", 2, (BUILD,), HIDDEN, cases=Cases(make_logits, LOGITS_CASES), body=logits,
             description="resnet(18, 10) with the reference's weights copied in by name gives the reference's "
                         "logits (float64, tolerance 1e-6)"),
    Property("torch.overfits", 2, (RESNET, BASIC), HIDDEN, cases=Cases(make_overfit, ({"seed": 0},)), body=overfits,
             description="a small ResNet fits 32 random images in 15 SGD steps"),
]


ASSIGNMENT = Assignment(
    name="resnet", title="ResNet: residual blocks, counts that match the literature, the network in PyTorch",
    symbols=dict({s: ("counting",) for s in (SIZE, TABLE, PARAMS, MACS)},
                 **{s: ("vgg",) for s in (VGG_TABLE, VGG_PARAMS, VGG_ACTS)},
                 **{s: ("residual_block",) for s in (FWD, BWD)},
                 **{s: ("torch_resnet",) for s in (BASIC, BOTTLENECK, RESNET, BUILD)}),
    checks=CHECKS, reference_modules=("counting", "vgg", "residual_block", "torch_resnet"),
    provided={"conv.py": ("conv_pool", "dilation")},    # a working conv_forward / conv_backward
    needs_torch=True, preload=("torch",), memory_mb=4096, call_timeout=30.0, budget=120.0,
    course_settings=(
        Setting("BOTTLENECK_VERSION", "v1.5", ("v1.5", "v1"),
                ((TABLE, "BOTTLENECK_VERSION", None), (BOTTLENECK, "STRIDE_ON_3X3", {"v1.5": True, "v1": False})),
                "where a downsampling bottleneck puts its stride: 'v1.5' on the 3×3 (torchvision), 'v1' on the "
                "first 1×1 (the paper); also STRIDE_ON_3X3 in torch_resnet.py"),
        Setting("SHORTCUT", "B", ("B", "A", "C"), ((TABLE, "SHORTCUT", None),),
                "'B' projections where the shape changes (torchvision), 'A' zero-padding identities, 'C' "
                "projections everywhere"),
        Setting("CONV_BIAS", False, (False, True), ((TABLE, "CONV_BIAS", None),),
                "True: every convolution has a bias (Keras)"),
        Setting("COUNT_BN_MOVING_STATS", False, (False, True), ((TABLE, "COUNT_BN_MOVING_STATS", None),),
                "True: BatchNorm's moving mean and variance count as parameters (Keras' Total params)")))
