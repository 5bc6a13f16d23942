"""Checks of the convolution variants: transposed, deformable, masked (PixelCNN) and depthwise-separable
convolutions, and what a separable convolution saves (MobileNet).

The submission has five modules: transposed.py, deformable.py, masked.py, separable.py and conv.py (the
student's conv_pool convolution, pasted; masked_conv_forward runs it). Symbols are looked up with those
module names as hints, so one file holding everything works too.

Every layer is checked against the NumPy reference, against an independent torch oracle computed in this
process (reference/conv_variants/oracle.py: conv_transpose2d, grid_sample for the deformable sampling,
conv2d with groups or a masked weight) and against centred differences of the student's own forward. The
lecture's properties are checked on the student's code alone: a transposed convolution is the gradient of a
convolution; a deformable convolution with zero offsets is the plain convolution and with one integer offset
the convolution of the shifted input; a masked convolution's output never depends on the pixel itself
(mask A) or on pixels after it in raster order; a separable convolution is a convolution with a rank-1
kernel. Expected values come from the reference, torch or the student's own code; this file makes inputs
(their shapes follow the README's size formulas) and words hints: a hint that needs a simulation calls
reference/conv_variants/mistakes.py (grading side: in the student kit that hint is silent).
"""
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.context import returned_instead_of_raising
from ..checks.diagnosis import either
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, check_value
from ..spec import HIDDEN, Assignment
from .conv_pool import CONV_PUBLIC, conv_params, make_conv, unchanged
from .dilation import conv_and_grads

TSIZE, TF, TB = "conv_transpose_output_size", "conv_transpose_forward", "conv_transpose_backward"
BIL, DF, DB = "bilinear_sample", "deform_conv_forward", "deform_conv_backward"
MASK, MF, MB = "pixelcnn_mask", "masked_conv_forward", "masked_conv_backward"
DWF, DWB, SF, SB = "depthwise_conv_forward", "depthwise_conv_backward", "separable_conv_forward", \
    "separable_conv_backward"
COST, SCOST, RATIO = "conv_cost", "separable_conv_cost", "separable_cost_ratio"
CF, CB = "conv_forward", "conv_backward"


def oracle():
    """The torch oracles, imported on first use (torch takes a second or more to import)."""
    from reference.conv_variants import oracle as module
    return module


def mistakes():
    from reference.conv_variants import mistakes as module
    return module


def named(table, names):
    """The hint for the mistakes found, worded by `table` (see either()), or None."""
    return either([table[n] for n in names])


@dataclass(frozen=True)
class Layer:
    """A layer as plan builders: its forward takes the inputs named `args` and returns (out, cache); its backward
    takes the upstream gradient named `dout` and the cache and returns the gradients labelled `grads`."""
    forward: str
    backward: str
    args: tuple
    grads: tuple
    dout: str = "dout"

    def call(self, plan, i):
        return plan.call(self.forward, *(i[a] for a in self.args))

    def out(self, plan, i):
        return self.call(plan, i)[0]

    def gradients(self, plan, i):
        return plan.call(self.backward, i[self.dout], self.call(plan, i)[1])

    def gradient_list(self, plan, i):
        g = self.gradients(plan, i)
        return [g[k] for k in range(len(self.grads))]

    def steps(self, plan, r):
        """Forward and backward on inputs stored in the worker (the inputs-unchanged check)."""
        plan.call(self.backward, r[self.dout], self.call(plan, r)[1])

    def vs_torch(self, torch_call, expected, tol, hints=None):
        """A property body: out and the gradients against `expected(oracle module, inputs) -> (out, grads)`."""
        def body(ctx, i):
            plan = ctx.plan()
            out = self.call(plan, i)
            plan.returns(out[0], plan.call(self.backward, i[self.dout], out[1]))
            got, grads = ctx.run_student(plan)
            want, want_grads = expected(oracle(), i)
            check_value(got, want, "out (vs %s)" % torch_call, tol, hints(i) if hints else None)
            check_value(grads, want_grads, "(%s) (vs torch autograd)" % ", ".join(self.grads), tol * 10)
        return body


# ---------------------------------------------------------------- transposed convolution

def make_transposed(p):
    rng = np.random.default_rng(p["seed"])
    N, C, F, H, W, HH, WW = (p[k] for k in ("N", "C", "F", "H", "W", "HH", "WW"))
    S, P, op = p["stride"], p["pad"], p.get("output_padding", 0)
    conv_param = {"stride": S, "pad": P}
    if "output_padding" in p:
        conv_param["output_padding"] = op
    return {"x": rng.standard_normal((N, C, H, W)), "w": rng.standard_normal((C, F, HH, WW)),
            "b": rng.standard_normal(F), "conv_param": conv_param,
            "dout": rng.standard_normal((N, F, (H - 1) * S - 2 * P + HH + op, (W - 1) * S - 2 * P + WW + op))}


@st.composite
def transposed_params(draw, output_padding=True):
    p = {k: draw(st.integers(1, n)) for k, n in (("N", 2), ("C", 3), ("F", 3), ("H", 4), ("W", 4), ("HH", 4),
                                                  ("WW", 4), ("stride", 3))}
    p["seed"] = draw(st.integers(0, 2 ** 16))
    p["pad"] = draw(st.integers(0, 2))
    if output_padding and draw(st.booleans()):
        p["output_padding"] = draw(st.integers(0, p["stride"] - 1))
    op = p.get("output_padding", 0)
    while min((p["H"] - 1) * p["stride"] + p["HH"], (p["W"] - 1) * p["stride"] + p["WW"]) + op - 2 * p["pad"] < 1:
        p["pad"] -= 1
    return p


TRANSPOSED_PUBLIC = (
    {"N": 1, "C": 2, "F": 3, "H": 3, "W": 3, "HH": 2, "WW": 2, "stride": 2, "pad": 0, "seed": 0},   # U-Net: 3 -> 6
    {"N": 2, "C": 3, "F": 2, "H": 4, "W": 4, "HH": 4, "WW": 4, "stride": 2, "pad": 1, "seed": 1},   # DCGAN: 4 -> 8
    {"N": 2, "C": 2, "F": 2, "H": 3, "W": 2, "HH": 3, "WW": 3, "stride": 2, "pad": 1, "output_padding": 1,
     "seed": 2},                                                                                     # 3 x 2 -> 6 x 4
    {"N": 1, "C": 2, "F": 2, "H": 4, "W": 5, "HH": 3, "WW": 1, "stride": 1, "pad": 1, "seed": 3})
TRANSPOSED = Cases(make_transposed, TRANSPOSED_PUBLIC, transposed_params())
TRANSPOSED_HIDDEN = Cases(make_transposed, (), transposed_params())


def transposed_hints(i):
    words = {
        "uncropped": "the scatter was not cropped: remove `pad` rows and columns on each side (torch's padding of a "
                     "transposed convolution crops)",
        "output_padding_ignored": "output_padding adds that many rows and columns at the bottom and right",
        "flipped_kernel": "yours is the result with the kernel flipped: each input pixel adds x · w[c, f] to the "
                          "window starting at (i·stride, j·stride), w read as it is (written as a convolution of the "
                          "zero-inserted input, the kernel must be flipped)",
        "channels_swapped": "w is (C_in, F, HH, WW) for a transposed convolution (torch's layout): input channels "
                            "first",
    }

    def mistake(s, e):
        return named(words, mistakes().transposed(s, i["x"], i["w"], i["b"], i["conv_param"]))
    return [mistake]


TRANSPOSED_LAYER = Layer(TF, TB, ("x", "w", "b", "conv_param"), ("dx", "dw", "db"))


def make_gradient_of_conv(p):
    """A convolution from (N, F, H2, W2) to y (N, C, H, W) with weights w (C, F, HH, WW) (w read as a convolution's
    (C_out, C_in, HH, WW)); its upstream gradient dy is the transposed convolution's input x. Without
    output_padding, so that the convolution tiles its input exactly."""
    case = make_transposed(p)
    case["conv_input"] = np.zeros(case["dout"].shape)
    return case


def is_gradient_of_conv(ctx, i):
    """conv_transpose_forward(dy, w, 0, conv_param) equals the dx your conv_backward gives for the upstream gradient
    dy of a convolution with weights w: the transposed convolution is the backward pass of a convolution."""
    zero_bias = np.zeros(i["w"].shape[1])
    plan = ctx.plan()
    conv = plan.call(CF, i["conv_input"], i["w"], np.zeros(i["w"].shape[0]), i["conv_param"])
    plan.returns(plan.call(TF, i["x"], i["w"], zero_bias, i["conv_param"])[0], plan.call(CB, i["x"], conv[1]))
    got, conv_grads = ctx.run_student(plan)
    check_value(conv_grads, conv_grads, "conv_backward", np.inf)
    check_value(got, conv_grads[0], "conv_transpose_forward(dy, w, 0, conv_param) (vs the dx of your conv_backward "
                                    "for the upstream gradient dy, w read as the convolution's weights)", 1e-9,
                transposed_hints(dict(i, b=zero_bias)))


def bad_output_padding(ctx, i):
    plan = ctx.plan()
    plan.returns(plan.call(TF, i["x"], i["w"], i["b"], i["conv_param"]))
    if returned_instead_of_raising(ctx, plan, ("ValueError", "AssertionError")) is None:
        return
    raise Fail("conv_transpose_forward accepted output_padding = %d with stride %d; it must be smaller than the "
               "stride (the rows it adds are the ones a stride-%d convolution would skip)"
               % (i["conv_param"]["output_padding"], i["conv_param"]["stride"], i["conv_param"]["stride"]),
               "bad output_padding accepted", hint="raise ValueError when output_padding >= stride")


BAD_OP = Cases(lambda p: dict(make_transposed(dict(p, output_padding=0)),
                              conv_param={"stride": p["stride"], "pad": 0, "output_padding": p["op"]}),
               ({"N": 1, "C": 1, "F": 1, "H": 2, "W": 2, "HH": 2, "WW": 2, "stride": 2, "pad": 0, "op": 2, "seed": 0},
                {"N": 1, "C": 2, "F": 1, "H": 3, "W": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 0, "op": 1, "seed": 1}))

SIZE_PUBLIC = ({"H": 16, "F": 2, "S": 2, "P": 0}, {"H": 4, "F": 4, "S": 2, "P": 1}, {"H": 7, "F": 3, "S": 2, "P": 1,
                                                                                       "output_padding": 1},
               {"H": 5, "F": 3, "S": 1, "P": 1}, {"H": 1, "F": 5, "S": 3, "P": 0})
SIZE_DRAWN = st.fixed_dictionaries({"H": st.integers(1, 64), "F": st.integers(1, 7), "S": st.integers(1, 4),
                                    "P": st.integers(0, 3)})


def transposed_size(plan, i):
    if "output_padding" in i:
        return plan.call(TSIZE, i["H"], i["F"], i["S"], i["P"], i["output_padding"])
    return plan.call(TSIZE, i["H"], i["F"], i["S"], i["P"])


def size_hints(i):
    def conv_size(s, e):
        if s != e and i["S"] > 1 and abs(float(s) - ((i["H"] + 2 * i["P"] - i["F"]) / i["S"] + 1)) < 1e-9:
            return "that is a convolution's output size; the transposed convolution goes the other way: " \
                   "(H − 1)·S − 2P + F"
        return None
    return [conv_size]


# ---------------------------------------------------------------- deformable convolution

def make_bilinear(p):
    rng = np.random.default_rng(p["seed"])
    H, W, n = p["H"], p["W"], p["n"]
    py = rng.uniform(-1.5, H + 0.5, n)
    px = rng.uniform(-1.5, W + 0.5, n)
    grid = rng.random(n) < p["integers"]
    py[grid], px[grid] = np.round(py[grid]), np.round(px[grid])
    return {"img": rng.standard_normal((H, W)), "py": py, "px": px}


BILINEAR_DRAWN = st.fixed_dictionaries({"H": st.integers(1, 5), "W": st.integers(1, 5), "n": st.integers(1, 12),
                                        "integers": st.sampled_from([0.0, 0.3]), "seed": st.integers(0, 2 ** 16)})
BILINEAR_WIDE = BILINEAR_DRAWN.filter(lambda p: p["W"] > 1)    # the midpoint property needs two columns
BILINEAR_PUBLIC = ({"H": 3, "W": 4, "n": 8, "integers": 0.3, "seed": 0}, {"H": 1, "W": 1, "n": 5, "integers": 0.0,
                                                                            "seed": 1})


def bilinear_hints(i):
    def clamped(s, e):
        outside = (i["py"] < 0) | (i["py"] > i["img"].shape[0] - 1) | (i["px"] < 0) | (i["px"] > i["img"].shape[1] - 1)
        if s.shape == e.shape and np.allclose(s[~outside], e[~outside]) and not np.allclose(s, e):
            return "wrong only at points outside the image: there the image is 0 (a point less than a pixel " \
                   "outside mixes the border pixels with zeros), not the nearest border pixel"
        return None
    return [clamped]


def bilinear_properties(ctx, i):
    """Integer points inside give the pixel; points a pixel or more outside give 0; the midpoint of two
    neighbours is their mean."""
    img = i["img"]
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    far_y = np.array([-1.0, -3.2, H, H + 0.5, 0.0, 0.0])
    far_x = np.array([0.0, 1.0, 0.0, W - 1.0, -1.0, W + 2.5])
    mid_y, mid_x = ys[:, :-1].astype(float), xs[:, :-1] + 0.5
    plan = ctx.plan()
    plan.returns(plan.call(BIL, img, ys.astype(float), xs.astype(float)), plan.call(BIL, img, far_y, far_x),
                 plan.call(BIL, img, mid_y, mid_x))
    on_grid, far, mid = ctx.run_student(plan)
    check_value(on_grid, img, "bilinear_sample at every integer (row, column)", 1e-12)
    check_value(far, np.zeros(far_y.shape), "bilinear_sample at points a pixel or more outside the image", 1e-12,
                bilinear_hints({"img": img, "py": far_y, "px": far_x}))
    check_value(mid, (img[:, :-1] + img[:, 1:]) / 2, "bilinear_sample halfway between horizontal neighbours", 1e-12)


def make_deform(p):
    """x, offset, w, b, conv_param, dout with offsets whose fractional parts stay 0.05 away from integers."""
    rng = np.random.default_rng(p["seed"])
    N, C, F, HH, WW, S, P = (p[k] for k in ("N", "C", "F", "HH", "WW", "stride", "pad"))
    H, W = (p["H_out"] - 1) * S + HH - 2 * P, (p["W_out"] - 1) * S + WW - 2 * P
    shape = (N, 2 * HH * WW, p["H_out"], p["W_out"])
    offset = rng.integers(-p["span"], p["span"] + 1, shape) + rng.uniform(0.05, 0.95, shape)
    return {"x": rng.standard_normal((N, C, H, W)), "offset": offset, "w": rng.standard_normal((F, C, HH, WW)),
            "b": rng.standard_normal(F), "conv_param": {"stride": S, "pad": P},
            "dout": rng.standard_normal((N, F, p["H_out"], p["W_out"]))}


@st.composite
def deform_params(draw):
    p = draw(conv_params())
    p["HH"], p["WW"] = min(p["HH"], 3), min(p["WW"], 3)
    p["span"] = draw(st.integers(0, 2))
    room = min((p["H_out"] - 1) * p["stride"] + p["HH"], (p["W_out"] - 1) * p["stride"] + p["WW"]) - 1
    p["pad"] = min(p["pad"], room // 2)
    return p


DEFORM_PUBLIC = ({"N": 2, "C": 2, "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 4, "W_out": 4, "span": 1,
                  "seed": 0},
                 {"N": 1, "C": 3, "F": 2, "HH": 2, "WW": 3, "stride": 2, "pad": 0, "H_out": 2, "W_out": 3, "span": 2,
                  "seed": 1},
                 {"N": 2, "C": 1, "F": 3, "HH": 1, "WW": 1, "stride": 1, "pad": 0, "H_out": 3, "W_out": 2, "span": 0,
                  "seed": 2})
DEFORM = Cases(make_deform, DEFORM_PUBLIC, deform_params())
DEFORM_HIDDEN = Cases(make_deform, (), deform_params())


def deform_hints(i):
    words = {
        "dy_dx_swapped": "the offsets of tap k are (dy, dx) = (offset[:, 2k], offset[:, 2k + 1]): the row offset "
                         "comes first",
        "planar_offsets": "the offsets are interleaved per tap, (dy, dx) at channels 2k and 2k + 1 (torchvision's "
                          "layout), not all dy first and then all dx",
        "rounded": "the sampling is bilinear: a fractional position mixes its four neighbours (rounding the offsets "
                   "is nearest-neighbour sampling)",
        "offsets_ignored": "the offsets are not used: every tap samples at its grid position plus its (dy, dx)",
    }

    def mistake(s, e):
        return named(words, mistakes().deformable(s, i["x"], i["offset"], i["w"], i["b"], i["conv_param"]))
    return [mistake]


DEFORM_LAYER = Layer(DF, DB, ("x", "offset", "w", "b", "conv_param"), ("dx", "doffset", "dw", "db"))


def zero_offsets_is_conv(ctx, i):
    """All offsets 0: every tap samples its grid pixel, so the layer is your plain convolution, gradients too."""
    plan = ctx.plan()
    out = DEFORM_LAYER.call(plan, dict(i, offset=np.zeros(i["offset"].shape)))
    conv = plan.call(CF, i["x"], i["w"], i["b"], i["conv_param"])
    plan.returns(out[0], plan.call(DB, i["dout"], out[1]), conv[0], plan.call(CB, i["dout"], conv[1]))
    got, grads, expected, (dx, dw, db) = ctx.run_student(plan)
    check_value(expected, expected, "conv_forward", np.inf)
    check_value(got, expected, "out with zero offsets (vs your conv_forward)", 1e-9)
    if not isinstance(grads, (tuple, list)) or len(grads) != 4:
        raise Fail("deform_conv_backward should return (dx, doffset, dw, db)", "wrong return value")
    check_value((grads[0], grads[2], grads[3]), (dx, dw, db), "(dx, dw, db) with zero offsets (vs your "
                                                              "conv_backward's)", 1e-9)


def make_shift(p):
    """Without padding: every tap's grid position is inside the input, so moving the input is the same as moving
    the taps (with padding, a tap in the padding moved inside would read a pixel where conv2d reads a zero)."""
    case = make_deform(dict(p, pad=0))
    case["offset"] = np.zeros(case["offset"].shape)
    case["offset"][:, 0::2], case["offset"][:, 1::2] = p["a"], p["c"]
    return case


SHIFT_DRAWN = st.tuples(deform_params(), st.integers(-2, 2), st.integers(-2, 2)).map(
    lambda t: dict(t[0], a=t[1], c=t[2]))
SHIFT_PUBLIC = (dict(DEFORM_PUBLIC[0], a=1, c=-1), dict(DEFORM_PUBLIC[1], a=-2, c=0))


def integer_offsets_shift(ctx, i):
    """One integer offset (a, c) for every tap and position: the convolution (no padding) of x moved by (−a, −c),
    zeros coming in at the border."""
    a, c = int(i["offset"][0, 0, 0, 0]), int(i["offset"][0, 1, 0, 0])
    H, W = i["x"].shape[2:]
    moved = np.zeros(i["x"].shape)
    moved[:, :, max(0, -a):H - max(0, a), max(0, -c):W - max(0, c)] = \
        i["x"][:, :, max(0, a):H + min(0, a), max(0, c):W + min(0, c)]
    plan = ctx.plan()
    plan.returns(DEFORM_LAYER.out(plan, i), plan.call(CF, moved, i["w"], i["b"], i["conv_param"])[0])
    got, expected = ctx.run_student(plan)
    check_value(expected, expected, "conv_forward", np.inf)
    check_value(got, expected, "out with every offset (dy, dx) = (%d, %d) (vs your conv_forward of x shifted by "
                               "(%d, %d))" % (a, c, -a, -c), 1e-9, deform_hints(i))


# ---------------------------------------------------------------- masked convolution

def make_mask(p):
    G = p["G"]
    return {"shape": (p["f"] * G, p["c"] * G, p["HH"], p["WW"]), "mask_type": p["type"], "color_groups": G}


MASK_DRAWN = st.fixed_dictionaries({"f": st.integers(1, 3), "c": st.integers(1, 3), "G": st.sampled_from([1, 1, 3]),
                                    "HH": st.sampled_from([1, 3, 5, 7]), "WW": st.sampled_from([1, 3, 5]),
                                    "type": st.sampled_from(["A", "B"])})
MASK_WORKED = ({"f": 1, "c": 1, "G": 1, "HH": 5, "WW": 5, "type": "A"}, {"f": 1, "c": 1, "G": 1, "HH": 5, "WW": 5,
                                                                        "type": "B"},
               {"f": 1, "c": 1, "G": 3, "HH": 3, "WW": 3, "type": "A"}, {"f": 1, "c": 1, "G": 3, "HH": 3, "WW": 3,
                                                                        "type": "B"})


def mask_hints(i):
    words = {
        "types_swapped": "mask A is the first layer's: its centre tap is 0 (a pixel never sees itself); mask B keeps "
                         "the centre",
        "center_row_right_kept": "in the centre row only the taps LEFT of the centre are kept: the pixels to the right "
                                 "come later in raster order",
        "center_row_left_masked": "in the centre row the taps left of the centre are kept: those pixels come earlier",
        "mask_transposed": "the mask keeps the rows ABOVE the centre (and the left part of the centre row), not the "
                           "columns to the left",
    }

    def mistake(s, e):
        return named(words, mistakes().mask(s, i["shape"], i["mask_type"], i["color_groups"]))
    return [mistake]


def call_mask(plan, i):
    return plan.call(MASK, i["shape"], i["mask_type"], color_groups=i["color_groups"])


BAD_MASKS = ({"shape": (1, 1, 4, 3), "mask_type": "A", "color_groups": 1},
             {"shape": (2, 2, 3, 3), "mask_type": "C", "color_groups": 1},
             {"shape": (3, 2, 3, 3), "mask_type": "B", "color_groups": 3})


def mask_raises(ctx, i):
    plan = ctx.plan()
    plan.returns(call_mask(plan, i))
    if returned_instead_of_raising(ctx, plan, ("ValueError", "AssertionError")) is None:
        return
    raise Fail("pixelcnn_mask(%r, %r, color_groups=%d) returned a mask; an even kernel size (no centre), a type other "
               "than 'A' and 'B', or channels that do not split into the colour groups must raise ValueError"
               % (i["shape"], i["mask_type"], i["color_groups"]), "bad mask accepted",
               hint="raise ValueError for an even HH or WW, a mask_type other than 'A'/'B', or F, C not multiples "
                    "of color_groups")


def make_masked(p):
    """x, w, b, a 'same' conv_param (stride 1, pad K // 2), the mask's type and colour groups, dout."""
    rng = np.random.default_rng(p["seed"])
    G, K = p["G"], p["K"]
    C, F = p["c"] * G, p["f"] * G
    return {"x": rng.standard_normal((p["N"], C, p["H"], p["W"])), "w": rng.standard_normal((F, C, K, K)),
            "b": rng.standard_normal(F), "conv_param": {"stride": 1, "pad": K // 2}, "mask_type": p["type"],
            "color_groups": G, "dout": rng.standard_normal((p["N"], F, p["H"], p["W"])),
            "pixel": (p["py"] % p["H"], p["px"] % p["W"]), "channel": p["ch"] % C}


MASKED_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 2), "c": st.integers(1, 2), "f": st.integers(1, 2),
                                      "G": st.sampled_from([1, 1, 3]), "K": st.sampled_from([1, 3, 5]),
                                      "H": st.integers(1, 6), "W": st.integers(1, 6), "type": st.sampled_from("AB"),
                                      "py": st.integers(0, 5), "px": st.integers(0, 5), "ch": st.integers(0, 5),
                                      "seed": st.integers(0, 2 ** 16)})
MASKED_PUBLIC = ({"N": 2, "c": 1, "f": 2, "G": 1, "K": 5, "H": 6, "W": 5, "type": "A", "py": 2, "px": 3, "ch": 0,
                  "seed": 0},
                 {"N": 1, "c": 2, "f": 1, "G": 1, "K": 3, "H": 4, "W": 4, "type": "B", "py": 1, "px": 1, "ch": 1,
                  "seed": 1},
                 {"N": 1, "c": 1, "f": 2, "G": 3, "K": 3, "H": 4, "W": 3, "type": "A", "py": 2, "px": 0, "ch": 1,
                  "seed": 2},
                 {"N": 1, "c": 1, "f": 1, "G": 3, "K": 3, "H": 3, "W": 3, "type": "B", "py": 1, "px": 1, "ch": 2,
                  "seed": 3})
MASKED = Cases(make_masked, MASKED_PUBLIC, MASKED_DRAWN)


MASKED_LAYER = Layer(MF, MB, ("x", "w", "b", "conv_param", "mask_type", "color_groups"), ("dx", "dw", "db"))


def masked_forward_hints(i):
    def mistake(s, e):
        return named({"mask_not_applied": "yours is the convolution with the whole kernel: multiply w by "
                                          "pixelcnn_mask(w.shape, mask_type, color_groups) first"},
                     mistakes().masked_forward(s, i["x"], i["w"], i["b"], i["conv_param"]))
    return [mistake]


def masked_backward_hints(i):
    def unmasked_dw(s, e):
        if s.shape == i["w"].shape and s.shape == e.shape and np.any(s[e == 0] != 0):
            return "dw must be 0 where the mask is 0: those weights are multiplied by 0 in the forward pass"
        return None
    return [unmasked_dw]


def masked_vs_torch(ctx, i):
    plan = ctx.plan()
    plan.returns(call_mask(plan, {"shape": i["w"].shape, "mask_type": i["mask_type"],
                                  "color_groups": i["color_groups"]}), MASKED_LAYER.out(plan, i), MASKED_LAYER.gradients(plan, i))
    mask, got, grads = ctx.run_student(plan)
    check_value(mask, mask, "pixelcnn_mask", np.inf)
    expected, expected_grads = oracle().masked(i["x"], i["w"], i["b"], i["conv_param"], mask, i["dout"])
    check_value(got, expected, "out (vs torch.nn.functional.conv2d(x, w * your mask))", 1e-9,
                masked_forward_hints(i))
    check_value(grads, expected_grads, "(dx, dw, db) (vs torch autograd through w * your mask)", 1e-9,
                masked_backward_hints(i))


def causal(ctx, i):
    """Changing one input pixel (one channel) changes no output at an earlier pixel in raster order, nor, at the
    same pixel, an output of an earlier colour group (mask A: nor of its own group)."""
    x, (qy, qx), c = i["x"], i["pixel"], i["channel"]
    moved = x.copy()
    moved[:, c, qy, qx] += 1.0 + np.abs(moved[:, c, qy, qx])
    plan = ctx.plan()
    plan.returns(MASKED_LAYER.out(plan, i), MASKED_LAYER.out(plan, dict(i, x=moved)))
    before, after = ctx.run_student(plan)
    check_value(before, before, "out", np.inf)
    check_value(after, before, "out", np.inf)
    F, C = before.shape[1], x.shape[1]
    G = i["color_groups"]
    g_in, g_out = c // (C // G), np.arange(F) // (F // G)
    H, W = x.shape[2:]
    order = np.arange(H * W).reshape(H, W)
    earlier = order < order[qy, qx]                                                   # (H, W)
    same_pixel_blind = g_out < g_in if i["mask_type"] == "B" else g_out <= g_in       # (F,)
    frozen = earlier[None] | ((order == order[qy, qx])[None] & same_pixel_blind[:, None, None])
    changed = np.abs(after - before)[:, frozen] > 1e-12
    if changed.any():
        n, k = np.argwhere(changed)[0]
        f, y, xx = np.argwhere(frozen)[k]
        raise Fail("changing x[:, %d, %d, %d] (channel %d at pixel (%d, %d)) changed out[%d, %d, %d, %d] (channel "
                   "%d at pixel (%d, %d)): with mask %s that output must not see that input"
                   % (c, qy, qx, c, qy, qx, n, f, y, xx, f, y, xx, i["mask_type"]), "sees the future",
                   hint="the mask must zero every tap below the centre row and right of the centre in the centre "
                        "row, and the centre tap as the mask type and colour groups say")


# ---------------------------------------------------------------- depthwise and separable convolutions

def make_depthwise(p):
    rng = np.random.default_rng(p["seed"])
    N, C, M, HH, WW, S, P = (p[k] for k in ("N", "C", "M", "HH", "WW", "stride", "pad"))
    H, W = (p["H_out"] - 1) * S + HH - 2 * P, (p["W_out"] - 1) * S + WW - 2 * P
    F = p.get("F", 1)
    return {"x": rng.standard_normal((N, C, H, W)), "w": rng.standard_normal((C * M, 1, HH, WW)),
            "b": rng.standard_normal(C * M), "w_point": rng.standard_normal((F, C * M, 1, 1)),
            "b_point": rng.standard_normal(F), "conv_param": {"stride": S, "pad": P},
            "dout": rng.standard_normal((N, C * M, p["H_out"], p["W_out"])),
            "dout_point": rng.standard_normal((N, F, p["H_out"], p["W_out"]))}


@st.composite
def depthwise_params(draw):
    p = draw(conv_params())
    p["M"], p["F"] = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    return p


DEPTHWISE_PUBLIC = ({"N": 2, "C": 3, "M": 1, "F": 4, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 4, "W_out": 4,
                     "seed": 0},
                    {"N": 1, "C": 2, "M": 2, "F": 3, "HH": 3, "WW": 2, "stride": 2, "pad": 1, "H_out": 3, "W_out": 2,
                     "seed": 1},
                    {"N": 2, "C": 2, "M": 3, "F": 1, "HH": 1, "WW": 1, "stride": 1, "pad": 0, "H_out": 2, "W_out": 3,
                     "seed": 2})
DEPTHWISE = Cases(make_depthwise, DEPTHWISE_PUBLIC, depthwise_params())
DEPTHWISE_HIDDEN = Cases(make_depthwise, (), depthwise_params())


def depthwise_hints(i):
    def mistake(s, e):
        return named({"multiplier_order": "output channel k is input channel k // M (its m-th filter, m = k % M): "
                                          "the M outputs of one input channel are next to each other"},
                     mistakes().depthwise(s, i["x"], i["w"], i["b"], i["conv_param"]))
    return [mistake]


DEPTHWISE_LAYER = Layer(DWF, DWB, ("x", "w", "b", "conv_param"), ("dx", "dw", "db"))
SEPARABLE_LAYER = Layer(SF, SB, ("x", "w", "w_point", "b_point", "conv_param"), ("dx", "dw_depth", "dw_point", "db"),
                        "dout_point")


def separable_objective(output, inputs):
    return float(np.sum(output * inputs["dout_point"]))


def separable_is_rank_one(ctx, i):
    """With M = 1 a separable convolution is your convolution with the kernel W[f, c] = w_point[f, c] · w_depth[c]."""
    full = i["w_point"][:, :, 0, 0, None, None] * i["w"][None, :, 0]
    plan = ctx.plan()
    out = SEPARABLE_LAYER.call(plan, i)
    conv = plan.call(CF, i["x"], full, i["b_point"], i["conv_param"])
    plan.returns(out[0], plan.call(SB, i["dout_point"], out[1]), conv[0], plan.call(CB, i["dout_point"], conv[1]))
    got, grads, expected, (dx, _, db) = ctx.run_student(plan)
    check_value(expected, expected, "conv_forward", np.inf)
    check_value(got, expected, "out (vs your conv_forward with the kernel W[f, c] = w_point[f, c] · w_depth[c])", 1e-9)
    if not isinstance(grads, (tuple, list)) or len(grads) != 4:
        raise Fail("separable_conv_backward should return (dx, dw_depth, dw_point, db)", "wrong return value")
    check_value((grads[0], grads[3]), (dx, db), "(dx, db) (vs your conv_backward's for that kernel)", 1e-9)


COST_LECTURE = ({"H_out": 14, "W_out": 14, "C_in": 512, "C_out": 512, "K": 3, "M": 1, "bias": False},  # Table 3
                  {"H_out": 112, "W_out": 112, "C_in": 32, "C_out": 64, "K": 3, "M": 1, "bias": False},
                  {"H_out": 7, "W_out": 7, "C_in": 1024, "C_out": 1024, "K": 3, "M": 1, "bias": True},
                  {"H_out": 128, "W_out": 128, "C_in": 64, "C_out": 128, "K": 3, "M": 1, "bias": True})  # U-Net
COST_DRAWN = st.fixed_dictionaries({"H_out": st.integers(1, 64), "W_out": st.integers(1, 64),
                                    "C_in": st.integers(1, 512), "C_out": st.integers(1, 512),
                                    "K": st.integers(1, 7), "M": st.integers(1, 4), "bias": st.booleans()})


def costs(plan, i):
    args = (i["H_out"], i["W_out"], i["C_in"], i["C_out"], i["K"])
    return (plan.call(COST, i["H_out"], i["W_out"], i["C_in"] * i["M"], i["C_out"], i["K"], bias=i["bias"]),
            plan.call(SCOST, *args, depth_multiplier=i["M"], bias=i["bias"]),
            plan.call(RATIO, i["C_out"], i["K"]))


def cost_hints(i):
    words = {
        "standard_cost": "that is what the standard K x K convolution costs; the separable one is a depthwise K x K "
                         "(C_in·M filters of K x K) plus a 1 x 1 from C_in·M to C_out channels",
        "pointwise_missing": "the 1 x 1 convolution is missing: H_out·W_out·C_in·M·C_out more multiply-adds",
        "depthwise_bias": "the depthwise part has no bias (only the 1 x 1 convolution has one, when bias=True)",
    }

    def mistake(s, e):
        return named(words, mistakes().costs(s, i["H_out"], i["W_out"], i["C_in"], i["C_out"], i["K"], i["M"],
                                                     i["bias"]))
    return [mistake]


def symbolic(plan, i):
    """The formulas called with sympy symbols, printed canonically (nothing is parsed here)."""
    s = plan.library("sympy.symbols", "H F S P O H_out W_out C_in C_out K M", positive=True, integer=True)
    H, F, S, P, O, Ho, Wo, Ci, Co, K, M = (s[n] for n in range(11))

    def canonical(ref):
        return plan.library("sympy.sstr", plan.library("sympy.expand", ref), order="lex")
    cost, sep = plan.call(COST, Ho, Wo, Ci, Co, K), plan.call(SCOST, Ho, Wo, Ci, Co, K, depth_multiplier=M)
    return (canonical(plan.call(TSIZE, H, F, S, P, O)), canonical(plan.method(cost, "__getitem__", "macs")),
            canonical(plan.method(sep, "__getitem__", "macs")), canonical(plan.method(sep, "__getitem__", "params")),
            canonical(plan.call(RATIO, Co, K)))


def make_every_layer(p):
    """Inputs of a transposed, a deformable and a depthwise layer, side by side (prefixes t_, d_, w_)."""
    cases = (("t_", make_transposed(dict(TRANSPOSED_PUBLIC[2], seed=p["seed"]))),
             ("d_", make_deform(dict(DEFORM_PUBLIC[0], seed=p["seed"]))),
             ("w_", make_depthwise(dict(DEPTHWISE_PUBLIC[1], seed=p["seed"]))))
    return {prefix + k: v for prefix, case in cases for k, v in case.items()}


def every_layer(plan, r):
    t, d, w = ({k[2:]: v for k, v in r.items() if k.startswith(prefix)} for prefix in ("t_", "d_", "w_"))
    for layer, inputs in ((TRANSPOSED_LAYER, t), (DEFORM_LAYER, d), (DEPTHWISE_LAYER, w), (SEPARABLE_LAYER, w)):
        layer.steps(plan, inputs)
    return "a forward or backward pass"


# ---------------------------------------------------------------- the checks

CONV_CHECK = Compare("conv.values", 1, (CF, CB), cases=Cases(make_conv, CONV_PUBLIC[1:], conv_params()),
                     build=conv_and_grads, labels=("out", "(dx, dw, db)"), tol=1e-8, examples=3,
                     description="the convolution pasted into conv.py (conv_forward, conv_backward) is right")


def transposed_checks():
    return [
        Compare(TSIZE + ".values", 1, (TSIZE,), cases=Cases(dict, SIZE_PUBLIC, SIZE_DRAWN), build=transposed_size,
                labels=("H_out",), tol=0, hints=size_hints, examples=8,
                description="(H − 1)·S − 2P + F + output_padding: U-Net's 2×2 up-convolution with stride 2 doubles "
                            "16 to 32; DCGAN's 4×4, stride 2, pad 1 doubles 4 to 8"),
        Compare(TF + ".values", 3, (TF,), cases=TRANSPOSED, build=TRANSPOSED_LAYER.out, labels=("out",), tol=1e-8,
                hints=transposed_hints, examples=5,
                description="out equals the reference's: U-Net's and DCGAN's up-sampling, output_padding, drawn "
                            "shapes"),
        Compare(TF + ".hidden", 1, (TF,), HIDDEN, cases=TRANSPOSED_HIDDEN, build=TRANSPOSED_LAYER.out, labels=("out",),
                tol=1e-8, hints=transposed_hints, examples=8),
        Property("conv_transpose.is_gradient_of_conv", 2, (TF, CF, CB),
                 cases=Cases(make_gradient_of_conv, TRANSPOSED_PUBLIC[:2], transposed_params(output_padding=False)),
                 body=is_gradient_of_conv, examples=4, requires=("conv.values",),
                 description="the lecture's definition: conv_transpose_forward(dy, w, 0, ...) is the dx of your "
                             "conv_backward for a convolution with the same w, stride and pad"),
        Property("conv_transpose.torch", 2, (TF, TB), cases=TRANSPOSED, body=TRANSPOSED_LAYER.vs_torch(
                     "torch.nn.functional.conv_transpose2d", lambda o, i: o.transposed(
                         i["x"], i["w"], i["b"], i["conv_param"], i["dout"]), 1e-8, transposed_hints), examples=4,
                 description="out and (dx, dw, db) equal torch.nn.functional.conv_transpose2d and its autograd"),
        Compare(TB + ".values", 3, (TF, TB), cases=TRANSPOSED, build=TRANSPOSED_LAYER.gradients, labels=("dx", "dw", "db"),
                tol=1e-8, examples=5, description="(dx, dw, db) equal the reference's"),
        Compare(TB + ".hidden", 1, (TF, TB), HIDDEN, cases=TRANSPOSED_HIDDEN, build=TRANSPOSED_LAYER.gradients,
                labels=("dx", "dw", "db"), tol=1e-8, examples=8),
        Gradient(TB + ".numerical_gradient", 2, (TF, TB), HIDDEN, cases=Cases(make_transposed, TRANSPOSED_PUBLIC[1:3]),
                 forward=TRANSPOSED_LAYER.out, analytic=TRANSPOSED_LAYER.gradient_list, wrt=("x", "w", "b"), directions=3, probes=2,
                 description="dx, dw, db match centred differences of your own forward"),
        Property("conv_transpose.rejects_output_padding", 1, (TF,), HIDDEN, cases=BAD_OP, body=bad_output_padding,
                 requires=(TF + ".values",), description="output_padding >= stride raises ValueError"),
    ]


def deformable_checks():
    return [
        Compare(BIL + ".values", 2, (BIL,), cases=Cases(make_bilinear, BILINEAR_PUBLIC, BILINEAR_DRAWN),
                build=lambda plan, i: plan.call(BIL, i["img"], i["py"], i["px"]), labels=("values",), tol=1e-10,
                hints=bilinear_hints, examples=6,
                description="points inside, on the grid, on the border and outside (where the image is 0)"),
        Property(BIL + ".properties", 1, (BIL,), cases=Cases(make_bilinear, BILINEAR_PUBLIC[:1], BILINEAR_WIDE),
                 body=bilinear_properties, examples=4,
                 description="integer points give the pixel, points a pixel or more outside give 0, halfway between "
                             "two neighbours gives their mean"),
        Compare(DF + ".values", 3, (DF,), cases=DEFORM, build=DEFORM_LAYER.out, labels=("out",), tol=1e-8,
                hints=deform_hints, examples=4,
                description="out equals the reference's: 2·HH·WW offsets (dy, dx per tap) per output position, "
                            "bilinear sampling, strides and padding"),
        Compare(DF + ".hidden", 1, (DF,), HIDDEN, cases=DEFORM_HIDDEN, build=DEFORM_LAYER.out, labels=("out",), tol=1e-8,
                hints=deform_hints, examples=8),
        Property("deform_conv.zero_offsets_is_conv", 2, (DF, DB, CF, CB), cases=DEFORM, body=zero_offsets_is_conv,
                 examples=3, requires=("conv.values",),
                 description="with every offset 0, out and (dx, dw, db) are your plain convolution's"),
        Property("deform_conv.integer_offsets_shift", 2, (DF, CF), cases=Cases(make_shift, SHIFT_PUBLIC, SHIFT_DRAWN),
                 body=integer_offsets_shift, examples=4, requires=("conv.values",),
                 description="one integer offset (a, c) everywhere is your convolution (no padding) of the input "
                             "shifted by (−a, −c)"),
        Property("deform_conv.torch", 2, (DF, DB), cases=DEFORM, body=DEFORM_LAYER.vs_torch(
                     "bilinear sampling by torch.nn.functional.grid_sample", lambda o, i: o.deformable(
                         i["x"], i["offset"], i["w"], i["b"], i["conv_param"], i["dout"]), 1e-8, deform_hints), examples=3,
                 description="out and (dx, doffset, dw, db) equal sampling by torch's grid_sample and its autograd"),
        Compare(DB + ".values", 3, (DF, DB), cases=DEFORM, build=DEFORM_LAYER.gradients, labels=("dx", "doffset", "dw", "db"),
                tol=1e-8, examples=4, description="(dx, doffset, dw, db) equal the reference's"),
        Compare(DB + ".hidden", 1, (DF, DB), HIDDEN, cases=DEFORM_HIDDEN, build=DEFORM_LAYER.gradients,
                labels=("dx", "doffset", "dw", "db"), tol=1e-8, examples=6),
        Gradient(DB + ".numerical_gradient", 2, (DF, DB), HIDDEN, cases=Cases(make_deform, DEFORM_PUBLIC[:2]),
                 forward=DEFORM_LAYER.out, analytic=DEFORM_LAYER.gradient_list, wrt=("x", "offset", "w", "b"), directions=3, probes=2,
                 description="dx, doffset, dw, db match centred differences of your own forward (offsets away from "
                             "integers, where the bilinear sampling is smooth)"),
    ]


def masked_checks():
    return [
        Compare(MASK + ".worked_example", 1, (MASK,), cases=Cases(make_mask, MASK_WORKED), build=call_mask,
                labels=("mask",), exact=True, hints=mask_hints,
                description="the 5×5 masks A and B of one channel, and the 3×3 colour masks (R, G, B groups)"),
        Compare(MASK + ".values", 2, (MASK,), cases=Cases(make_mask, (), MASK_DRAWN), build=call_mask,
                labels=("mask",), exact=True, hints=mask_hints, examples=8,
                description="drawn kernel sizes, channel counts, types and colour groups"),
        Property(MASK + ".rejects_bad_masks", 1, (MASK,), HIDDEN, cases=Cases(dict, BAD_MASKS), body=mask_raises,
                 requires=(MASK + ".worked_example",),
                 description="ValueError for an even kernel, a type other than A or B, channels not in G groups"),
        Compare(MF + ".values", 2, (MF,), cases=MASKED, build=MASKED_LAYER.out, labels=("out",), tol=1e-9,
                hints=masked_forward_hints, examples=4,
                description="out equals the reference's ('same' padding, masks A and B, colour groups)"),
        Compare(MB + ".values", 2, (MF, MB), cases=MASKED, build=MASKED_LAYER.gradients, labels=("dx", "dw", "db"), tol=1e-9,
                hints=masked_backward_hints, examples=4,
                description="(dx, dw, db) equal the reference's; dw is 0 where the mask is"),
        Property("masked_conv.torch", 1, (MASK, MF, MB), cases=MASKED, body=masked_vs_torch, examples=3,
                 description="out and (dx, dw, db) equal torch's conv2d with the weight w · your mask, and autograd"),
        Property("masked_conv.causal", 2, (MF,), cases=MASKED, body=causal, examples=8,
                 description="changing one input pixel changes no output at an earlier pixel (raster order), nor at "
                             "the pixel itself except as mask A/B and the colour groups allow"),
        Gradient("masked_conv.numerical_gradient", 1, (MF, MB), HIDDEN, cases=Cases(make_masked, MASKED_PUBLIC[:2]),
                 forward=MASKED_LAYER.out, analytic=MASKED_LAYER.gradient_list, wrt=("x", "w", "b"), directions=3, probes=2,
                 description="dx, dw, db match centred differences of your own forward"),
    ]


def separable_checks():
    return [
        Compare(DWF + ".values", 2, (DWF,), cases=DEPTHWISE, build=DEPTHWISE_LAYER.out, labels=("out",), tol=1e-9,
                hints=depthwise_hints, examples=4,
                description="out equals the reference's: one filter per input channel, depth multipliers 1 to 3"),
        Compare(DWB + ".values", 2, (DWF, DWB), cases=DEPTHWISE, build=DEPTHWISE_LAYER.gradients, labels=("dx", "dw", "db"),
                tol=1e-9, examples=4, description="(dx, dw, db) equal the reference's"),
        Property("depthwise_conv.torch", 1, (DWF, DWB), cases=DEPTHWISE, body=DEPTHWISE_LAYER.vs_torch(
                     "torch.nn.functional.conv2d(..., groups=C)", lambda o, i: o.conv(
                         i["x"], i["w"], i["b"], i["conv_param"], i["dout"], groups=i["x"].shape[1]), 1e-9,
                     depthwise_hints), examples=3,
                 description="out and (dx, dw, db) equal torch's conv2d with groups = C, and autograd"),
        Gradient("depthwise_conv.numerical_gradient", 1, (DWF, DWB), HIDDEN,
                 cases=Cases(make_depthwise, DEPTHWISE_PUBLIC[:2]), forward=DEPTHWISE_LAYER.out,
                 analytic=DEPTHWISE_LAYER.gradient_list, wrt=("x", "w", "b"), directions=3, probes=2,
                 description="dx, dw, db match centred differences of your own forward"),
        Compare(SF + ".values", 2, (SF,), cases=DEPTHWISE, build=SEPARABLE_LAYER.out, labels=("out",), tol=1e-9,
                examples=4, description="out equals the reference's: a depthwise convolution, then a 1 × 1"),
        Compare(SB + ".values", 2, (SF, SB), cases=DEPTHWISE, build=SEPARABLE_LAYER.gradients,
                labels=("dx", "dw_depth", "dw_point", "db"), tol=1e-9, examples=4,
                description="(dx, dw_depth, dw_point, db) equal the reference's"),
        Property("separable_conv.is_rank_one_conv", 1, (SF, SB, CF, CB),
                 cases=Cases(make_depthwise, tuple(dict(p, M=1) for p in DEPTHWISE_PUBLIC),
                             depthwise_params().map(lambda p: dict(p, M=1))),
                 body=separable_is_rank_one, examples=3, requires=("conv.values",),
                 description="with M = 1 it is your convolution with the kernel W[f, c] = w_point[f, c] · "
                             "w_depth[c]"),
        Property("separable_conv.torch", 1, (SF, SB), HIDDEN, cases=DEPTHWISE_HIDDEN, body=SEPARABLE_LAYER.vs_torch(
                     "a depthwise conv2d, then a 1 x 1 conv2d", lambda o, i: o.separable(
                         i["x"], i["w"], i["w_point"], i["b_point"], i["conv_param"], i["dout_point"]), 1e-9),
                 examples=4, description="out and gradients equal a depthwise and a 1 × 1 torch conv2d"),
        Gradient("separable_conv.numerical_gradient", 1, (SF, SB), HIDDEN,
                 cases=Cases(make_depthwise, DEPTHWISE_PUBLIC[1:]), forward=SEPARABLE_LAYER.out,
                 analytic=SEPARABLE_LAYER.gradient_list, wrt=("x", "w", "w_point", "b_point"), objective=separable_objective,
                 directions=3, probes=2, description="all four gradients match centred differences of your forward"),
        Compare("costs.lecture", 2, (COST, SCOST, RATIO), cases=Cases(dict, COST_LECTURE), build=costs,
                labels=("conv_cost", "separable_conv_cost", "separable_cost_ratio"), tol=1e-12, hints=cost_hints,
                description="MobileNet's Table 3 (14×14, 512 → 512, 3×3): 462,422,016 multiply-adds and 2,359,296 "
                            "parameters against 52,283,392 and 266,752, the ratio 1/512 + 1/9; U-Net's 3×3 "
                            "convolution from 64 to 128 channels: 73,856 parameters"),
        Compare("costs.values", 1, (COST, SCOST, RATIO), cases=Cases(dict, (), COST_DRAWN), build=costs,
                labels=("conv_cost", "separable_conv_cost", "separable_cost_ratio"), tol=1e-12, hints=cost_hints,
                examples=6, description="drawn sizes, depth multipliers and biases"),
        Property("inputs_unchanged", 1, (TF, TB, DF, DB, DWF, DWB, SF, SB), HIDDEN,
                 cases=Cases(make_every_layer, ({"seed": 0},)), body=unchanged(every_layer),
                 requires=(TB + ".values",), description="no forward or backward pass modifies its inputs"),
        Compare("symbolic", 1, (TSIZE, COST, SCOST, RATIO), HIDDEN, cases=Cases(dict, ({},)), build=symbolic,
                labels=(TSIZE, "conv_cost['macs']", "separable_conv_cost['macs']", "separable_conv_cost['params']",
                        RATIO),
                description="the size and cost formulas called with sympy symbols (plain arithmetic only)"),
    ]


ASSIGNMENT = Assignment(
    name="conv_variants", title="Convolution variants: transposed, deformable, masked, depthwise-separable",
    symbols=dict({s: ("transposed",) for s in (TSIZE, TF, TB)}, **{s: ("deformable",) for s in (BIL, DF, DB)},
                 **{s: ("masked",) for s in (MASK, MF, MB)},
                 **{s: ("separable",) for s in (DWF, DWB, SF, SB, COST, SCOST, RATIO)},
                 **{s: ("conv",) for s in (CF, CB)}),
    checks=[CONV_CHECK] + transposed_checks() + deformable_checks() + masked_checks() + separable_checks(),
    reference_modules=("transposed", "deformable", "masked", "separable", "conv"))
