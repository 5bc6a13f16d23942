"""Checks of the L1 norm's two uses in the lecture: the nearest-neighbour classifier with the L1 (Manhattan)
distance, and L1 / elastic-net regularization (the penalty and its subgradient).

|w| has no derivative at 0: any dW in [−reg, reg] there is a subgradient, so at exact zeros of W the checks
accept every value of that interval (np.sign's 0, torch's 0, a one-sided ±reg), and compare exactly elsewhere.
The classifier sits beside the Euclidean `knn` assignment (its own class, NearestNeighbor): nothing of `knn`
changes.
"""
import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases, away_from_zero
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.static import ForbidCalls, ForbidImports, MaxLoops, Static
from ..checks.validate import Fail, as_scalar, check_value, degenerate, describe, with_hint
from ..spec import HIDDEN, Assignment
from .knn import labels_hints

NN, DIST = "NearestNeighbor", "l1_distance"
L1, ELASTIC = "l1_regularization", "elastic_net_regularization"


# ---------------------------------------------------------------- the L1 distance

# the lecture's example: a 4×4 test image and a training image, |differences| summing to 456
LECTURE_TEST = [[56, 32, 10, 18], [90, 23, 128, 133], [24, 26, 178, 200], [2, 0, 255, 220]]
LECTURE_TRAIN = [[10, 20, 24, 17], [8, 10, 89, 100], [12, 16, 178, 170], [4, 32, 233, 112]]


def make_images(p):
    if p.get("lecture"):
        return {"I1": np.array(LECTURE_TEST, dtype=p["dtype"]), "I2": np.array(LECTURE_TRAIN, dtype=p["dtype"])}
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    if p["dtype"] == "uint8":
        return {"I1": rng.integers(0, 256, shape).astype(np.uint8), "I2": rng.integers(0, 256, shape).astype(np.uint8)}
    return {"I1": rng.standard_normal(shape) * 50, "I2": rng.standard_normal(shape) * 50}


IMAGES = Cases(make_images, ({"lecture": True, "dtype": "int64"}, {"lecture": True, "dtype": "uint8"},
                             {"shape": [32, 32, 3], "dtype": "uint8", "seed": 0}),
               st.fixed_dictionaries({"shape": st.lists(st.integers(1, 8), min_size=1, max_size=3),
                                      "dtype": st.sampled_from(["uint8", "float64"]), "seed": st.integers(0, 2 ** 16)}))


def distance_hints(inputs):
    def wrapped(s, e):
        if inputs["I1"].dtype == np.uint8 and not np.isclose(float(s), float(e)):
            return "uint8 pixels wrap around when subtracted (3 − 5 = 254): convert to int or float first"
        return None
    return [wrapped]


# ---------------------------------------------------------------- the classifier

def make_case(p):
    """Continuous points: no two distances are equal (which of two equally distant points votes would be a matter
    of the sort), while an even k still makes ties between labels (to the smaller one)."""
    rng = np.random.default_rng(p["seed"])
    X_train, X = rng.standard_normal((p["num_train"], p["D"])) * 3, rng.standard_normal((p["num_test"], p["D"])) * 3
    return {"X_train": X_train, "y_train": rng.integers(0, p["C"], size=p["num_train"]), "X": X, "k": p.get("k", 1)}


PUBLIC = ({"num_train": 5, "num_test": 3, "D": 4, "C": 3, "seed": 0},
          {"num_train": 40, "num_test": 25, "D": 30, "C": 5, "seed": 1, "k": 3},
          {"num_train": 12, "num_test": 8, "D": 2, "C": 3, "seed": 2, "k": 2},
          {"num_train": 20, "num_test": 10, "D": 3, "C": 4, "seed": 4, "k": 4},
          {"num_train": 1, "num_test": 1, "D": 1, "C": 2, "seed": 3})
DRAWN = st.fixed_dictionaries({"num_train": st.integers(1, 30), "num_test": st.integers(1, 15), "D": st.integers(1, 12),
                               "C": st.integers(2, 5), "seed": st.integers(0, 2 ** 16), "k": st.integers(1, 5)}).map(
    lambda p: dict(p, k=min(p["k"], p["num_train"])))


def trained(plan, inputs):
    clf = plan.new(NN)
    plan.method(clf, "train", inputs["X_train"], inputs["y_train"])
    return clf


def distances(plan, inputs):
    return plan.method(trained(plan, inputs), "compute_distances_l1", inputs["X"])


def predict(plan, inputs):
    return plan.method(trained(plan, inputs), "predict", inputs["X"], k=inputs["k"])


def l1_hints(inputs):
    def squared(s, e):
        if s.shape == e.shape and np.all(s <= e + 1e-9) and np.any(s < e - 1e-6) and np.all(s >= 0):
            return "yours are smaller than the L1 distances everywhere: sum |differences| over every dimension " \
                   "(not squared and square-rooted: that is L2)"
        return None
    return [squared]


def one_nn_memorizes(ctx, inputs):
    """With k = 1, predicting the (distinct) training points returns their own labels."""
    plan = ctx.plan()
    plan.returns(plan.method(trained(plan, inputs), "predict", inputs["X_train"], k=1))
    (pred,) = ctx.run_student(plan)
    check_value(pred, inputs["y_train"], "predict(X_train, k=1)", 0, exact=True)


# ---------------------------------------------------------------- regularization

def make_weights(p):
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    return {"W": away_from_zero(rng, shape, 2.0, p.get("zeros")), "reg": p["reg"], "beta": p.get("beta", 0.5)}


REG_PUBLIC = ({"shape": [3, 4], "reg": 0.1, "beta": 0.5, "seed": 0},
              {"shape": [10, 5], "reg": 2.5e-4, "beta": 2.0, "seed": 1, "zeros": True},
              {"shape": [2, 3, 2], "reg": 1.0, "beta": 0.0, "seed": 2, "zeros": True})
REG_DRAWN = st.fixed_dictionaries({"shape": st.lists(st.integers(1, 6), min_size=1, max_size=3),
                                   "reg": st.sampled_from([0.0, 1e-3, 0.05, 0.5, 3.0]),
                                   "beta": st.sampled_from([0.0, 0.1, 0.5, 1.0, 4.0]), "zeros": st.booleans(),
                                   "seed": st.integers(0, 2 ** 16)})


def penalty_call(fn):
    def call(plan, i):
        return plan.call(fn, i["W"], i["reg"]) if fn == L1 else plan.call(fn, i["W"], i["reg"], i["beta"])
    return call


def subgradient(fn):
    def body(ctx, inputs):
        """The loss equals the reference's; dW equals it where W != 0 and lies in [−reg, reg] where W == 0."""
        W, reg = inputs["W"], inputs["reg"]
        (student,), (expected,) = ctx.both(lambda plan: [penalty_call(fn)(plan, inputs)])
        if not isinstance(student, (tuple, list)) or len(student) != 2:
            raise Fail(with_hint("%s should return (loss, dW), returned %s" % (fn, describe(student)),
                                 "return loss, dW"), "wrong return value", hint="return loss, dW")
        loss, dW = student
        check_value(dW, expected[1], "dW", np.inf)          # type, dtype, shape, finiteness
        zero = W == 0
        constant = degenerate(np.asarray(dW)[~zero], expected[1][~zero], "dW where W != 0")
        if constant:                                        # a placeholder: what rests on this check earns nothing
            raise constant
        check_value(loss, expected[0], "loss", 1e-9)
        if (~zero).any():
            def forgets_reg(s, e):
                return "dW is missing the factor reg" if reg not in (0, 1) and np.allclose(s * reg, e) else None

            def half(s, e):
                return "the derivative of beta·W² is 2·beta·W" if fn == ELASTIC and inputs["beta"] and \
                    np.allclose(s - e, -reg * inputs["beta"] * W[~zero]) else None
            check_value(np.asarray(dW)[~zero], expected[1][~zero], "dW where W != 0", 1e-9, [forgets_reg, half])
        outside = zero & (np.abs(np.asarray(dW, dtype=float)) > reg * (1 + 1e-12))
        if outside.any():
            i = tuple(int(v) for v in np.argwhere(outside)[0])
            hint = "|w| has no derivative at 0: any value in [−reg, reg] is a subgradient (np.sign gives 0)"
            raise Fail(with_hint("dW%s = %.6g where W%s == 0; a subgradient there lies in [−reg, reg] = [%g, %g]"
                                 % (list(i), np.asarray(dW)[i], list(i), -reg, reg), hint), "not a subgradient",
                       hint=hint)
    return body


def reduces_to_l1(ctx, inputs):
    """elastic_net with beta = 0 is l1_regularization (your own two functions)."""
    plan = ctx.plan()
    plan.returns(plan.call(ELASTIC, inputs["W"], inputs["reg"], 0.0), plan.call(L1, inputs["W"], inputs["reg"]))
    elastic, l1 = ctx.run_student(plan)
    for value, fn in ((elastic, ELASTIC), (l1, L1)):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise Fail("%s should return (loss, dW), returned %s" % (fn, describe(value)), "wrong return value",
                       hint="return loss, dW")
    check_value(elastic[0], as_scalar(l1[0], "l1 loss"), "elastic-net loss with beta = 0 (vs your L1 loss)", 1e-9)
    check_value(elastic[1], np.asarray(l1[1], dtype=float), "elastic-net dW with beta = 0 (vs your L1 dW)", 1e-9)


def penalty_checks(fn, what):
    call = penalty_call(fn)
    cases = Cases(make_weights, REG_PUBLIC, REG_DRAWN)
    return [
        Property(fn + ".values", 2, (fn,), cases=cases, body=subgradient(fn), examples=3, description=what),
        Gradient(fn + ".numerical_gradient", 1, (fn,), cases=Cases(make_weights, REG_PUBLIC[:1]),
                 forward=call, analytic=lambda plan, i: [call(plan, i)[1]], wrt=("W",),
                 description="dW matches centred differences of your own loss (W away from 0)"),
        Property(fn + ".hidden", 1, (fn,), HIDDEN, cases=Cases(make_weights, (), REG_DRAWN), body=subgradient(fn),
                 examples=8, description="the same on hidden weights"),
    ]


CHECKS = [
    Compare(DIST + ".values", 1, (DIST,), cases=IMAGES, build=lambda plan, i: plan.call(DIST, i["I1"], i["I2"]),
            labels=("d1",), tol=1e-12, hints=distance_hints, examples=3,
            description="the lecture's two 4×4 images (456), as int and as uint8 pixels, and drawn ones"),
    Compare(DIST + ".hidden", 1, (DIST,), HIDDEN, cases=Cases(make_images, (), IMAGES.strategy),
            build=lambda plan, i: plan.call(DIST, i["I1"], i["I2"]), labels=("d1",), tol=1e-12,
            hints=distance_hints, examples=6),
    Compare("compute_distances_l1.values", 2, (NN,), cases=Cases(make_case, PUBLIC, DRAWN), build=distances,
            labels=("dists",), tol=1e-10, hints=l1_hints, examples=3,
            description="dists[i, j] = Σ |X[i] − X_train[j]| on fixed and drawn inputs"),
    Static("compute_distances_l1.rules", 1, (NN,), target=NN + ".compute_distances_l1",
           rules=(MaxLoops(1, "one loop over the test points at most, as the lecture's code"),
                  ForbidCalls(("scipy", "sklearn"), "compute the distances yourself"),
                  ForbidImports(("scipy", "sklearn", "torch"))),
           requires=("compute_distances_l1.values",),
           description="at most one loop (over the test points), no scipy/sklearn"),
    Compare("predict.values", 2, (NN,), cases=Cases(make_case, PUBLIC, DRAWN), build=predict, labels=("y_pred",),
            exact=True, hints=labels_hints, examples=3,
            description="k = 1 is the lecture's nearest neighbour; k > 1 a majority vote, ties to the smaller label"),
    Compare("predict.hidden", 1, (NN,), HIDDEN, cases=Cases(make_case, (), DRAWN), build=predict,
            labels=("y_pred",), exact=True, hints=labels_hints, examples=8),
    Property("predict.one_nn_memorizes", 1, (NN,), cases=Cases(make_case, PUBLIC[:2], DRAWN),
             body=one_nn_memorizes, examples=3,
             description="with k = 1 the training points are predicted as their own labels"),
] + penalty_checks(L1, "reg·Σ|W|, and dW = reg·sign(W) (any value in [−reg, reg] where W == 0)") \
  + penalty_checks(ELASTIC, "reg·Σ(beta·W² + |W|), and dW = reg·(2·beta·W + sign(W)) (a subgradient at 0)") + [
    Property(ELASTIC + ".reduces_to_l1", 1, (L1, ELASTIC), cases=Cases(make_weights, REG_PUBLIC[1:2], REG_DRAWN),
             body=reduces_to_l1, examples=3, requires=(L1 + ".values",),
             description="with beta = 0 the elastic net is your L1 penalty (loss and dW)"),
]

ASSIGNMENT = Assignment(
    name="norms", title="The L1 norm: nearest neighbour with the L1 distance, L1 and elastic-net regularization",
    symbols={DIST: ("nearest_neighbor",), NN: ("nearest_neighbor",), L1: ("regularization",),
             ELASTIC: ("regularization",)},
    checks=CHECKS, reference_modules=("nearest_neighbor", "regularization"))
