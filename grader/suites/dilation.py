"""Checks of the dilation assignment: Kronecker-dilated kernels, a dilated convolution built on the student's
own convolution (conv.py, pasted from conv_pool), and the size formulas.

The submission has three modules: dilation.py (dilate_kernel, dilated_conv_forward/backward), formulas.py
(effective_kernel_size, dilated_output_size, receptive_field) and conv.py (conv_forward, conv_backward);
symbols are looked up with those module names as hints, so one file holding everything works too.

Decisions:
- "The formulas work on sympy symbols" cannot be run in the worker (only numbers, strings and arrays cross
  the boundary), so it is checked in the source: no int(), float(), round(), math.* or numpy rounding in
  the three formula functions. Their values are checked on numbers, non-integer output sizes included.
- Bad dilations and non-integer output sizes accept ValueError or AssertionError, as in conv_pool.
- Receptive fields are checked against a brute force in this process: the set of input pixels that one
  output pixel reads, propagated layer by layer from the top; its extent is the receptive field.
"""
import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.static import ForbidCalls, Static
from ..checks.validate import check_value
from ..spec import HIDDEN, Assignment
from .conv_pool import CONV_PUBLIC, conv_params, conv_vs_torch, expect_error, make_conv, unchanged

DK, DF, DB = "dilate_kernel", "dilated_conv_forward", "dilated_conv_backward"
EK, OS, RF = "effective_kernel_size", "dilated_output_size", "receptive_field"
CF, CB = "conv_forward", "conv_backward"


# ---------------------------------------------------------------- dilate_kernel

def make_kernel(p):
    if "K" in p:
        return {"K": np.array(p["K"], dtype=float), "D": p["D"]}
    K = np.random.default_rng(p["seed"]).standard_normal(tuple(p["lead"]) + (p["FH"], p["FW"]))
    return {"K": K, "D": p["D"]}


KERNEL_DRAWN = st.fixed_dictionaries({"lead": st.sampled_from([[], [], [2, 3], [1, 2]]), "FH": st.integers(1, 4),
                                      "FW": st.integers(1, 4), "D": st.integers(1, 4),
                                      "seed": st.integers(0, 2 ** 16)})
KERNEL_PUBLIC = ({"lead": [], "FH": 3, "FW": 3, "D": 2, "seed": 0},
                 {"lead": [2, 3], "FH": 3, "FW": 2, "D": 3, "seed": 1},
                 {"lead": [], "FH": 1, "FW": 1, "D": 4, "seed": 2},
                 {"lead": [1, 1], "FH": 2, "FW": 4, "D": 1, "seed": 3})
WORKED = ({"K": [[1, 2], [3, 4]], "D": 2}, {"K": [[1, 2], [3, 4]], "D": 3}, {"K": [[1, 2], [3, 4]], "D": 1})


def kernel_hints(i):
    K, D = i["K"], i["D"]

    def bottom_right(s, e):
        taps = s[..., D - 1::D, D - 1::D]
        if D > 1 and s.shape == e.shape and not np.array_equal(s, e) and \
                np.array_equal(taps, K[..., :taps.shape[-2], :taps.shape[-1]]):
            return "the taps sit at (a·D + D − 1, b·D + D − 1): the 1 of E_D belongs in its TOP-LEFT corner"
        return None

    def uncropped(s, e):
        if D > 1 and s.shape == K.shape[:-2] + (K.shape[-2] * D, K.shape[-1] * D):
            return "crop kron(K, E_D) to its first (F − 1)·D + 1 rows and columns"
        return None

    def swapped(s, e):
        if s.shape[-2:] == (K.shape[-2] * D, K.shape[-1] * D) or s.shape == e.shape:
            corner = np.zeros((D, D))
            corner[0, 0] = 1
            full = np.kron(corner, K)
            if np.array_equal(s, full[..., :s.shape[-2], :s.shape[-1]]) and not np.array_equal(s, e):
                return "np.kron(E_D, K) puts K in one corner block; the dilated kernel is np.kron(K, E_D)"
        return None

    return [bottom_right, uncropped, swapped]


def dilated_kernel_is_zero_insertion(ctx, i):
    plan = ctx.plan()
    plan.returns(plan.call(DK, i["K"], i["D"]))
    (got,) = ctx.run_student(plan)
    from reference.dilation.grading import zero_insertion    # the expectation: grading side only
    check_value(got, zero_insertion(i["K"], i["D"]), "dilate_kernel(K, %d)" % i["D"], 0, kernel_hints(i), exact=True)


def bad_dilation(ctx, i):
    plan = ctx.plan()
    plan.returns(plan.call(DK, i["K"], i["D"]))
    expect_error(ctx, plan, "dilate_kernel(K, %d)" % i["D"])


# ---------------------------------------------------------------- dilated convolution

def make_dilated(p):
    """A dilated conv case whose output is exactly H_out × W_out."""
    D = p["D"]
    q = dict(p, HH=(p["HH"] - 1) * D + 1, WW=(p["WW"] - 1) * D + 1)      # the geometry of the dilated kernel
    case = make_conv(q)
    rng = np.random.default_rng(p["seed"] + 1)
    case["w"] = rng.standard_normal((p["F"], p["C"], p["HH"], p["WW"]))
    case["conv_param"] = dict(case["conv_param"], dilation=D)
    return case


@st.composite
def dilated_params(draw):
    p = draw(conv_params(pad=False))
    p["HH"], p["WW"] = min(p["HH"], 3), min(p["WW"], 3)
    p["D"] = draw(st.integers(1, 3))
    room = min((p["H_out"] - 1) * p["stride"] + (p["HH"] - 1) * p["D"] + 1,
               (p["W_out"] - 1) * p["stride"] + (p["WW"] - 1) * p["D"] + 1) - 1
    p["pad"] = min(draw(st.integers(0, 3)), room // 2)
    return p


DILATED_PUBLIC = ({"N": 2, "C": 3, "F": 2, "HH": 3, "WW": 3, "D": 2, "stride": 1, "pad": 2, "H_out": 5, "W_out": 5,
                   "seed": 0},
                  {"N": 2, "C": 2, "F": 3, "HH": 2, "WW": 3, "D": 3, "stride": 2, "pad": 1, "H_out": 3, "W_out": 2,
                   "seed": 1},
                  {"N": 1, "C": 2, "F": 2, "HH": 3, "WW": 2, "D": 1, "stride": 1, "pad": 0, "H_out": 4, "W_out": 3,
                   "seed": 2})
DILATED = Cases(make_dilated, DILATED_PUBLIC, dilated_params())
DILATED_HIDDEN = Cases(make_dilated, (), dilated_params())


def dilated(plan, i):
    return plan.call(DF, i["x"], i["w"], i["b"], i["conv_param"])[0]


def dilated_grads(plan, i):
    return plan.call(DB, i["dout"], plan.call(DF, i["x"], i["w"], i["b"], i["conv_param"])[1])


def dilated_grad_list(plan, i):
    g = dilated_grads(plan, i)
    return [g[0], g[1], g[2]]


def backward_hints(i):
    w, D = i["w"], i["conv_param"]["dilation"]

    def cropped(s, e):
        if D > 1 and s.shape == w.shape:
            return "dw looks wrong where the dilated kernel had zeros between taps: w[..., a, b] was copied to " \
                   "(a·D, b·D), so dw is the dilated gradient at [..., ::D, ::D] (not its top-left corner)"
        return None

    def not_subsampled(s, e):
        if D > 1 and s.shape == w.shape[:2] + tuple((f - 1) * D + 1 for f in w.shape[2:]):
            return "dw has the shape of the dilated kernel; return the gradient of the undilated w"
        return None

    return [not_subsampled, cropped]


def equals_conv_with_dilated_kernel(ctx, i):
    """Your dilated_conv_forward equals your conv_forward run with your dilate_kernel(w, D)."""
    cp = i["conv_param"]
    plan = ctx.plan()
    plain = plan.call(CF, i["x"], plan.call(DK, i["w"], cp["dilation"]), i["b"],
                      {"stride": cp["stride"], "pad": cp["pad"]})[0]
    plan.returns(plain, dilated(plan, i))
    plain, got = ctx.run_student(plan)
    check_value(plain, plain, "conv_forward(x, dilate_kernel(w, D), b, ...)", np.inf)
    check_value(got, plain, "dilated_conv_forward out (vs your conv_forward with dilate_kernel(w, D))", 1e-10)


def make_bad_dilated(p):
    """A dilated conv whose output size along H is not an integer."""
    rng = np.random.default_rng(p["seed"])
    K, s = (p["HH"] - 1) * p["D"] + 1, p["stride"]
    H, W = (p["H_out"] - 1) * s + K + p["extra"], K
    return {"x": rng.standard_normal((1, 2, H, W)), "w": rng.standard_normal((2, 2, p["HH"], p["HH"])),
            "b": np.zeros(2), "conv_param": {"stride": s, "pad": 0, "dilation": p["D"]}}


BAD_DRAWN = st.integers(2, 3).flatmap(lambda s: st.fixed_dictionaries({
    "HH": st.integers(2, 3), "D": st.integers(2, 3), "stride": st.just(s), "H_out": st.integers(1, 3),
    "extra": st.integers(1, s - 1), "seed": st.integers(0, 99)}))


def dilated_raises(ctx, i):
    plan = ctx.plan()
    plan.returns(dilated(plan, i))
    expect_error(ctx, plan, "dilated_conv_forward on x of shape %s, w %s, conv_param %s"
                 % (i["x"].shape, i["w"].shape, i["conv_param"]))


def dilated_steps(plan, r):
    out = plan.call(DF, r["x"], r["w"], r["b"], r["conv_param"])
    plan.call(DB, r["dout"], out[1])
    plan.call(DK, r["w"], 2)
    return "dilated_conv_forward, dilated_conv_backward or dilate_kernel"


# ---------------------------------------------------------------- formulas

STACKS = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 3)), min_size=0, max_size=5)
RF_PUBLIC = ({"layers": [(3, 1, 1), (3, 2, 1), (3, 4, 1)]}, {"layers": [(3, 1, 1)]}, {"layers": []},
             {"layers": [(7, 1, 2), (3, 1, 2), (3, 2, 1)]}, {"layers": [(2, 1, 2), (2, 1, 2), (2, 1, 2)]},
             {"layers": [(3, 2, 2), (1, 1, 1), (3, 3, 3)]})


def receptive_field_brute(ctx, i):
    plan = ctx.plan()
    plan.returns(plan.call(RF, i["layers"]))
    (got,) = ctx.run_student(plan)
    from reference.dilation.grading import brute_receptive_field    # the expectation: grading side only
    expected = brute_receptive_field(i["layers"])
    check_value(got, expected, "receptive_field(%r)" % (i["layers"],), 1e-12)


def jump_hint(i):
    def before_use(s, e):
        r, j = 1, 1
        for k, d, s_ in i["layers"]:
            j *= s_
            r += (k - 1) * d * j
        if float(s) == r and r != float(e):
            return "the jump is multiplied by the stride before it is used: a layer's kernel is spaced by the " \
                   "jump of its INPUT, so update r first, then j *= stride"
        return None
    return [before_use]


SIZES = ({"H": 8, "F": 3, "D": 2, "S": 2, "P": 0}, {"H": 32, "F": 3, "D": 2, "S": 1, "P": 2},
         {"H": 10, "F": 3, "D": 3, "S": 1, "P": 0}, {"H": 7, "F": 2, "D": 4, "S": 2, "P": 1},
         {"H": 9, "F": 3, "D": 2, "S": 1, "P": 0, "defaults": True}, {"H": 17, "F": 5, "D": 2, "S": 3, "P": 1})
SIZES_DRAWN = st.fixed_dictionaries({"H": st.integers(1, 40), "F": st.integers(1, 7), "D": st.integers(1, 5),
                                     "S": st.integers(1, 4), "P": st.integers(0, 3)})


def output_size(plan, i):
    if i.get("defaults"):
        return plan.call(OS, i["H"], i["F"], i["D"])
    return plan.call(OS, i["H"], i["F"], i["D"], i["S"], i["P"])


def size_hints(i):
    def with_F(s, e):
        if float(s) == (i["H"] + 2 * i.get("P", 0) - i["F"]) / i.get("S", 1) + 1 and i["D"] > 1:
            return "the formula needs the effective kernel size (F − 1)·D + 1, not F"
        return None

    def floored(s, e):
        if float(e) != int(e) and float(s) == np.floor(float(e)):
            return "a non-integer output size must stay non-integer (true division /, not //): it says the " \
                   "windows do not tile the input"
        return None
    return [with_F, floored]


PLAIN = ForbidCalls(("int", "float", "round", "math", "numpy.floor", "numpy.ceil", "numpy.round", "numpy.rint",
                     "numpy.trunc", "numpy.int64", "numpy.float64"),
                    "the formulas must also work on sympy symbols: use +, −, ·, / only")


def conv_and_grads(plan, i):
    out = plan.call(CF, i["x"], i["w"], i["b"], i["conv_param"])
    return plan.let((out[0], plan.call(CB, i["dout"], out[1])))


# ---------------------------------------------------------------- the checks

CHECKS = [
    Compare(DK + ".worked_example", 1, (DK,), cases=Cases(make_kernel, WORKED), build=lambda plan, i: plan.call(
        DK, i["K"], i["D"]), labels=("K_dilated",), exact=True, hints=kernel_hints,
        description="the README's K = [[1, 2], [3, 4]] with D = 2, 3 and 1"),
    Compare(DK + ".values", 2, (DK,), cases=Cases(make_kernel, KERNEL_PUBLIC, KERNEL_DRAWN),
            build=lambda plan, i: plan.call(DK, i["K"], i["D"]), labels=("K_dilated",), exact=True,
            hints=kernel_hints, examples=6,
            description="equals the reference on 2-D kernels and 4-D conv weights, square or not"),
    Compare(DK + ".hidden", 1, (DK,), HIDDEN, cases=Cases(make_kernel, (), KERNEL_DRAWN),
            build=lambda plan, i: plan.call(DK, i["K"], i["D"]), labels=("K_dilated",), exact=True,
            hints=kernel_hints, examples=10),
    Property(DK + ".zero_insertion", 1, (DK,), cases=Cases(make_kernel, KERNEL_PUBLIC[1:2], KERNEL_DRAWN),
             body=dilated_kernel_is_zero_insertion, examples=6,
             description="K'[..., ::D, ::D] = K and zeros elsewhere (a direct construction, not the reference)"),
    Property(DK + ".bad_dilation", 1, (DK,), cases=Cases(make_kernel, ({"lead": [], "FH": 2, "FW": 2, "D": 0,
                                                                           "seed": 0},
                                                                          {"lead": [], "FH": 3, "FW": 1, "D": -1,
                                                                           "seed": 1})),
             body=bad_dilation, requires=(DK + ".values",),
             description="D < 1 raises ValueError (AssertionError accepted)"),
    Compare("conv.values", 1, (CF, CB), cases=Cases(make_conv, CONV_PUBLIC[1:], conv_params()),
            build=conv_and_grads,
            labels=("out", "(dx, dw, db)"), tol=1e-8, examples=3,
            description="the convolution pasted into conv.py (conv_forward, conv_backward) is right"),
    Compare(DF + ".values", 3, (DF,), cases=DILATED, build=dilated, labels=("out",), tol=1e-8, examples=4,
            description="out equals the reference's for drawn shapes, dilations, strides and pads"),
    Compare(DF + ".hidden", 1, (DF,), HIDDEN, cases=DILATED_HIDDEN, build=dilated, labels=("out",), tol=1e-8,
            examples=8),
    Property("dilated_conv.equals_conv_with_dilated_kernel", 2, (DF, DK, CF), cases=DILATED, body=
             equals_conv_with_dilated_kernel, examples=4, requires=("conv.values",),
             description="dilated_conv_forward(x, w, ...) equals your conv_forward(x, dilate_kernel(w, D), ...)"),
    Property("dilated_conv.torch", 2, (DF, DB), cases=DILATED, body=conv_vs_torch(DF, DB, "torch.nn.functional.conv2d(..., dilation=D)", backward_hints, False), examples=4,
             description="out and (dx, dw, db) equal torch.nn.functional.conv2d(..., dilation=D) and autograd"),
    Compare(DB + ".values", 3, (DF, DB), cases=DILATED, build=dilated_grads, labels=("dx", "dw", "db"), tol=1e-8,
            hints=backward_hints, examples=4, description="(dx, dw, db) equal the reference's; dw is for the "
                                                          "undilated w"),
    Compare(DB + ".hidden", 1, (DF, DB), HIDDEN, cases=DILATED_HIDDEN, build=dilated_grads,
            labels=("dx", "dw", "db"), tol=1e-8, hints=backward_hints, examples=8),
    Gradient(DB + ".numerical_gradient", 2, (DF, DB), HIDDEN, cases=Cases(make_dilated, DILATED_PUBLIC[:2]),
             forward=dilated, analytic=dilated_grad_list, wrt=("x", "w", "b"), directions=4, probes=3,
             description="dx, dw, db match centred differences of your own dilated forward"),
    Property("dilated_conv.raises", 1, (DF,), HIDDEN, cases=Cases(make_bad_dilated, (), BAD_DRAWN),
             body=dilated_raises, examples=4, requires=(DF + ".values",),
             description="a non-integer output size raises ValueError (AssertionError accepted)"),
    Property("dilated_conv.inputs_unchanged", 1, (DF, DB, DK), HIDDEN, cases=Cases(make_dilated, DILATED_PUBLIC[:1]),
             body=unchanged(dilated_steps), requires=(DB + ".values",),
             description="x, w, b, conv_param and dout are not modified"),
    Compare(EK + ".values", 1, (EK,), cases=Cases(lambda p: p, ({"F": 3, "D": 1}, {"F": 3, "D": 2}, {"F": 3, "D": 4},
                                                                 {"F": 1, "D": 5}, {"F": 5, "D": 3})),
            build=lambda plan, i: plan.call(EK, i["F"], i["D"]), labels=("K_eff",), description="(F − 1)·D + 1"),
    Compare(OS + ".values", 2, (OS,), cases=Cases(lambda p: p, SIZES, SIZES_DRAWN), build=output_size,
            labels=("H_out",), tol=1e-12, hints=size_hints, examples=10,
            description="(H + 2P − ((F − 1)·D + 1)) / S + 1 with a true division (8, 3, 2, 2, 0 gives 2.5)"),
    Compare(RF + ".values", 2, (RF,), cases=Cases(lambda p: p, RF_PUBLIC), labels=("r",), hints=jump_hint,
            build=lambda plan, i: plan.call(RF, i["layers"]),
            description="the README's 3, 7, 15 example, strided stacks and the empty stack"),
    Property(RF + ".brute_force", 2, (RF,), HIDDEN, cases=Cases(lambda p: p, (), st.fixed_dictionaries(
        {"layers": STACKS})), body=receptive_field_brute, examples=20,
        description="drawn stacks against the extent of the input pixels one output pixel reads"),
] + [Static(fn + ".plain_arithmetic", 1, (fn,), target=fn, rules=(PLAIN,), requires=(fn + ".values",),
            description="no int()/float()/round()/math/numpy rounding: the formula also works on sympy symbols")
     for fn in (EK, OS, RF)]

ASSIGNMENT = Assignment(
    name="dilation", title="Dilated convolution via Kronecker products",
    symbols={DK: ("dilation",), DF: ("dilation",), DB: ("dilation",), EK: ("formulas",), OS: ("formulas",),
             RF: ("formulas",), CF: ("conv",), CB: ("conv",)},
    checks=CHECKS, reference_modules=("dilation", "formulas", "conv"))
