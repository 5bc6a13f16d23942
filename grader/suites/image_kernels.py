"""Checks of the classic image kernels and of the two ways of applying them: cross-correlation (what a CNN
layer computes) and true convolution (the lecture's g = w * f, the kernel flipped).

The lecture's numbers are public cases: the 5×5 image and 3×3 kernel whose cross-correlation is
[[12, 12, 17], [10, 17, 19], [9, 6, 14]], and the binary image whose first output under the X-shaped kernel
is 4. When a correlation or a convolution is wrong, the check asks the reference for the OTHER operation on
the same input (a recorded reply in the student kit, no code here) to say "you flipped" or "you did not flip".
The kernels' behaviour (an edge kernel gives 0 on a flat image, a blur keeps it, sharpen = identity + edges,
the Sobel kernels' signs) is checked with the student's own convolve2d.
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.prop import Property
from ..checks.static import ForbidCalls, ForbidImports, Static
from ..checks.validate import Fail, check_value, describe, with_hint
from ..sandbox.recorded import NotRecorded
from ..spec import HIDDEN, Assignment

CORR, CONV, MAG = "correlate2d", "convolve2d", "sobel_magnitude"
SOBEL, EDGE, SHARPEN = "sobel_kernels", "edge_kernel", "sharpen_kernel"
BOX, GAUSS = "box_blur_kernel", "gaussian_kernel"
OTHER = {CORR: CONV, CONV: CORR}
NO_LIBRARY = (ForbidCalls(("scipy", "cv2", "skimage", "torch", "numpy.convolve", "numpy.correlate"),
                          "slide the kernel yourself (loops over the kernel offsets, or over the output)"),
              ForbidImports(("scipy", "cv2", "skimage", "torch", "tensorflow")))


# ---------------------------------------------------------------- inputs

LECTURE_IMAGE = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
LECTURE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
BINARY_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
X_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


def make_filter(p):
    if p.get("lecture"):
        image, kernel = {"conv": (LECTURE_IMAGE, LECTURE_KERNEL), "binary": (BINARY_IMAGE, X_KERNEL)}[p["lecture"]]
        return {"image": np.array(image, dtype=float), "kernel": np.array(kernel, dtype=float)}
    rng = np.random.default_rng(p["seed"])
    kh, kw = p["kh"], p["kw"]
    return {"image": rng.standard_normal((kh + p["dh"], kw + p["dw"])), "kernel": rng.standard_normal((kh, kw))}


PUBLIC = ({"lecture": "conv"}, {"lecture": "binary"}, {"kh": 2, "kw": 3, "dh": 4, "dw": 2, "seed": 0},
          {"kh": 1, "kw": 1, "dh": 2, "dw": 3, "seed": 1})
DRAWN = st.fixed_dictionaries({"kh": st.integers(1, 5), "kw": st.integers(1, 5), "dh": st.integers(0, 6),
                               "dw": st.integers(0, 6), "seed": st.integers(0, 2 ** 16)})


def filtering(fn):
    def body(ctx, inputs):
        """fn(image, kernel) against the reference; when it differs and equals the other operation, say so."""
        image, kernel = inputs["image"], inputs["kernel"]
        (student,), (expected,) = ctx.both(lambda plan: [plan.call(fn, image, kernel)])
        label = "%s(image %d×%d, kernel %d×%d)" % ((fn,) + image.shape + kernel.shape)
        check_value(student, expected, label, np.inf)       # type, dtype, shape, finiteness
        try:
            check_value(student, expected, label, 1e-9)
        except Fail as fail:
            plan = ctx.plan()
            plan.returns(plan.call(OTHER[fn], image, kernel))
            try:
                (other,) = ctx.run_reference(plan)
            except NotRecorded:      # the student kit recorded the reference's replies to right answers only
                raise fail from None
            if np.allclose(np.asarray(student, float), other, rtol=1e-9, atol=1e-12):
                hint = ("a true convolution flips the kernel in both directions first (kernel[::-1, ::-1]); yours "
                        "is the cross-correlation") if fn == CONV else \
                    "cross-correlation slides the kernel as it is; yours flipped it (that is the true convolution)"
                raise Fail(with_hint(fail.message, hint), "kernel flipped the wrong way", hint=hint)
            raise
    return body


def flip_property(ctx, inputs):
    """Your convolve2d(image, kernel) equals your correlate2d(image, kernel flipped in both directions)."""
    image, kernel = inputs["image"], inputs["kernel"]
    plan = ctx.plan()
    plan.returns(plan.call(CONV, image, kernel), plan.call(CORR, image, np.ascontiguousarray(kernel[::-1, ::-1])))
    conv, corr = ctx.run_student(plan)
    check_value(corr, np.zeros((image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1)),
                "correlate2d(image, kernel[::-1, ::-1])", np.inf)
    check_value(conv, np.asarray(corr, float), "convolve2d(image, kernel) against your correlate2d(image, "
                                               "kernel[::-1, ::-1])", 1e-9)


# ---------------------------------------------------------------- the kernels

def kernel_hints(inputs):
    def transposed(s, e):
        if s.shape == e.shape and s.ndim == 2 and not np.allclose(s, e) and np.allclose(s, e.T):
            return "yours is the transpose: x is the row index, y the column index (image[x, y])"
        return None

    def flipped(s, e):
        if s.shape == e.shape and s.ndim == 2 and not np.allclose(s, e) and np.allclose(s, e[::-1, ::-1]):
            return "yours is the kernel flipped in both directions: these are the kernels for TRUE convolution"
        return None

    def unnormalized(s, e):
        if s.shape == e.shape and np.all(e >= 0) and np.isclose(e.sum(), 1) and not np.isclose(s.sum(), 1) \
                and s.sum() and np.allclose(s / s.sum(), e):
            return "a blur kernel's entries sum to 1 (a flat image keeps its value): divide by their sum"
        return None
    return [transposed, flipped, unnormalized]


def sobel(plan, i):
    return plan.call(SOBEL)


def ramp(H=7, W=6):
    """f[x, y] = x² + 2y: grows down the rows and along the columns (strictly)."""
    x, y = np.meshgrid(np.arange(H, dtype=float), np.arange(W, dtype=float), indexing="ij")
    return x ** 2 + 2 * y


def kernel_behaviour(ctx, inputs):
    """The lecture's reasons for each kernel, with your kernels and your convolve2d."""
    flat, f = np.full((6, 7), 3.0), ramp()
    plan = ctx.plan()
    g = plan.call(SOBEL)
    kernels = [plan.call(EDGE), plan.call(SHARPEN), plan.call(BOX, 3), plan.call(GAUSS, 5, 1.0)]
    plan.returns(g, *kernels, *[plan.call(CONV, flat, k) for k in kernels],
                 plan.call(CONV, f, g[0]), plan.call(CONV, f, g[1]))
    values = ctx.run_student(plan)
    (gx, gy), (edge, sharpen, box, gauss) = values[0], values[1:5]
    flat_out, (fx, fy) = values[5:9], values[9:]
    for value, label in zip((gx, gy, edge, sharpen, box), ("G_x", "G_y", "edge_kernel()", "sharpen_kernel()",
                                                           "box_blur_kernel(3)")):
        check_value(value, np.zeros((3, 3)), label, np.inf)
    for out, what, expected, shape in zip(flat_out, ("the edge kernel", "the sharpen kernel", "the box blur",
                                                     "the Gaussian"), (0.0, 3.0, 3.0, 3.0), ((4, 5),) * 3 + ((2, 3),)):
        check_value(out, np.zeros(shape), "convolve2d(flat 6×7 image, %s)" % what, np.inf)
        if not np.allclose(out, expected, atol=1e-9):
            hint = "its entries must sum to %d" % (0 if expected == 0 else 1)
            raise Fail(with_hint("%s turns a flat image of 3s into values like %.6g; it should give %g everywhere"
                                 % (what, np.asarray(out).flat[0], expected), hint), "kernel misbehaves", hint=hint)
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    if not np.allclose(sharpen, identity + edge):
        hint = "sharpen = identity + edge kernel: the centre 5 is 1 + 4"
        raise Fail(with_hint("sharpen_kernel() is not the identity plus edge_kernel(): %s vs %s"
                             % (np.asarray(sharpen).tolist(), (identity + edge).tolist()), hint),
                   "kernel misbehaves", hint=hint)
    for out, label, sign, axis in ((fx, "G_x", 1, "down the rows (x)"), (fy, "G_y", 1, "along the columns (y)")):
        if type(out) is not np.ndarray or out.shape != (5, 4) or not np.all(np.sign(out) == sign):
            hint = "with true convolution G_x responds to f[x + 1, y] − f[x − 1, y]; a flipped kernel flips the sign"
            raise Fail(with_hint("convolve2d(f, %s) for an image f that grows %s should be positive everywhere; "
                                 "yours is %s" % (label, axis, np.round(np.asarray(out, float), 3).tolist()
                                                  if type(out) is np.ndarray else describe(out)), hint),
                       "kernel misbehaves", hint=hint)


def make_magnitude(p):
    if p.get("step"):
        image = np.zeros((6, 6))
        image[:, 3:] = 10.0
        return {"image": image}
    rng = np.random.default_rng(p["seed"])
    return {"image": rng.standard_normal((p["H"], p["W"]))}


MAGNITUDE = Cases(make_magnitude, ({"step": True}, {"H": 8, "W": 5, "seed": 0}, {"H": 3, "W": 3, "seed": 1}),
                  st.fixed_dictionaries({"H": st.integers(3, 10), "W": st.integers(3, 10),
                                         "seed": st.integers(0, 2 ** 16)}))


def kernel_figures(inputs, student, expected, label):
    """Yours and the expected kernel (or image) side by side, and where they differ: a kernel flipped or
    transposed shows at a glance."""
    from ..figures import side_by_side
    return [side_by_side(label, student, expected)]


CHECKS = [
    Property(CORR + ".values", 2, (CORR,), cases=Cases(make_filter, PUBLIC, DRAWN), body=filtering(CORR), examples=3,
             description="the lecture's 5×5 example ([[12, 12, 17], [10, 17, 19], [9, 6, 14]]), the binary image "
                         "(first output 4), non-square kernels; valid output (H − h + 1, W − w + 1)"),
    Property(CONV + ".values", 2, (CONV,), cases=Cases(make_filter, PUBLIC, DRAWN), body=filtering(CONV), examples=3,
             description="true convolution: the kernel flipped in both directions (the lecture's g = w * f)"),
    Property(CONV + ".is_flipped_correlation", 1, (CORR, CONV), cases=Cases(make_filter, PUBLIC[2:3], DRAWN),
             body=flip_property, examples=3, requires=(CORR + ".values",),
             description="your convolve2d(f, w) equals your correlate2d(f, w[::-1, ::-1])"),
    Property("filters.hidden", 1, (CORR, CONV), HIDDEN, cases=Cases(make_filter, (), DRAWN),
             body=lambda ctx, i: [filtering(fn)(ctx, i) for fn in (CORR, CONV)], examples=6,
             description="both operations on hidden images and kernels"),
] + [Static(fn + ".rules", 1, (fn,), target=fn, rules=NO_LIBRARY, requires=(fn + ".values",),
            description="no scipy/OpenCV/torch convolution: slide the kernel yourself") for fn in (CORR, CONV)] + [
    Compare(SOBEL + ".values", 1, (SOBEL,), cases=Cases(lambda p: {}, ({},)), build=sobel, labels=("G_x", "G_y"),
            tol=1e-12, hints=kernel_hints, figures=kernel_figures,
            description="the lecture's G_x = [[1, 2, 1], [0, 0, 0], [−1, −2, −1]] and G_y (its transpose)"),
    Compare(EDGE + ".values", 1, (EDGE,), cases=Cases(lambda p: {}, ({},)), build=lambda plan, i: plan.call(EDGE),
            labels=("kernel",), tol=1e-12, hints=kernel_hints, figures=kernel_figures,
            description="[[0, −1, 0], [−1, 4, −1], [0, −1, 0]]"),
    Compare(SHARPEN + ".values", 1, (SHARPEN,), cases=Cases(lambda p: {}, ({},)),
            build=lambda plan, i: plan.call(SHARPEN), labels=("kernel",), tol=1e-12, hints=kernel_hints,
            figures=kernel_figures,
            description="[[0, −1, 0], [−1, 5, −1], [0, −1, 0]]"),
    Compare(BOX + ".values", 1, (BOX,), cases=Cases(lambda p: p, ({"size": 3}, {"size": 5}, {"size": 1})),
            build=lambda plan, i: plan.call(BOX, i["size"]), labels=("kernel",), tol=1e-12, hints=kernel_hints,
            figures=kernel_figures,
            description="ones((size, size)) / size²"),
    Compare(GAUSS + ".values", 1, (GAUSS,),
            cases=Cases(lambda p: p, ({"size": 3, "sigma": 1.0}, {"size": 5, "sigma": 0.8}, {"size": 4, "sigma": 2.0}),
                        st.fixed_dictionaries({"size": st.integers(1, 9),
                                               "sigma": st.sampled_from([0.5, 1.0, 1.5, 3.0])})),
            build=lambda plan, i: plan.call(GAUSS, i["size"], i["sigma"]), labels=("kernel",), tol=1e-9,
            hints=kernel_hints, examples=3, figures=kernel_figures,
            description="exp(−(i² + j²) / 2σ²) over offsets from the centre, normalized to sum to 1"),
    Property("kernels.behaviour", 2, (SOBEL, EDGE, SHARPEN, BOX, GAUSS, CONV),
             cases=Cases(lambda p: {}, ({},)), body=kernel_behaviour, examples=0,
             requires=(CONV + ".values",),
             description="with your convolve2d: edges of a flat image are 0, blurs and sharpen keep it, sharpen = "
                         "identity + edge, G_x and G_y are positive where the image grows along x and y"),
    Compare(MAG + ".values", 1, (MAG,), cases=MAGNITUDE, build=lambda plan, i: plan.call(MAG, i["image"]),
            labels=("magnitude",), tol=1e-9, examples=3, figures=kernel_figures,
            description="sqrt(gx² + gy²) of the true convolutions with G_x and G_y (a vertical step edge, drawn "
                        "images)"),
    Compare(MAG + ".hidden", 1, (MAG,), HIDDEN, cases=Cases(make_magnitude, (), MAGNITUDE.strategy),
            build=lambda plan, i: plan.call(MAG, i["image"]), labels=("magnitude",), tol=1e-9, examples=5),
]

ASSIGNMENT = Assignment(
    name="image_kernels", title="Classic image kernels: cross-correlation and true convolution",
    symbols={s: ("filters",) for s in (CORR, CONV, SOBEL, EDGE, SHARPEN, BOX, GAUSS, MAG)},
    checks=CHECKS, reference_modules=("filters",))
