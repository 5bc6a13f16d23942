"""Checks of the architectures assignment: counting a network from its spec (output shape, parameters,
multiply-adds, depth in weight layers, bytes).

The lecture's networks (AlexNet, VGG-16/19, GoogLeNet, ResNet-V2, Inception-V3, Xception, MobileNet,
MobileNetV2) are PROVIDED as specs (specs.py): each plan builds the spec with the submission's own
`architecture(name)` in the worker and hands it to the student's counters, so this process never needs the
spec to ask (and the student kit can replay the reference's answers). Expected values are the reference's
counts; the reference is checked against torch models built on the "meta" device
(reference/architectures/oracle.py) in the tests, and drawn specs are checked against that oracle here.
This file draws specs (tracking shapes only to keep them valid) and words hints; the counts a hint compares
with come from reference/architectures/mistakes.py (grading side).
"""
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.context import returned_instead_of_raising
from ..checks.diagnosis import either
from ..checks.prop import Property
from ..checks.validate import Fail, check_value
from ..spec import HIDDEN, Assignment

ARCH, SHAPE, PARAMS, MACS, DEPTH, BYTES = ("architecture", "output_shape", "count_params", "count_macs",
                                           "weight_depth", "model_bytes")
KERAS = ("resnet50v2", "resnet101v2", "resnet152v2", "inception_v3", "xception", "mobilenet", "mobilenet_v2")
PAPERS = ("alexnet", "alexnet_torchvision", "vgg16", "vgg19", "googlenet")


# ---------------------------------------------------------------- drawn specs

def _kernel(draw, same):
    """(K, P): odd kernels with 'same' padding inside branches and residuals; anything that fits elsewhere."""
    square = draw(st.booleans())
    if same:
        k = draw(st.sampled_from([1, 3])) if square else (draw(st.sampled_from([1, 3])), draw(st.sampled_from([1, 3])))
        return k, (k // 2 if square else (k[0] // 2, k[1] // 2))
    k = draw(st.integers(1, 3)) if square else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return k, draw(st.integers(0, 1))


def _fits(shape, K, S, P):
    (kh, kw), (ph, pw) = [(v, v) if isinstance(v, int) else v for v in (K, P)]
    return shape[1] + 2 * ph >= kh and shape[2] + 2 * pw >= kw


def _opts(**options):
    """The options dict, or nothing when every option has its default."""
    defaults = {"bias": True, "groups": 1, "multiplier": 1, "scale": True, "center": True}
    chosen = {k: v for k, v in options.items() if v != defaults[k]}
    return (chosen,) if chosen else ()


def _after(shape, C, K, S, P):
    (kh, kw), (ph, pw) = [(v, v) if isinstance(v, int) else v for v in (K, P)]
    return (C, (shape[1] + 2 * ph - kh) // S + 1, (shape[2] + 2 * pw - kw) // S + 1)


def _layer(draw, shape, same, nested):
    """One drawn layer and the shape after it."""
    kinds = ["conv", "conv", "bn", "dwconv", "sepconv", "pool"] + (["branches", "residual"] if nested < 2 else [])
    kind = draw(st.sampled_from(kinds))
    C = shape[0]
    S = 1 if same else draw(st.integers(1, 2))
    if kind in ("conv", "sepconv", "dwconv", "pool"):
        K, P = _kernel(draw, same)
        if kind == "pool" and not isinstance(K, int):
            K, P = 3 if same else 2, 1 if same else 0
        if not _fits(shape, K, S, P):
            K, P, S = 1, 0, 1
    if kind == "conv":
        C_out = draw(st.integers(1, 6))
        groups = draw(st.sampled_from([g for g in range(1, C + 1) if C % g == 0 and C_out % g == 0]))
        return ("conv", C_out, K, S, P) + _opts(bias=draw(st.booleans()), groups=groups), _after(shape, C_out, K, S, P)
    if kind == "dwconv":
        m = draw(st.integers(1, 2))
        return ("dwconv", K, S, P) + _opts(bias=draw(st.booleans()), multiplier=m), _after(shape, C * m, K, S, P)
    if kind == "sepconv":
        C_out = draw(st.integers(1, 6))
        return ("sepconv", C_out, K, S, P) + _opts(bias=draw(st.booleans())), _after(shape, C_out, K, S, P)
    if kind == "bn":
        return ("bn",) + _opts(scale=draw(st.booleans()), center=draw(st.booleans())), shape
    if kind == "pool":
        K = K if isinstance(K, int) else K[0]
        P = min(P if isinstance(P, int) else P[0], K // 2)
        if not _fits(shape, K, S, P):
            K, P, S = 1, 0, 1
        return (draw(st.sampled_from(["maxpool", "avgpool"])), K, S, P), _after(shape, C, K, S, P)
    if kind == "branches":
        paths = [_sequence(draw, shape, True, nested + 1, 2) for _ in range(draw(st.integers(2, 3)))]
        return ("branches", tuple(p for p, _ in paths)), (sum(s[0] for _, s in paths),) + shape[1:]
    main, out = _sequence(draw, shape, True, nested + 1, 3)
    shortcut = () if out[0] == C and draw(st.booleans()) else (("conv", out[0], 1, 1, 0) + _opts(
        bias=draw(st.booleans())),)
    return ("residual", main, shortcut), out


def _sequence(draw, shape, same, nested, most):
    layers = []
    for _ in range(draw(st.integers(0 if same else 1, most))):
        layer, shape = _layer(draw, shape, same, nested)
        layers.append(layer)
    return tuple(layers), shape


@st.composite
def drawn_specs(draw):
    """A random valid spec on a small input, with a head (global pool or flatten, linear layers) or not."""
    shape = (draw(st.integers(1, 4)), draw(st.integers(3, 9)), draw(st.integers(3, 9)))
    layers, out = _sequence(draw, shape, False, 0, 4)
    head = draw(st.sampled_from(["none", "gap", "flatten"]))
    if head != "none":
        layers += ((("gap",), ("flatten",)) if head == "gap" else (("flatten",),))
        for _ in range(draw(st.integers(1, 2))):
            layers += (("linear", draw(st.integers(1, 7))) + _opts(bias=draw(st.booleans())),)
    return {"spec": layers, "input_shape": shape, "moving_stats": draw(st.booleans())}


SPECS = drawn_specs()
SMALL_PUBLIC = (  # a few readable specs
    {"spec": (("conv", 4, 3, 1, 1), ("maxpool", 2, 2, 0), ("flatten",), ("linear", 10)), "input_shape": (3, 8, 8),
     "moving_stats": False},
    {"spec": (("conv", 8, 3, 2, 1, {"bias": False}), ("bn",), ("dwconv", 3, 1, 1, {"bias": False, "multiplier": 2}),
              ("bn", {"scale": False}), ("conv", 6, 1, 1, 0, {"groups": 2})), "input_shape": (2, 7, 9),
     "moving_stats": True},
    {"spec": (("branches", ((("conv", 2, 1, 1, 0),), (("maxpool", 3, 1, 1), ("conv", 3, (1, 3), 1, (0, 1))), ())),
              ("residual", (("sepconv", 6, 3, 1, 1),), ()), ("gap",), ("flatten",), ("linear", 5, {"bias": False})),
     "input_shape": (1, 5, 5), "moving_stats": False},
)


# ---------------------------------------------------------------- plans

def lecture(plan, i):
    """(spec, input shape) of one of the lecture's networks, built by the submission's own specs.py."""
    arch = plan.call(ARCH, i["name"], num_classes=i.get("num_classes", 1000))
    return arch[0], arch[1]


def spec_args(plan, i):
    return lecture(plan, i) if "name" in i else (i["spec"], i["input_shape"])


def call_shape(plan, i):
    spec, shape = spec_args(plan, i)
    return plan.call(SHAPE, spec, shape)


def call_params(plan, i):
    spec, shape = spec_args(plan, i)
    return plan.call(PARAMS, spec, shape, moving_stats=i["moving_stats"])


def call_macs(plan, i):
    spec, shape = spec_args(plan, i)
    return plan.call(MACS, spec, shape)


def call_depth(plan, i):
    return plan.call(DEPTH, spec_args(plan, i)[0])


def call_features_shape(plan, i):
    """The output shape of a lecture network cut before its last `cut` layers (its feature extractor)."""
    spec, shape = lecture(plan, i)
    return plan.call(SHAPE, plan.method(spec, "__getitem__", plan.library("builtins.slice", None, -i["cut"])), shape)


FEATURES = (("alexnet", 4), ("vgg16", 4), ("googlenet", 3), ("resnet50v2", 3), ("inception_v3", 3),
            ("xception", 3), ("mobilenet", 3), ("mobilenet_v2", 3))


def the_spec(i):
    """The spec in this process: drawn ones are in the inputs; the lecture's come from the reference (grading
    side only; a hint that needs it is simply left out in the student kit)."""
    if "spec" in i:
        return i["spec"], i["input_shape"]
    from reference.architectures.specs import architecture
    return architecture(i["name"], i.get("num_classes", 1000))


def count_hints(i, explain):
    """Hints for a wrong count: the classic mistakes whose count it equals (reference/architectures/mistakes.py,
    grading side: in the student kit this rule is silent), else how far off it is."""
    words = {
        "moving_stats": "moving_stats decides whether BatchNorm's moving mean and variance (2 per channel) "
                        "count: True for Keras' Total params, False for learnable parameters only",
        "groups_ignored": "a convolution with groups=g sees C_in/g input channels per filter: you counted it as "
                          "a full convolution",
        "bias_ignored": "some layers have {'bias': False}: they have no bias to count",
        "bn_scale_ignored": "('bn', {'scale': False}) has beta only (no gamma), as Keras' Inception-V3 builds it",
        "separable_as_full": "a separable convolution is a depthwise K x K (one filter per input channel) then a "
                             "1 x 1 to C_out, not a full K x K convolution",
    }

    def mistake(s, e):
        from reference.architectures import mistakes
        spec, shape = the_spec(i)
        return either([words[n] for n in explain(mistakes, s, spec, shape)])

    def off_by(s, e):
        return "your count is off by %d: go through the spec layer by layer (a layer's options, its input " \
               "channels, the output size it sees)" % (s - e)
    return [mistake, off_by]


def params_hints(i):
    return count_hints(i, lambda m, s, spec, shape: m.explain_params(s, spec, shape, i["moving_stats"]))


def macs_hints(i):
    return count_hints(i, lambda m, s, spec, shape: m.explain_macs(s, spec, shape))


def depth_hints(i):
    def counted_everything(s, e):
        if s > e:
            return "count only the layers with weights (convolutions and fully connected layers), and along " \
                   "the longest path only: the branches of a module run side by side"
        return None
    return [counted_everything]


def matches_torch(which):
    """The student's count equals what torch measures on the spec built as a real nn.Module (meta device)."""
    call = {"params": call_params, "macs": call_macs, "depth": call_depth, "output_shape": call_shape}[which]

    def body(ctx, i):
        plan = ctx.plan()
        plan.returns(call(plan, i))
        (student,) = ctx.run_student(plan)
        from reference.architectures.oracle import measure
        spec, shape = the_spec(i)
        measured = measure(spec, shape)
        key = "params_with_moving_stats" if which == "params" and i["moving_stats"] else which
        hints = {"params": params_hints, "macs": macs_hints, "depth": depth_hints}.get(which)
        check_value(student, measured[key], "%s (vs torch: the spec built as nn.Module on the meta device)"
                    % {"params": PARAMS, "macs": MACS, "depth": DEPTH, "output_shape": SHAPE}[which], 0,
                    hints(i) if hints else None)
    return body


# ---------------------------------------------------------------- mismatched paths

BAD_PUBLIC = (
    {"spec": (("residual", (("conv", 4, 3, 1, 1),), ()),), "input_shape": (3, 6, 6)},      # channels differ
    {"spec": (("residual", (("conv", 3, 3, 2, 1),), ()),), "input_shape": (3, 6, 6)},      # sizes differ
    {"spec": (("branches", ((("conv", 2, 1, 1, 0),), (("maxpool", 2, 2, 0),))),), "input_shape": (1, 4, 4)},
)


def rejects_mismatch(ctx, i):
    plan = ctx.plan()
    plan.returns(plan.call(SHAPE, i["spec"], i["input_shape"]))
    values = returned_instead_of_raising(ctx, plan)
    if values is None:
        return
    raise Fail("output_shape(%r, %r) returned %r: the paths of that %s end with different shapes, so they cannot "
               "be added (residual) or concatenated along the channels (branches)"
               % (i["spec"], i["input_shape"], values[0], i["spec"][0][0]), "shape mismatch accepted",
               hint="compare the shapes the paths end with and raise ValueError when they do not fit")


# ---------------------------------------------------------------- sympy

def symbolic(plan, i):
    """Counts of lecture networks with the number of classes a sympy symbol, as canonical strings."""
    K = plan.library("sympy.symbols", "K", positive=True, integer=True)

    def canonical(ref):
        return plan.library("sympy.sstr", plan.library("sympy.expand", ref), order="lex")
    out = []
    for name, moving in (("vgg16", False), ("googlenet", False), ("inception_v3", True), ("mobilenet", True)):
        arch = plan.call(ARCH, name, num_classes=K)
        out.append(canonical(plan.call(PARAMS, arch[0], arch[1], moving_stats=moving)))
    arch = plan.call(ARCH, "mobilenet_v2", num_classes=K)
    out.append(canonical(plan.call(MACS, arch[0], arch[1])))
    return tuple(out)


# ---------------------------------------------------------------- the checks

def named(*names, moving=False, **extra):
    return tuple(dict({"name": n, "moving_stats": moving}, **extra) for n in names)


LECTURE_PARAMS = named(*PAPERS) + named(*KERAS, moving=True) + named("mobilenet_v2", "resnet50v2", "xception")
BYTES_CASES = tuple({"params": p, "bytes_per_param": b} for p, b in ((138357544, 4), (143667240, 4), (60965224, 4),
                                                                       (3538984, 2), (25613800, 8), (1, 1)))
BYTES_DRAWN = st.fixed_dictionaries({"params": st.integers(0, 10 ** 9), "bytes_per_param": st.sampled_from([1, 2, 4,
                                                                                                             8])})

CHECKS = [
    Compare(SHAPE + ".lecture", 1, (ARCH, SHAPE), cases=Cases(dict, tuple({"name": n, "cut": c} for n, c in FEATURES)),
            build=call_features_shape, labels=("shape",), tol=0,
            description="the feature extractors' outputs: AlexNet 256×6×6, VGG-16 512×7×7, GoogLeNet 1024×7×7, "
                        "ResNet50V2 2048×7×7, Inception-V3 2048×8×8 (299×299 input), Xception 2048×10×10, …"),
    Compare(SHAPE + ".values", 2, (SHAPE,), cases=Cases(dict, SMALL_PUBLIC, SPECS), build=call_shape,
            labels=("shape",), tol=0, examples=8,
            description="drawn specs: strides, padding, rectangular kernels, branches, residuals, flatten"),
    Property(SHAPE + ".rejects_mismatch", 1, (SHAPE,), cases=Cases(dict, BAD_PUBLIC), body=rejects_mismatch,
             requires=(SHAPE + ".values",),
             description="ValueError when a residual's paths or a module's branches do not end with fitting shapes"),
    Compare(PARAMS + ".lecture", 4, (ARCH, PARAMS), cases=Cases(dict, LECTURE_PARAMS), build=call_params,
            labels=("params",), tol=0, hints=params_hints,
            description="AlexNet (60,965,224; torchvision's 61,100,840), VGG-16/19, GoogLeNet, and the lecture's Keras "
                        "table with moving_stats=True: ResNet50V2 25,613,800, Inception-V3 23,851,784, Xception "
                        "22,910,480, MobileNet 4,253,864, MobileNetV2 3,538,984, …"),
    Compare(PARAMS + ".values", 2, (PARAMS,), cases=Cases(dict, SMALL_PUBLIC, SPECS), build=call_params,
            labels=("params",), tol=0, hints=params_hints, examples=8,
            description="drawn specs: groups, missing biases, BN without gamma or beta, depthwise multipliers"),
    Property(PARAMS + ".matches_torch", 2, (PARAMS,), cases=Cases(dict, (), SPECS), body=matches_torch("params"),
             examples=6, description="drawn specs: equal to the parameters (and BN buffers) of the spec built as a "
                                     "torch nn.Module"),
    Compare(PARAMS + ".hidden", 1, (PARAMS,), HIDDEN, cases=Cases(dict, (), SPECS), build=call_params,
            labels=("params",), tol=0, hints=params_hints, examples=12),
    Compare(MACS + ".lecture", 2, (ARCH, MACS), cases=Cases(dict, named("alexnet", "vgg16", "googlenet", "mobilenet",
                                                                         "mobilenet_v2", "xception")),
            build=call_macs, labels=("multiply-adds",), tol=0, hints=macs_hints,
            description="VGG-16 15,470,264,320; GoogLeNet 1,582,671,872; MobileNet 568,740,352 (the paper's 569 M); "
                        "MobileNetV2 300,774,272 (300 M), …"),
    Compare(MACS + ".values", 2, (MACS,), cases=Cases(dict, SMALL_PUBLIC, SPECS), build=call_macs,
            labels=("multiply-adds",), tol=0, hints=macs_hints, examples=8,
            description="drawn specs: H_out·W_out·C_out·(C_in/groups)·kh·kw per convolution, D_in·D_out per "
                        "linear layer"),
    Property(MACS + ".matches_torch", 1, (MACS,), HIDDEN, cases=Cases(dict, (), SPECS), body=matches_torch("macs"),
             examples=6, description="drawn specs: equal to forward hooks on the spec's nn.Conv2d and nn.Linear"),
    Compare(DEPTH + ".lecture", 2, (ARCH, DEPTH), cases=Cases(dict, named("alexnet", "vgg16", "vgg19", "googlenet",
                                                                          "mobilenet", "resnet152v2", "xception")),
            build=call_depth, labels=("depth",), tol=0, hints=depth_hints,
            description="AlexNet 8, VGG 16 and 19, GoogLeNet 22, MobileNet 28, ResNet152V2 152, Xception 37 "
                        "(36 convolutions and the classifier)"),
    Property(DEPTH + ".matches_torch", 1, (DEPTH,), cases=Cases(dict, SMALL_PUBLIC[2:], SPECS),
             body=matches_torch("depth"), examples=6,
             description="drawn specs: the longest path of weight layers in the torch.fx graph of the built model"),
    Compare(BYTES + ".values", 1, (BYTES,), cases=Cases(dict, BYTES_CASES, BYTES_DRAWN),
            build=lambda plan, i: plan.call(BYTES, i["params"], i["bytes_per_param"]), labels=("bytes",), tol=0,
            examples=4, description="VGG-16 in float32: 553,430,176 bytes (the Keras table's 528 MB is MiB)"),
    Compare("symbolic", 1, (ARCH, PARAMS, MACS), HIDDEN, cases=Cases(dict, ({},)), build=symbolic,
            labels=("vgg16 params", "googlenet params", "inception_v3 params", "mobilenet params",
                    "mobilenet_v2 multiply-adds"),
            description="with the number of classes a sympy symbol K, the counts are the exact polynomials in K "
                        "(plain arithmetic only)"),
]

ASSIGNMENT = Assignment(
    name="architectures", title="Architectures: counting AlexNet to MobileNetV2 from their specs",
    symbols=dict({ARCH: ("specs",)}, **{s: ("counting",) for s in (SHAPE, PARAMS, MACS, DEPTH, BYTES)}),
    checks=CHECKS, reference_modules=("specs", "counting"))
