"""Checks of the SVM and softmax losses: (W, X, y, reg) -> (loss, dW)."""
import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.speed import Speed
from ..checks.static import ForbidImports, MaxLoops, NoCallsTo, Static
from ..checks.validate import Fail, as_scalar, rel_error
from ..spec import HIDDEN, Assignment, Setting

SVM = ("svm_loss_naive", "svm_loss_vectorized")
SOFTMAX = ("softmax_loss_naive", "softmax_loss_vectorized")


def make_case(p):
    """W (D, C), X (N, D) with a bias column of ones, y (N,), reg."""
    rng = np.random.default_rng(p["seed"])
    X = rng.standard_normal((p["N"], p["D"]))
    X[:, -1] = 1.0
    return {"W": rng.standard_normal((p["D"], p["C"])) * p.get("scale", 0.5),
            "X": X, "y": rng.integers(0, p["C"], size=p["N"]), "reg": p["reg"]}


PUBLIC = ({"N": 5, "D": 4, "C": 3, "reg": 0.1, "seed": 0},
          {"N": 50, "D": 30, "C": 10, "reg": 0.5, "seed": 1},
          {"N": 1, "D": 2, "C": 2, "reg": 0.0, "seed": 2})
DRAWN = st.fixed_dictionaries({
    "N": st.integers(1, 40), "D": st.integers(2, 30), "C": st.integers(2, 10),
    "reg": st.sampled_from([0.0, 0.05, 0.5, 2.0]), "seed": st.integers(0, 2 ** 16)})
CASES = Cases(make_case, PUBLIC, DRAWN)


def loss_hints(inputs, settings):
    """Likely causes, from how the student's (loss, dW) differs from the reference's (`settings`: the values in
    force, for the regularization factor the course expects)."""
    W, X, reg = inputs["W"], inputs["X"], inputs["reg"]
    N = X.shape[0]
    scale = next(v for k, v in settings.items() if k.endswith("REG_SCALE"))

    def reg_gradient(s, e):
        if s.shape != W.shape or reg == 0:
            return None
        d, r = s - e, reg * W
        a = float(np.sum(d * r) / np.sum(r * r))
        if rel_error(d, a * r) < 1e-6:
            if abs(a + 2 * scale) < 1e-6:
                return "the gradient of the regularization term (%s) is missing" % term_text(2 * scale, "W")
            if abs(a + scale) < 1e-6:
                return "the regularization gradient is half of what the loss implies: the gradient of %s is %s" \
                    % (term_text(scale, "‖W‖²"), term_text(2 * scale, "W"))
            return "the regularization gradient is off by %s" % term_text(a, "W")
        return None

    def reg_loss(s, e):
        if s.shape or reg == 0:
            return None
        term = reg * np.sum(W * W)
        if abs(float(s - e) + scale * term) < 1e-8 * max(1, abs(float(e))):
            return "the regularization term %s is missing from the loss" % term_text(scale, "‖W‖²")
        if abs(float(s - e) - scale * term) < 1e-8 * max(1, abs(float(e))):
            return "the regularization term is added twice"
        for other in (0.5, 1.0, 2.0):
            if other != scale and abs(float(s - e) - (other - scale) * term) < 1e-8 * max(1, abs(float(e))):
                return "the loss has %s; this course uses %s" % (term_text(other, "‖W‖²"), term_text(scale, "‖W‖²"))
        return None

    def averaging(s, e):
        if N > 1 and np.allclose(s, N * e, rtol=1e-6) and not np.allclose(s, e):
            return "yours is N=%d times the expected value: divide the data loss (and its gradient) by N" % N
        return None

    return [reg_gradient, reg_loss, averaging]


def term_text(factor, what):
    """0.5·reg·‖W‖², reg·‖W‖², 2·reg·W."""
    return ("reg·%s" if factor == 1 else "%g·reg·%s" % (factor, "%s")) % what


def call_loss(name):
    return lambda plan, inputs: plan.call(name, inputs["W"], inputs["X"], inputs["y"], inputs["reg"])


def loss_checks(name, family, points):
    """The correctness checks every loss function gets."""
    build = call_loss(name)
    return [
        Compare(name + ".values", points, (name,), cases=CASES, build=build, labels=("loss", "dW"), tol=1e-6, hints=loss_hints, examples=4,
                description="loss and dW equal the reference's on fixed and drawn inputs"),
        Compare(name + ".hidden", 2, (name,), HIDDEN, cases=Cases(make_case, (), DRAWN),
                build=build, labels=("loss", "dW"),
                tol=1e-6, hints=loss_hints, examples=12, description="the same on hidden inputs"),
        Gradient(name + ".numerical_gradient", 2, (name,), cases=Cases(make_case, PUBLIC[:2]),
                 forward=lambda plan, i: plan.call(name, i["W"], i["X"], i["y"], i["reg"])[0],
                 analytic=lambda plan, i: [plan.call(name, i["W"], i["X"], i["y"], i["reg"])[1]],
                 wrt=("W",), tol=1e-5 if family == "svm" else 1e-6,
                 description="dW matches a numerical gradient of your own loss (directional derivatives)"),
    ]


def naive_equals_vectorized(naive, vectorized):
    def body(ctx, inputs):
        plan = ctx.plan()
        a = plan.call(naive, inputs["W"], inputs["X"], inputs["y"], inputs["reg"])
        b = plan.call(vectorized, inputs["W"], inputs["X"], inputs["y"], inputs["reg"])
        plan.returns(a, b)
        (la, da), (lb, db) = ctx.run_student(plan)
        la, lb = as_scalar(la, "naive loss"), as_scalar(lb, "vectorized loss")
        if rel_error(la, lb) > 1e-6 or type(da) is not np.ndarray or type(db) is not np.ndarray \
                or da.shape != db.shape or rel_error(da, db) > 1e-6:
            raise Fail("your %s and %s disagree: loss %.6g vs %.6g" % (naive, vectorized, la, lb),
                       "naive and vectorized disagree")
    return Property("%s.naive_equals_vectorized" % naive.split("_")[0], 1, (naive, vectorized),
                    cases=Cases(make_case, PUBLIC[1:2], DRAWN), body=body, examples=6,
                    description="your naive and vectorized versions agree", requires=())


SPEED = {"N": 4000, "D": 10, "C": 5}


def speed_check(family, naive, vectorized):
    """Many examples of few features: any loop over the examples costs more than the whole vectorized loss. The
    baseline is two NumPy calls per example (np.dot for its scores, one elementwise operation: the least a loop
    over the examples does), not the student's naive version, so a naive version that is itself partly
    vectorized costs nothing. Measured: a vectorized loss is 8–35× faster than that floor (about half that on
    a loaded machine), a loss that maps a function over the examples 1.4× faster: 2.5× lies between."""
    from ..sandbox.plan import Ref

    def setup(plan, inputs):
        for k, v in inputs.items():
            plan.let(v, name="speed_" + k)
        plan.let(inputs["X"][0], name="speed_row")
        plan.let(inputs["X"][0].dot(inputs["W"]), name="speed_scores")

    def timed(name):
        return lambda plan: plan.call(name, *(Ref("speed_" + k) for k in ("W", "X", "y", "reg")))

    def floor(plan):   # the scores of one example and one elementwise operation on them, per example
        plan.use_numpy("dot", "maximum")
        plan.call("dot", Ref("speed_row"), Ref("speed_W"), repeat=SPEED["N"])
        plan.call("maximum", Ref("speed_scores"), 0.0, repeat=SPEED["N"])

    return Speed("%s.speed" % family, 1, (naive, vectorized),
                 make=lambda rng: make_case(dict(SPEED, reg=0.1, seed=int(rng.integers(1 << 16)))),
                 setup=setup, slow=timed(naive), fast=timed(vectorized), floor=floor, min_ratio=2.5,
                 requires=(naive + ".values", vectorized + ".values"),
                 description="vectorized at least 2.5× faster than one loop over the examples could be (np.dot and "
                             "np.maximum per example; N=%(N)d, D=%(D)d, C=%(C)d): no loop over the examples, however "
                             "hidden" % SPEED)


def static_checks(family, naive, vectorized):
    return [Static("%s.no_loops" % vectorized, 1, (vectorized,), target=vectorized,
                   rules=(MaxLoops(0, "the vectorized loss must use array operations only"),
                          NoCallsTo((naive,)), ForbidImports(("scipy", "torch", "sklearn"))),
                   requires=(vectorized + ".values",), description="no Python loops, no call to the naive one")]


def svm_loss_nonnegative(ctx, inputs):
    plan = ctx.plan()
    plan.returns(plan.call("svm_loss_vectorized", inputs["W"], inputs["X"], inputs["y"], inputs["reg"])[0])
    loss = as_scalar(ctx.run_student(plan)[0], "loss")
    if not loss >= 0:
        raise Fail("the SVM loss is %.6g < 0; hinge terms max(0, ·) and reg·‖W‖² are never negative" % loss,
                   "negative loss", hint="a hinge term without max(0, ·)?")


def svm_margins_met(ctx, inputs):
    """Make every margin hold by a wide gap: the data loss is 0, so the loss is exactly reg·‖W‖²."""
    W, X, y, reg = inputs["W"], inputs["X"], inputs["y"], inputs["reg"]
    W = W.copy()
    W[-1, :] = 0.0
    scores = X.dot(W)
    # push the correct class up through a per-example feature: add a one-hot block to X and W
    C = W.shape[1]
    X2 = np.hstack([X, np.eye(C)[y] * (np.abs(scores).max() + 10)])
    W2 = np.vstack([W, np.eye(C)])
    plan = ctx.plan()
    plan.returns(plan.call("svm_loss_vectorized", W2, X2, y, reg)[0])
    loss = as_scalar(ctx.run_student(plan)[0], "loss")
    expected = ctx.setting("SVM_REG_SCALE") * reg * float(np.sum(W2 * W2))
    if abs(loss - expected) > 1e-9 * max(1.0, expected):
        raise Fail("every margin is met, so the loss should be exactly the regularization %.6g, got %.6g"
                   % (expected, loss), "wrong loss when margins are met",
                   hint="is the correct class's own margin (always 1) being counted?")


def softmax_shift_invariant(ctx, inputs):
    """Adding c to every score (through the bias row of W) must not change the loss, even for c = 1000."""
    W, X, y = inputs["W"], inputs["X"], inputs["y"]
    plan = ctx.plan()
    outs = []
    for c in (0.0, 10.0, 1000.0):
        Wc = W.copy()
        Wc[-1, :] += c
        outs.append(plan.call("softmax_loss_vectorized", Wc, X, y, 0.0)[0])
    plan.returns(*outs)
    losses = [as_scalar(v, "loss") for v in ctx.run_student(plan)]
    if not all(np.isfinite(losses)):
        raise Fail("the loss is %s when every score is shifted by 1000" % losses[-1], "overflow",
                   hint="subtract each row's max score before exponentiating")
    if rel_error(losses[0], losses[1]) > 1e-8 or rel_error(losses[0], losses[2]) > 1e-6:
        raise Fail("shifting every score by a constant changed the loss: %s" % ", ".join("%.8g" % v for v in losses),
                   "not shift invariant", hint="the softmax of s and s + c are equal")


def softmax_uniform(ctx, inputs):
    W, X, y = inputs["W"], inputs["X"], inputs["y"]
    plan = ctx.plan()
    plan.returns(plan.call("softmax_loss_vectorized", W * 1e-8, X, y, 0.0)[0])
    loss = as_scalar(ctx.run_student(plan)[0], "loss")
    C = W.shape[1]
    if abs(loss - np.log(C)) > 1e-5:
        raise Fail("with W ≈ 0 every class is equally likely, so the loss should be ln(C) = %.6f; got %.6f"
                   % (np.log(C), loss), "wrong loss at W≈0", hint="natural log, averaged over N?")


SETTINGS = tuple(
    Setting(family.upper() + "_REG_SCALE", 1.0, (1.0, 0.5), tuple((f, "REG_SCALE", None) for f in functions),
            "the %s loss's regularization term is REG_SCALE·reg·‖W‖² (1.0: CS231n 2017+; 0.5: 2016; a list: "
            "either, the student's choice)" % family, convention=family + "_reg_scale", course_key="reg_scale")
    for family, functions in (("svm", SVM), ("softmax", SOFTMAX)))


CHECKS = (loss_checks(SVM[0], "svm", 2) + loss_checks(SVM[1], "svm", 2) + [naive_equals_vectorized(*SVM)]
          + static_checks("svm", *SVM) + [speed_check("svm", *SVM)]
          + [Property("svm.loss_nonnegative", 1, (SVM[1],), cases=Cases(make_case, (), DRAWN),
                      body=svm_loss_nonnegative, description="the SVM loss is never negative"),
             Property("svm.margins_met", 1, (SVM[1],), cases=Cases(make_case, PUBLIC[:2], DRAWN),
                      body=svm_margins_met, examples=5,
                      description="the loss is exactly reg·‖W‖² when every margin is met")]
          + loss_checks(SOFTMAX[0], "softmax", 2) + loss_checks(SOFTMAX[1], "softmax", 2)
          + [naive_equals_vectorized(*SOFTMAX)] + static_checks("softmax", *SOFTMAX)
          + [speed_check("softmax", *SOFTMAX)]
          + [Property("softmax.shift_invariant", 1, (SOFTMAX[1],), cases=Cases(make_case, PUBLIC[:2], DRAWN),
                      body=softmax_shift_invariant, examples=5,
                      description="adding a constant to every score (up to 1000) leaves the loss unchanged"),
             Property("softmax.uniform_at_zero", 1, (SOFTMAX[1],), cases=Cases(make_case, PUBLIC[:2], DRAWN),
                      body=softmax_uniform, examples=3, description="the loss is ln(C) when W ≈ 0")])

ASSIGNMENT = Assignment(
    name="linear_classifiers", title="Linear classifiers: multiclass SVM and softmax losses",
    symbols={SVM[0]: ("linear_svm",), SVM[1]: ("linear_svm",), SOFTMAX[0]: ("softmax",),
             SOFTMAX[1]: ("softmax",)},
    checks=CHECKS, reference_modules=("linear_svm", "softmax"), course_settings=SETTINGS,
    cs231n={SVM[0]: (2016, 2024), SVM[1]: (2016, 2024), SOFTMAX[0]: 2016, SOFTMAX[1]: 2016})
