"""Checks of DenseNet: channel growth, DenseNet parameter counts, and a BN-free dense block in NumPy.

Counts: the lecture's 32 + 3·24 = 104, DenseNet-121's stages and 7,978,856 parameters (torchvision) are
public; DenseNet-169/201/161, drawn configurations, Keras' convention (COUNT_BN_MOVING_STATS) and sympy
arguments are hidden. The dense block: values and gradients against the reference, torch autograd
(reference/densenet/oracle.py, in this process) and centred differences of the student's own forward; the
property that every layer's output reaches every earlier layer's weights (and no later one).
"""
import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, check_value
from ..spec import HIDDEN, Assignment, Setting

GROWTH, TRANSITION, STAGES = "dense_block_channels", "transition_channels", "densenet_channels"
BN, CONV, LAYER, TOTAL = "bn_params", "conv_params", "dense_layer_params", "densenet_params"
FWD, BWD = "dense_block_forward", "dense_block_backward"
TORCHVISION = {"COUNT_BN_MOVING_STATS": False}
KERAS = {"COUNT_BN_MOVING_STATS": True}

DENSENET121 = {"num_init_features": 64, "growth_rate": 32, "block_config": (6, 12, 24, 16), "bn_size": 4,
               "compression": 0.5, "num_classes": 1000}
DENSENETS = ({"net": 121}, {"net": 169}, {"net": 201}, {"net": 161})
CONFIGS = {121: DENSENET121, 169: dict(DENSENET121, block_config=(6, 12, 32, 32)),
           201: dict(DENSENET121, block_config=(6, 12, 48, 32)),
           161: dict(DENSENET121, num_init_features=96, growth_rate=48, block_config=(6, 12, 36, 24))}


# ---------------------------------------------------------------- channel counting

GROWTH_PUBLIC = ({"c0": 32, "k": 24, "L": 3}, {"c0": 64, "k": 32, "L": 6}, {"c0": 5, "k": 1, "L": 1})
GROWTH_DRAWN = st.fixed_dictionaries({"c0": st.integers(1, 512), "k": st.integers(1, 64), "L": st.integers(1, 48)})


def growth_hints(inputs):
    k = inputs["k"]
    return [lambda s, e: "the block adds k channels per layer, L times: c0 + L·k" if s in (e - k, e + k) else None]


TRANSITION_PUBLIC = ({"c": 1024, "theta": 0.5}, {"c": 255, "theta": 0.5}, {"c": 100, "theta": 1.0},
                     {"c": 7, "theta": 0.5})
TRANSITION_DRAWN = st.fixed_dictionaries({"c": st.integers(1, 2048),
                                          "theta": st.sampled_from([0.5, 0.25, 0.75, 1.0, 0.3])})


def transition_hints(inputs):
    return [lambda s, e: "round down: floor(θ·c) channels" if s != e and abs(s - inputs["theta"] * inputs["c"]) < 1e-9
            else None]


def make_config(p):
    if "net" in p:
        return {"config": dict(CONFIGS[p["net"]])}
    return {"config": {"num_init_features": p["c0"], "growth_rate": p["k"], "block_config": tuple(p["blocks"]),
                       "bn_size": p["bn_size"], "compression": p["theta"], "num_classes": p["classes"]}}


CONFIG_DRAWN = st.fixed_dictionaries({
    "c0": st.integers(1, 96), "k": st.integers(1, 48), "blocks": st.lists(st.integers(1, 12), min_size=1, max_size=5),
    "bn_size": st.integers(1, 4), "theta": st.sampled_from([0.5, 0.25, 1.0]), "classes": st.integers(1, 1000)})


def symbolic(plan, inputs):
    """dense_block_channels(c0, k, L) and transition_channels(2·c0, 1/2) with sympy symbols, as canonical strings."""
    s = plan.library("sympy.symbols", "c0 k L", positive=True, integer=True)
    c0, k, L = s[0], s[1], s[2]
    half = plan.library("sympy.Rational", 1, 2)

    def canonical(ref):
        return plan.library("sympy.srepr", plan.library("sympy.expand", ref))
    return (canonical(plan.call(GROWTH, c0, k, L)),
            canonical(plan.call(TRANSITION, plan.method(c0, "__mul__", 2), half)))


# ---------------------------------------------------------------- parameter counting

LAYERS_PUBLIC = ({"c": 64, "C_in": 3, "C_out": 64, "K": 7, "k": 32, "bn_size": 4},
                 {"c": 256, "C_in": 256, "C_out": 128, "K": 1, "k": 32, "bn_size": 4})
LAYERS_DRAWN = st.fixed_dictionaries({"c": st.integers(1, 1024), "C_in": st.integers(1, 512),
                                      "C_out": st.integers(1, 512), "K": st.integers(1, 7),
                                      "k": st.integers(1, 64), "bn_size": st.integers(1, 4)})


def layers(plan, i):
    return (plan.call(BN, i["c"]), plan.call(CONV, i["C_in"], i["C_out"], i["K"]),
            plan.call(LAYER, i["c"], i["k"], bn_size=i["bn_size"]))


def total(plan, i):
    return plan.call(TOTAL, i["config"])


def total_hints(inputs):
    def rules(s, e):
        cfg = inputs["config"]
        if s > e and cfg.get("num_classes") and (s - e) < 10 * sum(cfg["block_config"]) * 1024:
            return "too many parameters: convolutions have no bias here (a BatchNorm follows each one)"
        return None
    return [rules]


# ---------------------------------------------------------------- the dense block

def make_block(p):
    """x (N, C0, H, H), params W1..WL (k, C0 + (l-1)k, 3, 3) and b1..bL, dout for the block output."""
    rng = np.random.default_rng(p["seed"])
    N, C0, k, L, H = p["N"], p["C0"], p["k"], p["L"], p["H"]
    params = {}
    for l in range(1, L + 1):
        params["W%d" % l] = rng.standard_normal((k, C0 + (l - 1) * k, 3, 3)) * 0.3
        params["b%d" % l] = rng.standard_normal(k) * 0.1
    return {"x": rng.standard_normal((N, C0, H, H)), "params": params,
            "dout": rng.standard_normal((N, C0 + L * k, H, H))}


BLOCK_PUBLIC = ({"N": 2, "C0": 3, "k": 2, "L": 3, "H": 5, "seed": 0},
                {"N": 1, "C0": 1, "k": 1, "L": 1, "H": 1, "seed": 1},
                {"N": 3, "C0": 4, "k": 3, "L": 4, "H": 6, "seed": 2})
BLOCK_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 3), "C0": st.integers(1, 4), "k": st.integers(1, 3),
                                     "L": st.integers(1, 4), "H": st.integers(1, 6), "seed": st.integers(0, 2 ** 16)})
REACH_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 2), "C0": st.integers(1, 3), "k": st.integers(1, 3),
                                     "L": st.integers(2, 4), "H": st.integers(2, 5), "seed": st.integers(0, 2 ** 16)})


def forward(plan, i):
    return plan.call(FWD, i["x"], i["params"])[0]


def backward(plan, i):
    return plan.call(BWD, i["dout"], plan.call(FWD, i["x"], i["params"])[1])


GRAD_L = 3
NAMES = tuple(n % l for l in range(1, GRAD_L + 1) for n in ("W%d", "b%d"))


def make_flat(p):
    """The block's inputs with each parameter as an input of its own (for the numerical gradient)."""
    case = make_block(dict(p, L=GRAD_L))
    return dict(case.pop("params"), **case)


def flat_params(i):
    return {n: i[n] for n in NAMES}


def flat_forward(plan, i):
    return plan.call(FWD, i["x"], flat_params(i))[0]


def flat_analytic(plan, i):
    grads = plan.call(BWD, i["dout"], plan.call(FWD, i["x"], flat_params(i))[1])
    return [grads[0]] + [grads[1][n] for n in NAMES]


def matches_torch(ctx, inputs):
    """out, dx and every dW, db equal torch autograd's on the same block."""
    plan = ctx.plan()
    fwd = plan.call(FWD, inputs["x"], inputs["params"])
    plan.returns(fwd[0], plan.call(BWD, inputs["dout"], fwd[1]))
    out, grads = ctx.run_student(plan)
    from reference.densenet import oracle
    e_out, e_dx, e_grads = oracle.dense_block(inputs["x"], inputs["params"], inputs["dout"])
    check_value(out, e_out, "out (vs torch)", 1e-8)
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        raise Fail("dense_block_backward should return (dx, grads)", "wrong return value")
    check_value(grads[0], e_dx, "dx (vs torch)", 1e-8)
    check_value(grads[1], e_grads, "grads (vs torch)", 1e-7)


def make_positive(p):
    """A block whose every feature map is positive (x, W, b > 0): no ReLU blocks a path, so every gradient
    that may arrive does."""
    case = make_block(p)
    return {"x": np.abs(case["x"]) + 0.1, "params": {n: np.abs(v) + 0.01 for n, v in case["params"].items()},
            "dout": case["dout"]}


def reaches_later_layers(ctx, inputs):
    """Upstream gradient on layer j's output only: it reaches x and every layer i < j (non-zero dW_i), and no
    layer i > j (dW_i, db_i exactly zero). Every feature map is positive, so no ReLU stops a path."""
    C0, params = inputs["x"].shape[1], inputs["params"]
    L, k = len(params) // 2, params["b1"].shape[0]
    rng = np.random.default_rng(1)
    plan = ctx.plan()
    outs = []
    for j in range(1, L + 1):
        dout = np.zeros_like(inputs["dout"])
        lo = C0 + (j - 1) * k
        dout[:, lo:lo + k] = rng.standard_normal(dout[:, lo:lo + k].shape)
        outs.append(plan.call(BWD, dout, plan.call(FWD, inputs["x"], params)[1]))
    plan.returns(*outs)
    for j, (dx, grads) in enumerate(ctx.run_student(plan), start=1):
        check_value(dx, inputs["x"], "dx", np.inf)
        check_value(grads, params, "grads", np.inf)
        if not np.abs(dx).sum() > 0:
            raise Fail("with an upstream gradient on layer %d's output only, dx is zero: the block input feeds "
                       "every layer" % j, "gradient does not reach the input",
                       hint="a feature map's gradient is the sum over the block output and every later layer "
                            "(+=, not =)")
        for i in range(1, L + 1):
            g = np.abs(grads["W%d" % i]).sum() + np.abs(grads["b%d" % i]).sum()
            if i < j and not g > 0:
                raise Fail("with an upstream gradient on layer %d's output only, the gradient of W%d is zero: "
                           "layer %d's output is an input of layer %d, so its gradient must arrive there"
                           % (j, i, i, j), "gradient does not reach earlier layers",
                           hint="a feature map's gradient is the sum over the block output and every later layer "
                                "(+=, not =)")
            if i > j and g != 0:
                raise Fail("with an upstream gradient on layer %d's output only, the gradient of W%d is not zero: "
                           "layer %d comes after layer %d and cannot change its output" % (j, i, i, j),
                           "gradient reaches later layers")


def inputs_unchanged(ctx, inputs):
    plan = ctx.plan()
    x, params, dout = plan.let(inputs["x"]), plan.let(inputs["params"]), plan.let(inputs["dout"])
    plan.call(BWD, dout, plan.call(FWD, x, params)[1])
    plan.returns(x, params, dout)
    for got, name in zip(ctx.run_student(plan), ("x", "params", "dout")):
        try:
            check_value(got, inputs[name], name, 0, exact=True)
        except Fail as fail:
            raise Fail("your forward or backward modified its input `%s` in place: %s" % (name, fail.message),
                       "input modified", hint="copy before writing into an array you were given")


# ---------------------------------------------------------------- the checks

CHECKS = [
    Compare("dense_block_channels.values", 2, (GROWTH,), cases=Cases(dict, GROWTH_PUBLIC, GROWTH_DRAWN),
            build=lambda plan, i: plan.call(GROWTH, i["c0"], i["k"], i["L"]), labels=("channels",), tol=0,
            hints=growth_hints, examples=5, description="c0 + L·k: the lecture's 32 + 3·24 = 104, and drawn blocks"),
    Compare("transition_channels.values", 2, (TRANSITION,), cases=Cases(dict, TRANSITION_PUBLIC, TRANSITION_DRAWN),
            build=lambda plan, i: plan.call(TRANSITION, i["c"], i["theta"]), labels=("channels",), tol=0,
            hints=transition_hints, examples=6, description="floor(θ·c): 1024 → 512, 255 → 127 with θ = 0.5"),
    Compare("densenet_channels.densenet121", 2, (STAGES,), cases=Cases(make_config, DENSENETS[:1]),
            build=lambda plan, i: plan.call(STAGES, i["config"]), labels=("stages",), tol=0,
            description="DenseNet-121: block1 64→256, transition1 →128, …, block4 512→1024 "
                        "(no final transition)"),
    Compare("densenet_channels.hidden", 1, (STAGES,), HIDDEN, cases=Cases(make_config, (), CONFIG_DRAWN),
            build=lambda plan, i: plan.call(STAGES, i["config"]), labels=("stages",), tol=0, examples=10,
            description="the stages of drawn DenseNets"),
    Compare("channels.symbolic", 1, (GROWTH, TRANSITION), HIDDEN, cases=Cases(lambda p: {}, ({},)),
            build=symbolic, labels=("dense_block_channels", "transition_channels"),
            description="with sympy symbols: c0 + L·k and floor(2·c0 / 2) = c0 (plain arithmetic only)"),
    Compare("counting.layers", 2, (BN, CONV, LAYER), cases=Cases(dict, LAYERS_PUBLIC, LAYERS_DRAWN), build=layers,
            labels=("bn_params", "conv_params", "dense_layer_params"), tol=0, examples=5,
            description="a BatchNorm (2c), a bias-free convolution, a BN-ReLU-1×1-BN-ReLU-3×3 dense layer"),
    Compare("densenet_params.densenet121", 3, (TOTAL,), cases=Cases(make_config, DENSENETS[:1]), build=total,
            labels=("params",), tol=0, hints=total_hints, settings=TORCHVISION,
            description="DenseNet-121 has 7,978,856 parameters (torchvision's count)"),
    Compare("densenet_params.hidden", 2, (TOTAL,), HIDDEN, cases=Cases(make_config, DENSENETS[1:], CONFIG_DRAWN),
            build=total, labels=("params",), tol=0, hints=total_hints, examples=8,
            description="DenseNet-169/201/161 and drawn configurations, with the course's settings"),
    Compare("densenet_params.keras", 1, (TOTAL,), HIDDEN, cases=Cases(make_config, DENSENETS[:2], CONFIG_DRAWN),
            build=total, labels=("params",), tol=0, settings=KERAS, examples=3,
            description="with COUNT_BN_MOVING_STATS = True (Keras: DenseNet121 8,062,504)"),
    Compare("dense_block_forward.values", 2, (FWD,), cases=Cases(make_block, BLOCK_PUBLIC, BLOCK_DRAWN),
            build=forward, labels=("out",), tol=1e-9, examples=4,
            description="out = [x, x_1, …, x_L] with x_l = conv3x3(relu([x, …, x_{l−1}])) on fixed and drawn "
                        "blocks"),
    Compare("dense_block_forward.hidden", 1, (FWD,), HIDDEN, cases=Cases(make_block, (), BLOCK_DRAWN),
            build=forward, labels=("out",), tol=1e-9, examples=8, description="the same on hidden inputs"),
    Compare("dense_block_backward.values", 3, (FWD, BWD), cases=Cases(make_block, BLOCK_PUBLIC, BLOCK_DRAWN),
            build=backward, labels=("dx", "grads"), tol=1e-8, examples=4,
            description="dx and every dW_l, db_l equal the reference's"),
    Compare("dense_block_backward.hidden", 1, (FWD, BWD), HIDDEN, cases=Cases(make_block, (), BLOCK_DRAWN),
            build=backward, labels=("dx", "grads"), tol=1e-8, examples=8, description="the same on hidden inputs"),
    Gradient("dense_block.numerical_gradient", 2, (FWD, BWD),
             cases=Cases(make_flat, ({"N": 2, "C0": 3, "k": 2, "H": 4, "seed": 0},)),
             forward=flat_forward, analytic=flat_analytic, wrt=("x",) + NAMES, directions=3, probes=2, tol=1e-6,
             description="dx, dW_l, db_l match centred differences of your own forward (L = 3)"),
    Property("dense_block.matches_torch", 1, (FWD, BWD), cases=Cases(make_block, BLOCK_PUBLIC[:2], BLOCK_DRAWN),
             body=matches_torch, examples=3, description="forward and backward equal torch autograd's"),
    Property("dense_block.reaches_earlier_layers", 2, (FWD, BWD), HIDDEN,
             cases=Cases(make_positive, (), REACH_DRAWN), body=reaches_later_layers, examples=6,
             description="every layer's output reaches every later layer: a gradient on layer j's output "
                         "arrives at x and at every layer before j, and at none after"),
    Property("dense_block.inputs_unchanged", 1, (FWD, BWD), cases=Cases(make_block, BLOCK_PUBLIC[:1]),
             body=inputs_unchanged, requires=("dense_block_forward.values", "dense_block_backward.values"),
             description="forward and backward leave x, params and dout unchanged"),
]

ASSIGNMENT = Assignment(
    name="densenet", title="DenseNet: channel growth, parameter counts and a dense block",
    symbols={GROWTH: ("channels",), TRANSITION: ("channels",), STAGES: ("channels",), BN: ("counting",),
             CONV: ("counting",), LAYER: ("counting",), TOTAL: ("counting",), FWD: ("dense_block",),
             BWD: ("dense_block",)},
    checks=CHECKS, reference_modules=("channels", "counting", "dense_block"),
    provided={"conv.py": ("conv_pool", "dilation")},    # a working conv_forward / conv_backward
    course_settings=(Setting("COUNT_BN_MOVING_STATS", False, (False, True), ((BN, "COUNT_BN_MOVING_STATS", None),),
                             "False: a BatchNorm has 2c parameters (torchvision, 7,978,856 for DenseNet-121); "
                             "True: 4c, BN moving statistics included (Keras' Total params, 8,062,504)"),))
