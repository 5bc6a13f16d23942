"""Checks of the conv/pool layers: CS231n's affine, ReLU, naive convolution, max and average pooling, and a
fast (vectorized) convolution. Every forward is (x, ..., param) -> (out, cache), every backward
(dout, cache) -> gradients, as in CS231n's layers.py.

Decisions (also in assignments/conv_pool/README.md):
- A non-integer output size must raise ValueError (the README's contract) or AssertionError (what CS231n's
  own `assert (H + 2 * pad - HH) % stride == 0` raises). Returning a rounded-down output fails, and so does
  an accidental error (IndexError, TypeError from a float shape...): that is a crash, not a clear error.
- The fast convolution may have at most 2 Python loops per function: im2col/col2im written as loops over
  the kernel offsets (`for p in range(HH): for q in range(WW)`) is legitimate and fast, and the AST cannot
  tell what a loop runs over. Loops over N, F, H', W' are caught by the speed check instead.
- The speed check times the forward pass only, on N=2, C=3, 32×32, 8 filters 3×3 (stride 1, pad 1): the
  reference's naive layer takes ≈ 0.07 s in the worker (0.25 s on a busy machine), its fast layer 0.5 ms
  with the round trip (≈ 130×). The issue's 64-image batch would spend ~2–5 s in a naive layer; the ratio,
  not the batch, is what the check is about. A naive layer that is itself vectorized over F and C leaves
  less room: the check compares with the student's OWN naive version, as the design asks.
- Values are checked against the reference (the NumPy solution) AND against torch.nn.functional (the
  oracle in reference/conv_pool/oracle.py, computed in this trusted process): a reference bug cannot
  hide behind itself.
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.context import student_error
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.speed import Speed
from ..checks.static import ForbidImports, MaxLoops, NoCallsTo, Static
from ..checks.validate import Fail, check_value, describe
from ..sandbox.plan import Ref
from ..spec import HIDDEN, Assignment
from . import grading_side

CONV_F, CONV_B = "conv_forward_naive", "conv_backward_naive"
FAST_F, FAST_B = "conv_forward_fast", "conv_backward_fast"
MAX_F, MAX_B = "max_pool_forward_naive", "max_pool_backward_naive"
AVG_F, AVG_B = "avg_pool_forward_naive", "avg_pool_backward_naive"
SIZE = "conv_output_size"
SYMBOLS = (SIZE, "affine_forward", "affine_backward", "relu_forward", "relu_backward", CONV_F, CONV_B,
           MAX_F, MAX_B, AVG_F, AVG_B, FAST_F, FAST_B)
ACCEPTED_ERRORS = ("ValueError", "AssertionError")


def oracle():
    """The torch oracle, imported on first use (torch takes a second or more to import)."""
    from reference.conv_pool import oracle as module
    return module


# ---------------------------------------------------------------- inputs

def make_conv(p):
    """x, w, b, conv_param, dout for a convolution whose output is exactly H_out × W_out."""
    rng = np.random.default_rng(p["seed"])
    N, C, F, HH, WW, s, pad = p["N"], p["C"], p["F"], p["HH"], p["WW"], p["stride"], p["pad"]
    H, W = (p["H_out"] - 1) * s + HH - 2 * pad, (p["W_out"] - 1) * s + WW - 2 * pad
    if p.get("linspace"):   # CS231n's notebook case
        x = np.linspace(-0.1, 0.5, num=N * C * H * W).reshape(N, C, H, W)
        w = np.linspace(-0.2, 0.3, num=F * C * HH * WW).reshape(F, C, HH, WW)
        b = np.linspace(-0.1, 0.2, num=F)
    else:
        x, w, b = rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, HH, WW)), rng.standard_normal(F)
    return {"x": x, "w": w, "b": b, "conv_param": {"stride": s, "pad": pad},
            "dout": rng.standard_normal((N, F, p["H_out"], p["W_out"]))}


@st.composite
def conv_params(draw, pad=True):
    p = {"N": draw(st.integers(1, 3)), "C": draw(st.integers(1, 3)), "F": draw(st.integers(1, 3)),
         "HH": draw(st.integers(1, 4)), "WW": draw(st.integers(1, 4)), "stride": draw(st.integers(1, 3)),
         "H_out": draw(st.integers(1, 4)), "W_out": draw(st.integers(1, 4)), "seed": draw(st.integers(0, 2 ** 16))}
    room = min((p["H_out"] - 1) * p["stride"] + p["HH"], (p["W_out"] - 1) * p["stride"] + p["WW"]) - 1
    p["pad"] = min(draw(st.integers(0, 2)), room // 2) if pad else 0   # keeps H, W >= 1
    return p


CONV_PUBLIC = ({"N": 2, "C": 3, "F": 3, "HH": 4, "WW": 4, "stride": 2, "pad": 1, "H_out": 2, "W_out": 2,
                "seed": 0, "linspace": True},
               {"N": 4, "C": 3, "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 5, "W_out": 5, "seed": 1},
               {"N": 2, "C": 2, "F": 3, "HH": 2, "WW": 3, "stride": 2, "pad": 2, "H_out": 3, "W_out": 4, "seed": 2})
GRADIENT_PUBLIC = ({"N": 2, "C": 2, "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "H_out": 4, "W_out": 4, "seed": 3},
                   CONV_PUBLIC[2])
CONV = Cases(make_conv, CONV_PUBLIC, conv_params())
CONV_HIDDEN = Cases(make_conv, (), conv_params())


def make_pool(p):
    """x, pool_param, dout; x has distinct values (no ties) unless p['levels'] makes integer-valued ties."""
    rng = np.random.default_rng(p["seed"])
    N, C, ph, pw, s = p["N"], p["C"], p["ph"], p["pw"], p["stride"]
    shape = (N, C, (p["H_out"] - 1) * s + ph, (p["W_out"] - 1) * s + pw)
    if p.get("linspace"):
        x = np.linspace(-0.3, 0.4, num=int(np.prod(shape))).reshape(shape)
    elif p.get("levels"):
        x = rng.integers(0, p["levels"], size=shape).astype(float)
    else:   # a shuffled grid: distinct values 0.01 apart, so a 1e-5 step never changes a window's argmax
        x = (rng.permutation(int(np.prod(shape))) * 0.01 - 1).reshape(shape)
    return {"x": x, "pool_param": {"pool_height": ph, "pool_width": pw, "stride": s},
            "dout": rng.standard_normal((N, C, p["H_out"], p["W_out"]))}


def pool_params(min_size=1, levels=None):
    return st.fixed_dictionaries({
        "N": st.integers(1, 3), "C": st.integers(1, 3), "ph": st.integers(min_size, 3),
        "pw": st.integers(min_size, 3), "stride": st.integers(1, 3), "H_out": st.integers(1, 4),
        "W_out": st.integers(1, 4), "seed": st.integers(0, 2 ** 16),
        **({"levels": st.just(levels)} if levels else {})})


POOL_PUBLIC = ({"N": 2, "C": 3, "ph": 2, "pw": 2, "stride": 2, "H_out": 2, "W_out": 2, "seed": 0, "linspace": True},
               {"N": 3, "C": 2, "ph": 2, "pw": 2, "stride": 2, "H_out": 4, "W_out": 4, "seed": 1},
               {"N": 2, "C": 2, "ph": 3, "pw": 2, "stride": 1, "H_out": 3, "W_out": 4, "seed": 2})
POOL = Cases(make_pool, POOL_PUBLIC, pool_params())
POOL_HIDDEN = Cases(make_pool, (), pool_params())


def make_affine(p):
    rng = np.random.default_rng(p["seed"])
    N, d, M = p["N"], tuple(p["d"]), p["M"]
    D = int(np.prod(d))
    if p.get("linspace"):
        x = np.linspace(-0.1, 0.5, num=N * D).reshape(N, *d)
        w = np.linspace(-0.2, 0.3, num=D * M).reshape(D, M)
        b = np.linspace(-0.3, 0.1, num=M)
    else:
        x, w, b = rng.standard_normal((N, *d)), rng.standard_normal((D, M)), rng.standard_normal(M)
    return {"x": x, "w": w, "b": b, "dout": rng.standard_normal((N, M))}


AFFINE = Cases(make_affine, ({"N": 2, "d": [4, 5, 6], "M": 3, "seed": 0, "linspace": True},
                             {"N": 10, "d": [2, 3], "M": 5, "seed": 1}),
               st.fixed_dictionaries({"N": st.integers(1, 4), "d": st.lists(st.integers(1, 4), min_size=1, max_size=3),
                                      "M": st.integers(1, 5), "seed": st.integers(0, 2 ** 16)}))


def make_relu(p):
    """Half-integers in [-1.5, 1.5]: about one entry in seven is exactly 0, where the gradient is 0."""
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    return {"x": rng.integers(-3, 4, size=shape) * 0.5, "dout": rng.standard_normal(shape)}


def relu_subgradient(ctx, inputs, student, expected):
    """Where x == 0 any subgradient the profile accepts (relu_grad_at_zero: 0 only in this course, as torch; 0 or
    1 in CS231n, whose docstrings leave it open: an `x >= 0` mask is right there) replaces the expected 0."""
    (s,), (e,) = student, expected
    at_zero = inputs["x"] == 0
    if type(s) is not np.ndarray or s.shape != e.shape or not at_zero.any():
        return expected
    out = e.copy()
    for t in ctx.profile["relu_grad_at_zero"]:
        same = at_zero & np.isclose(s, t * inputs["dout"], rtol=0, atol=0)
        out[same] = s[same]
    return [out]


RELU = Cases(make_relu, ({"shape": [3, 4], "seed": 0}, {"shape": [2, 3, 4, 5], "seed": 1}),
             st.fixed_dictionaries({"shape": st.lists(st.integers(1, 5), min_size=1, max_size=4),
                                    "seed": st.integers(0, 2 ** 16)}))


# ---------------------------------------------------------------- plans

def conv(forward):
    return lambda plan, i: plan.call(forward, i["x"], i["w"], i["b"], i["conv_param"])[0]


def conv_grads(forward, backward):
    def build(plan, i):
        g = plan.call(backward, i["dout"], plan.call(forward, i["x"], i["w"], i["b"], i["conv_param"])[1])
        return [g[0], g[1], g[2]]
    return build


def conv_backward_build(forward, backward):
    return lambda plan, i: plan.call(backward, i["dout"],
                                     plan.call(forward, i["x"], i["w"], i["b"], i["conv_param"])[1])


def pool(forward):
    return lambda plan, i: plan.call(forward, i["x"], i["pool_param"])[0]


def pool_backward_build(forward, backward):
    return lambda plan, i: plan.call(backward, i["dout"], plan.call(forward, i["x"], i["pool_param"])[1])


# ---------------------------------------------------------------- diagnosis hints

def conv_hints(i):
    x, w, b, cp = i["x"], i["w"], i["b"], i["conv_param"]
    grading = grading_side("conv_pool")

    def flipped(s, e):
        if grading and s.shape == e.shape and s.ndim == 4 and s.shape[1] == w.shape[0] and \
                np.allclose(s, grading.correlate(x, w[:, :, ::-1, ::-1], b, cp["stride"], cp["pad"]), atol=1e-9):
            return "yours is the convolution with the kernel flipped; CS231n's conv layer (like torch's) is a " \
                   "cross-correlation: do not flip w"
        return None

    def db_one_sample(s, e):
        if s.shape == b.shape and x.shape[0] > 1:
            for n in range(x.shape[0]):
                if np.allclose(s, i["dout"][n].sum(axis=(1, 2))):
                    return "db is the sum over one sample only; sum dout over the batch and every position"
        return None

    return [flipped, db_one_sample]


def max_pool_hints(i):
    def spread(s, e):
        if s.shape == i["x"].shape and np.any(s != e):
            ph, pw = i["pool_param"]["pool_height"], i["pool_param"]["pool_width"]
            if np.count_nonzero(s) > np.count_nonzero(e):
                return "more cells receive gradient than there are windows: each window's gradient goes to its " \
                       "maximum only (not spread over the %d×%d window)" % (ph, pw)
        return None
    return [spread]


# ---------------------------------------------------------------- properties

def compare_to_oracle(ctx, student, expected, labels, tol):
    for s, e, label in zip(student, expected, labels):
        check_value(s, e, label + " (vs torch)", tol)


def conv_vs_torch(forward, backward, torch_call="torch.nn.functional.conv2d", hints=None, forward_hints=None):
    """Forward and backward against the torch oracle (conv2d, with dilation where conv_param has it); `hints`
    (inputs -> hints) for the gradients, `forward_hints` for the output (both default to conv_hints)."""
    hints = hints or conv_hints
    forward_hints = hints if forward_hints is None else forward_hints

    def body(ctx, i):
        plan = ctx.plan()
        out = plan.call(forward, i["x"], i["w"], i["b"], i["conv_param"])
        plan.returns(out[0], plan.call(backward, i["dout"], out[1]))
        got, grads = ctx.run_student(plan)
        o = oracle()
        expected, cache = o.conv_forward(i["x"], i["w"], i["b"], i["conv_param"])
        check_value(got, expected, "out (vs %s)" % torch_call, 1e-8, forward_hints(i) if forward_hints else None)
        check_value(grads, tuple(o.conv_backward(i["dout"], cache)), "(dx, dw, db) (vs torch autograd)", 1e-8,
                    hints(i))
    return body


def pool_vs_torch(forward, backward, name):
    def body(ctx, i):
        plan = ctx.plan()
        out = plan.call(forward, i["x"], i["pool_param"])
        plan.returns(out[0], plan.call(backward, i["dout"], out[1]))
        got, dx = ctx.run_student(plan)
        o = oracle()
        expected, cache = getattr(o, name + "_forward")(i["x"], i["pool_param"])
        check_value(got, expected, "out (vs torch.nn.functional.%s2d)" % name, 1e-9)
        check_value(dx, getattr(o, name + "_backward")(i["dout"], cache), "dx (vs torch autograd)", 1e-9,
                    max_pool_hints(i) if name == "max_pool" else None)
    return body


def ties_hints(i):
    from reference.conv_pool.grading import route_to_first_max
    x, pp, dout = i["x"], i["pool_param"], i["dout"]

    def last_max(s, e):
        flipped = route_to_first_max(x[:, :, ::-1, ::-1], pp, dout[:, :, ::-1, ::-1])[:, :, ::-1, ::-1]
        if s.shape == e.shape and np.allclose(s, flipped):
            return "on ties the gradient goes to the FIRST maximum of the window in row-major order " \
                   "(np.argmax of the flattened window); yours goes to the last"
        return None
    return [last_max] + max_pool_hints(i)


def max_pool_ties(ctx, i):
    """With integer-valued inputs most windows have tied maxima; the gradient goes to the first one only (this
    course), or, where the profile leaves it open (max_pool_ties "any": CS231n), to the first, the last, or
    split equally among them — never to every one of them in full."""
    plan = ctx.plan()
    plan.returns(plan.call(MAX_B, i["dout"], plan.call(MAX_F, i["x"], i["pool_param"])[1]))
    (dx,) = ctx.run_student(plan)
    from reference.conv_pool.grading import route_to_first_max   # the expectation: grading side only
    first = route_to_first_max(i["x"], i["pool_param"], i["dout"])
    if ctx.profile["max_pool_ties"] == "any" and type(dx) is np.ndarray and dx.shape == first.shape:
        for how in ("last", "split"):
            other = route_to_first_max(i["x"], i["pool_param"], i["dout"], how)
            if np.allclose(dx, other, rtol=1e-12, atol=1e-12):
                return
    check_value(dx, first, "dx", 1e-12, ties_hints(i))


def translation_equivariant(ctx, i):
    """Shifting the input by (a·stride, c·stride) pixels shifts the output by (a, c) (no padding)."""
    s, a, c = i["conv_param"]["stride"], i["shift"][0], i["shift"][1]
    plan = ctx.plan()
    big = plan.call(CONV_F, i["x"], i["w"], i["b"], i["conv_param"])[0]
    moved = plan.call(CONV_F, i["x"][:, :, a * s:, c * s:], i["w"], i["b"], i["conv_param"])[0]
    doubled = plan.call(CONV_F, 2 * i["x"], i["w"], i["b"], i["conv_param"])[0]
    plan.returns(big, moved, doubled)
    big, moved, doubled = ctx.run_student(plan)
    check_value(big, np.zeros(big.shape if type(big) is np.ndarray else ()), "out", np.inf)
    if type(doubled) is np.ndarray and doubled.shape == big.shape and np.array_equal(doubled, big):
        raise Fail("the output does not change when x does", "output ignores the input")
    expected = big[:, :, a:, c:]
    if type(moved) is not np.ndarray or moved.shape != expected.shape or not np.allclose(moved, expected, atol=1e-9):
        raise Fail("conv(x shifted by %d×%d pixels) is not conv(x) shifted by %d×%d outputs (stride %d)"
                   % (a * s, c * s, a, c, s), "not translation equivariant",
                   hint="every output position must use the same weights on its own window (i·stride, j·stride)")


def make_shifted(p):
    """A conv case without padding whose input is a·stride rows and c·stride columns larger."""
    q = dict(p, pad=0, H_out=p["H_out"] + p["a"], W_out=p["W_out"] + p["c"])
    case = make_conv(q)
    case["shift"] = (p["a"], p["c"])
    return case


SHIFTED = Cases(make_shifted, (), st.tuples(conv_params(pad=False), st.integers(0, 2), st.integers(0, 2)).map(
    lambda t: dict(t[0], a=t[1], c=t[2])))


def fast_equals_naive(ctx, i):
    """Your fast layers agree with your naive ones, and each backward accepts the other forward's cache."""
    args = (i["x"], i["w"], i["b"], i["conv_param"])
    plan = ctx.plan()
    naive, fast = plan.call(CONV_F, *args), plan.call(FAST_F, *args)
    plan.returns(naive[0], fast[0], plan.call(CONV_B, i["dout"], naive[1]),
                 plan.call(FAST_B, i["dout"], naive[1]), plan.call(FAST_B, i["dout"], fast[1]),
                 plan.call(CONV_B, i["dout"], fast[1]))
    out_n, out_f, g_nn, g_fn, g_ff, g_nf = ctx.run_student(plan)
    check_value(out_n, out_n, "conv_forward_naive out", np.inf)
    check_value(out_f, out_n, "conv_forward_fast out (vs your naive)", 1e-9)
    check_value(g_nn, g_nn, "conv_backward_naive grads", np.inf)
    for got, what in ((g_fn, "conv_backward_fast on the naive cache"), (g_ff, "conv_backward_fast"),
                      (g_nf, "conv_backward_naive on the fast cache")):
        check_value(got, g_nn, "(dx, dw, db) of %s (vs your naive)" % what, 1e-9)


# ---------------------------------------------------------------- non-integer output sizes

def make_bad(p):
    """A geometry whose output size along H (or W) is not an integer, or whose kernel exceeds the input."""
    rng = np.random.default_rng(p["seed"])
    HH, s, pad = p["HH"], p["stride"], p["pad"]
    good = (p["H_out"] - 1) * s + HH - 2 * pad
    bad = good + p["extra"] if p["extra"] else HH - 2 * pad - 1   # extra = 0: the kernel is too large
    H, W = (bad, good) if p["axis"] == "H" else (good, bad)
    return {"bad": bad, "HH": HH, "stride": s, "pad": pad,
            "x": rng.standard_normal((1, 2, H, W)), "w": rng.standard_normal((2, 2, HH, HH)),
            "b": np.zeros(2), "conv_param": {"stride": s, "pad": pad},
            "pool_param": {"pool_height": HH, "pool_width": HH, "stride": s}}


@st.composite
def bad_params(draw, pad=True):
    s = draw(st.integers(2, 3))
    HH = draw(st.integers(1, 4))
    p = {"HH": HH, "stride": s, "pad": draw(st.integers(0, 1)) if pad else 0, "H_out": draw(st.integers(1, 3)),
         "extra": draw(st.integers(1, s - 1)), "axis": draw(st.sampled_from("HW")), "seed": draw(st.integers(0, 99))}
    if HH - 2 * p["pad"] >= 2 and draw(st.booleans()):
        p["extra"] = 0
    if (p["H_out"] - 1) * s + HH - 2 * p["pad"] < 1:
        p["pad"] = 0
    return p


BAD_PUBLIC = ({"HH": 2, "stride": 2, "pad": 0, "H_out": 2, "extra": 1, "axis": "H", "seed": 0},   # (5-2)/2+1
              {"HH": 3, "stride": 3, "pad": 1, "H_out": 2, "extra": 2, "axis": "W", "seed": 1},
              {"HH": 4, "stride": 2, "pad": 0, "H_out": 1, "extra": 0, "axis": "H", "seed": 2})   # kernel > input


def expect_error(ctx, plan, what):
    reply = ctx.student.run(plan)
    if reply.failure:
        raise Fail(reply.failure, "crashed or timed out", abort=True)
    if reply.ok:
        got = reply.values[0]
        got = got[0] if isinstance(got, (tuple, list)) and got else got
        shown = repr(got) if isinstance(got, (int, float)) else describe(got)
        raise Fail("%s returned %s instead of raising ValueError: the output size is not an integer, so the "
                   "windows do not tile the input" % (what, shown), "no error on a non-integer output size",
                   hint="raise ValueError when stride does not divide H + 2*pad - HH (do not round down)")
    kind = reply.error.get("type")
    if kind == "NotImplementedError":
        raise student_error(reply.error, plan)
    if kind not in ACCEPTED_ERRORS:
        raise Fail("%s raised %s instead of ValueError: %s" % (what, kind, reply.error.get("message", "")),
                   "unclear error on a non-integer output size",
                   hint="check the output size first and raise ValueError showing the formula")


def size_raises(ctx, i):
    args = (i["bad"], i["HH"], i["stride"], i["pad"])
    plan = ctx.plan()
    plan.returns(plan.call(SIZE, *args))
    expect_error(ctx, plan, "conv_output_size(%d, %d, %d, %d)" % args)


def layer_raises(*forwards):
    def body(ctx, i):
        for forward in forwards:
            plan = ctx.plan()
            if forward in (CONV_F, FAST_F):
                plan.returns(plan.call(forward, i["x"], i["w"], i["b"], i["conv_param"]))
                what = "%s on x of shape %s, w %s, conv_param %s" % (forward, i["x"].shape, i["w"].shape,
                                                                     i["conv_param"])
            else:
                plan.returns(plan.call(forward, i["x"], i["pool_param"]))
                what = "%s on x of shape %s, pool_param %s" % (forward, i["x"].shape, i["pool_param"])
            expect_error(ctx, plan, what)
    return body


# ---------------------------------------------------------------- inputs not modified

UPSTREAM = ("dout", "relu_dout")   # the backward layers' inputs a CS231n backward may write into


def unchanged(steps):
    """Store the inputs in the worker, run `steps(plan, refs)`, and check every stored input is bit-identical
    (dout too, unless the profile lets a backward write into it: backward_writes_dout, harmless in CS231n)."""
    def body(ctx, i):
        plan = ctx.plan()
        refs = {k: plan.let(v) for k, v in i.items()}
        what = steps(plan, refs)
        plan.returns(*refs.values())
        after = ctx.run_student(plan)
        for (name, before), now in zip(i.items(), after):
            if name in UPSTREAM and ctx.profile["backward_writes_dout"]:
                continue
            same = np.array_equal(now, before) if type(before) is np.ndarray else now == before
            if type(before) is np.ndarray and (type(now) is not np.ndarray or now.shape != before.shape):
                same = False
            if not same:
                raise Fail("%s modified its input `%s` in place" % (what, name), "input modified",
                           hint="work on a copy (np.pad, x.copy(), dout * mask) instead of writing into an input")
    return body


def conv_steps(forward, backward):
    def steps(plan, r):
        out = plan.call(forward, r["x"], r["w"], r["b"], r["conv_param"])
        plan.call(backward, r["dout"], out[1])
        return "%s/%s" % (forward, backward)
    return steps


def pool_steps(plan, r):
    for forward, backward in ((MAX_F, MAX_B), (AVG_F, AVG_B)):
        plan.call(backward, r["dout"], plan.call(forward, r["x"], r["pool_param"])[1])
    return "a pooling layer (forward or backward)"


def affine_relu_steps(plan, r):
    out = plan.call("affine_forward", r["x"], r["w"], r["b"])
    plan.call("affine_backward", r["dout"], out[1])
    relu = plan.call("relu_forward", r["relu_x"])
    plan.call("relu_backward", r["relu_dout"], relu[1])
    return "affine_forward/backward or relu_forward/backward"


def make_affine_relu(p):
    case = make_affine(p)
    relu = make_relu({"shape": [3, 4, 2], "seed": p["seed"]})
    return dict(case, relu_x=relu["x"], relu_dout=relu["dout"])


# ---------------------------------------------------------------- speed

def speed_setup(plan, i):
    for k, v in i.items():
        plan.let(v, name="speed_" + k)


def speed_call(forward):
    return lambda plan: plan.call(forward, *(Ref("speed_" + k) for k in ("x", "w", "b", "conv_param")))


def speed_inputs(rng):
    return {"x": rng.standard_normal((2, 3, 32, 32)), "w": rng.standard_normal((8, 3, 3, 3)),
            "b": rng.standard_normal(8), "conv_param": {"stride": 1, "pad": 1}}


# ---------------------------------------------------------------- the checks

def conv_checks(forward, backward, label, points):
    """Values (public + hidden) against the reference, and gradients, for one conv implementation."""
    grads = conv_backward_build(forward, backward)
    return [
        Compare(forward + ".values", points, (forward,), cases=CONV, build=conv(forward), labels=("out",),
                tol=1e-8, hints=conv_hints, examples=4,
                description="out equals the reference's on CS231n's notebook case and drawn shapes, strides, pads"),
        Compare(forward + ".hidden", 1, (forward,), HIDDEN, cases=CONV_HIDDEN, build=conv(forward),
                labels=("out",), tol=1e-8, hints=conv_hints, examples=8, description="the same on hidden inputs"),
        Compare(backward + ".values", points, (forward, backward), cases=CONV, build=grads,
                labels=("dx", "dw", "db"), tol=1e-8, hints=conv_hints, examples=4,
                description="(dx, dw, db) equal the reference's for the upstream gradient dout"),
        Compare(backward + ".hidden", 1, (forward, backward), HIDDEN, cases=CONV_HIDDEN, build=grads,
                labels=("dx", "dw", "db"), tol=1e-8, hints=conv_hints, examples=8,
                description="the same on hidden inputs"),
        Gradient(backward + ".numerical_gradient", 2, (forward, backward),
                 cases=Cases(make_conv, GRADIENT_PUBLIC), forward=conv(forward),
                 analytic=conv_grads(forward, backward), wrt=("x", "w", "b"), directions=3, probes=2,
                 description="dx, dw, db match centred differences of your own %s forward along random "
                             "directions and at single entries (30 forward calls per case)" % label),
        Property(forward + ".raises", 1, (forward,), cases=Cases(make_bad, BAD_PUBLIC, bad_params()),
                 body=layer_raises(forward), examples=4, requires=(forward + ".values",), when="raises",
                 description="a non-integer output size (or a kernel larger than the padded input) raises "
                             "ValueError (AssertionError accepted), never a rounded-down output"),
    ]


SIZES = ({"H": 32, "HH": 3, "stride": 1, "pad": 1}, {"H": 5, "HH": 3, "stride": 2, "pad": 0},
         {"H": 4, "HH": 4, "stride": 2, "pad": 1}, {"H": 7, "HH": 7, "stride": 3, "pad": 0},
         {"H": 2, "HH": 4, "stride": 1, "pad": 1})

CHECKS = [
    Compare(SIZE + ".values", 1, (SIZE,),
            cases=Cases(lambda p: p, SIZES),
            build=lambda plan, i: plan.call(SIZE, i["H"], i["HH"], i["stride"], i["pad"]), labels=("H_out",),
            description="(H + 2·pad − HH) / stride + 1 as an int"),
    Property(SIZE + ".raises", 1, (SIZE,), cases=Cases(make_bad, BAD_PUBLIC, bad_params()), body=size_raises,
             examples=6, requires=(SIZE + ".values",), when="raises",
             description="raises ValueError (AssertionError accepted) when the output size is not an integer "
                         "or the kernel is larger than the padded input"),
    Compare("affine_forward.values", 1, ("affine_forward",), cases=AFFINE,
            build=lambda plan, i: plan.call("affine_forward", i["x"], i["w"], i["b"])[0], tol=1e-9, examples=4,
            labels=("out",), description="CS231n's notebook case and drawn shapes (x is reshaped to (N, D))"),
    Compare("affine_backward.values", 1, ("affine_forward", "affine_backward"), cases=AFFINE,
            build=lambda plan, i: plan.call("affine_backward", i["dout"],
                                            plan.call("affine_forward", i["x"], i["w"], i["b"])[1]),
            labels=("dx", "dw", "db"), tol=1e-9, examples=4, description="(dx, dw, db), dx shaped like x"),
    Compare("relu_forward.values", 1, ("relu_forward",), cases=RELU,
            build=lambda plan, i: plan.call("relu_forward", i["x"])[0], labels=("out",), examples=4,
            description="max(0, x) elementwise"),
    Compare("relu_backward.values", 1, ("relu_forward", "relu_backward"), cases=RELU,
            build=lambda plan, i: plan.call("relu_backward", i["dout"], plan.call("relu_forward", i["x"])[1]),
            labels=("dx",), examples=4, accept=relu_subgradient,
            description="dout where x > 0; 0 where x < 0; at x == 0 the profile's subgradient (0 here, as torch; "
                        "0 or dout for CS231n)"),
    Property("affine_relu.inputs_unchanged", 1, ("affine_forward", "affine_backward", "relu_forward", "relu_backward"),
             cases=Cases(make_affine_relu, AFFINE.public[1:]), body=unchanged(affine_relu_steps),
             requires=("affine_backward.values", "relu_backward.values"),
             description="no affine/ReLU function writes into x, w, b or dout"),
] + conv_checks(CONV_F, CONV_B, "naive", 3) + [
    Property("conv_naive.torch", 2, (CONV_F, CONV_B), cases=Cases(make_conv, CONV_PUBLIC[1:], conv_params()),
             body=conv_vs_torch(CONV_F, CONV_B), examples=4,
             description="out and (dx, dw, db) equal torch.nn.functional.conv2d and torch autograd (float64)"),
    Property("conv_naive.inputs_unchanged", 1, (CONV_F, CONV_B), cases=Cases(make_conv, CONV_PUBLIC[1:2]),
             body=unchanged(conv_steps(CONV_F, CONV_B)), requires=(CONV_B + ".values",),
             description="x, w, b, conv_param and dout are not modified"),
    Property("conv_naive.translation_equivariant", 1, (CONV_F,), HIDDEN, cases=SHIFTED, body=translation_equivariant,
             examples=6, description="shifting the input by whole strides shifts the output"),
    Compare(MAX_F + ".values", 2, (MAX_F,), cases=POOL, build=pool(MAX_F), labels=("out",), tol=1e-9, examples=4,
            description="CS231n's notebook case and drawn shapes, overlapping windows included"),
    Compare(MAX_B + ".values", 2, (MAX_F, MAX_B), cases=POOL, build=pool_backward_build(MAX_F, MAX_B),
            labels=("dx",), tol=1e-9, hints=max_pool_hints, examples=4,
            description="dx equals the reference's (no ties here)"),
    Compare("max_pool.hidden", 1, (MAX_F, MAX_B), HIDDEN, cases=POOL_HIDDEN,
            build=lambda plan, i: plan.let((pool(MAX_F)(plan, i), pool_backward_build(MAX_F, MAX_B)(plan, i))),
            labels=("out", "dx"), tol=1e-9, hints=max_pool_hints, examples=8),
    Property("max_pool.torch", 1, (MAX_F, MAX_B), cases=Cases(make_pool, POOL_PUBLIC[1:], pool_params()),
             body=pool_vs_torch(MAX_F, MAX_B, "max_pool"), examples=4,
             description="out and dx equal torch.nn.functional.max_pool2d and torch autograd"),
    Property("max_pool.ties_route_to_first_max", 2, (MAX_F, MAX_B), HIDDEN,
             cases=Cases(make_pool, (), pool_params(min_size=2, levels=3)), body=max_pool_ties, examples=8,
             requires=(MAX_B + ".values",),
             description="with tied maxima each window's gradient goes to its first maximum (row-major) only"),
    Gradient(MAX_B + ".numerical_gradient", 1, (MAX_F, MAX_B), cases=Cases(make_pool, POOL_PUBLIC[1:]),
             forward=pool(MAX_F), analytic=lambda plan, i: [pool_backward_build(MAX_F, MAX_B)(plan, i)],
             wrt=("x",), description="dx matches centred differences of your own forward"),
    Compare(AVG_F + ".values", 1, (AVG_F,), cases=POOL, build=pool(AVG_F), labels=("out",), tol=1e-9, examples=4,
            description="the mean of each window"),
    Compare(AVG_B + ".values", 1, (AVG_F, AVG_B), cases=POOL, build=pool_backward_build(AVG_F, AVG_B),
            labels=("dx",), tol=1e-9, examples=4, description="each cell gets 1/(pool_height·pool_width) per window"),
    Compare("avg_pool.hidden", 1, (AVG_F, AVG_B), HIDDEN, cases=POOL_HIDDEN,
            build=lambda plan, i: plan.let((pool(AVG_F)(plan, i), pool_backward_build(AVG_F, AVG_B)(plan, i))),
            labels=("out", "dx"), tol=1e-9, examples=8),
    Property("avg_pool.torch", 1, (AVG_F, AVG_B), cases=Cases(make_pool, POOL_PUBLIC[1:], pool_params()),
             body=pool_vs_torch(AVG_F, AVG_B, "avg_pool"), examples=4,
             description="out and dx equal torch.nn.functional.avg_pool2d and torch autograd"),
    Gradient(AVG_B + ".numerical_gradient", 1, (AVG_F, AVG_B), cases=Cases(make_pool, POOL_PUBLIC[1:]),
             forward=pool(AVG_F), analytic=lambda plan, i: [pool_backward_build(AVG_F, AVG_B)(plan, i)],
             wrt=("x",), description="dx matches centred differences of your own forward"),
    Property("pool.raises", 1, (MAX_F, AVG_F), cases=Cases(make_bad, BAD_PUBLIC, bad_params(pad=False)),
             body=layer_raises(MAX_F, AVG_F), examples=4, requires=(MAX_F + ".values", AVG_F + ".values"),
             when="raises",
             description="pooling with a non-integer output size raises ValueError (AssertionError accepted)"),
    Property("pool.inputs_unchanged", 1, (MAX_F, MAX_B, AVG_F, AVG_B), cases=Cases(make_pool, POOL_PUBLIC[2:]),
             body=unchanged(pool_steps), requires=(MAX_B + ".values", AVG_B + ".values"),
             description="x, pool_param and dout are not modified"),
] + conv_checks(FAST_F, FAST_B, "fast", 2) + [
    Property("conv_fast.equals_naive", 2, (CONV_F, CONV_B, FAST_F, FAST_B),
             cases=Cases(make_conv, CONV_PUBLIC[1:], conv_params()), body=fast_equals_naive, examples=4,
             description="your fast layers equal your naive ones, and each backward takes the other's cache"),
    Property("conv_fast.inputs_unchanged", 1, (FAST_F, FAST_B), cases=Cases(make_conv, CONV_PUBLIC[1:2]),
             body=unchanged(conv_steps(FAST_F, FAST_B)), requires=(FAST_B + ".values",),
             description="x, w, b, conv_param and dout are not modified"),
] + [Static(fn + ".vectorized", 1, (fn,), target=fn,
            rules=(MaxLoops(2, "loop over the kernel offsets at most; use im2col/col2im (sliding_window_view, "
                               "matmul, np.add.at or np.bincount) for N, F and the output positions"),
                   NoCallsTo((CONV_F, CONV_B)), ForbidImports(("torch", "scipy", "tensorflow"))),
            requires=(fn + ".values",),
            description="at most 2 Python loops (e.g. over kernel offsets), no call to the naive layers, no torch")
     for fn in (FAST_F, FAST_B)] + [
    Speed("conv_fast.speed", 2, (CONV_F, FAST_F), HIDDEN, make=speed_inputs, setup=speed_setup,
          slow=speed_call(CONV_F), fast=speed_call(FAST_F), min_ratio=20,
          requires=(CONV_F + ".values", FAST_F + ".values"),
          description="conv_forward_fast at least 20× faster than your conv_forward_naive on N=2, C=3, 32×32, "
                      "8 filters 3×3, stride 1, pad 1 (the reference's naive takes ≈ 0.07 s there)"),
]

ASSIGNMENT = Assignment(
    name="conv_pool", title="Convolution and pooling layers (CS231n layers.py)",
    symbols={s: ("layers",) for s in SYMBOLS}, checks=CHECKS, reference_modules=("layers",),
    cs231n={s: 2016 for s in ("affine_forward", "affine_backward", "relu_forward", "relu_backward", CONV_F, CONV_B,
                              MAX_F, MAX_B)})
