"""Checks of the kNN classifier: three distance versions, label voting, prediction, cross-validation."""
import numpy as np
from hypothesis import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.prop import Property
from ..checks.speed import Speed
from ..checks.static import ForbidCalls, ForbidImports, MaxLoops, NoCallsTo, Static
from ..checks.validate import Fail, check_value
from ..profiles import Only
from ..sandbox.plan import Ref
from ..spec import HIDDEN, Assignment

KNN = "KNearestNeighbor"
TWO, ONE, NONE = "compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops"
NO_NORM = Only("norm_ban", ForbidCalls(("numpy.linalg.norm", "scipy"), "CS231n's rule (2019+): compute the "
                                      "distances yourself, without np.linalg.norm or scipy"))


def make_case(p):
    rng = np.random.default_rng(p["seed"])
    return {"X_train": rng.standard_normal((p["num_train"], p["D"])) * 3,
            "y_train": rng.integers(0, p["C"], size=p["num_train"]),
            "X": rng.standard_normal((p["num_test"], p["D"])) * 3}


PUBLIC = ({"num_train": 5, "num_test": 3, "D": 4, "C": 3, "seed": 0},
          {"num_train": 40, "num_test": 25, "D": 30, "C": 5, "seed": 1},
          {"num_train": 1, "num_test": 1, "D": 1, "C": 2, "seed": 2})
DRAWN = st.fixed_dictionaries({"num_train": st.integers(1, 30), "num_test": st.integers(1, 20),
                               "D": st.integers(1, 20), "C": st.integers(2, 6),
                               "seed": st.integers(0, 2 ** 16)})


def trained(plan, inputs):
    clf = plan.new(KNN)
    plan.method(clf, "train", inputs["X_train"], inputs["y_train"])
    return clf


def distances(method):
    return lambda plan, inputs: plan.method(trained(plan, inputs), method, inputs["X"])


def distance_hints(inputs):
    def squared(s, e):
        if np.allclose(s, e ** 2, rtol=1e-6, atol=1e-9) and not np.allclose(s, e):
            return "yours are the squared distances: take the square root"
        return None

    def l1(s, e):
        X, T = inputs["X"], inputs["X_train"]
        if np.allclose(s, np.abs(X[:, None, :] - T[None, :, :]).sum(-1), rtol=1e-6):
            return "yours are L1 (Manhattan) distances; the exercise asks for Euclidean (L2)"
        return None

    return [squared, l1]


def distance_figures(inputs, student, expected, label):
    """Yours and the expected distance matrix side by side (a public failure in the HTML report)."""
    from ..figures import side_by_side
    return [side_by_side("dists (num_test × num_train)", student, expected)]


def distance_checks(method, points, loops, others):
    name = method.replace("compute_distances_", "distances_")
    return [
        Compare(name + ".values", points, (KNN,), cases=Cases(make_case, PUBLIC, DRAWN), build=distances(method),
                labels=("dists",), tol=1e-7, hints=distance_hints, examples=4, figures=distance_figures,
                description="%s equals the reference on fixed and drawn inputs" % method),
        Compare(name + ".hidden", 1, (KNN,), HIDDEN, cases=Cases(make_case, (), DRAWN), build=distances(method),
                labels=("dists",), tol=1e-7, hints=distance_hints, examples=10,
                description="the same on hidden inputs"),
        Static(name + ".rules", 1, (KNN,), target="%s.%s" % (KNN, method),
               rules=(MaxLoops(loops, "the exercise fixes the number of loops"), NoCallsTo(others), NO_NORM,
                      ForbidImports(("scipy", "sklearn", "torch"))),
               requires=(name + ".values",),
               description="at most %d loop(s), no np.linalg.norm/scipy (where the docstrings ban them: CS231n "
                           "2019+), no call to the other versions" % loops),
    ]


def make_votes(p):
    """Distances with many exact ties, so that voting and tie-breaking matter."""
    rng = np.random.default_rng(p["seed"])
    return {"X_train": np.zeros((p["num_train"], 1)), "y_train": rng.integers(0, p["C"], size=p["num_train"]),
            "dists": rng.integers(0, 4, size=(p["num_test"], p["num_train"])).astype(float), "k": p["k"]}


VOTES_PUBLIC = ({"num_train": 4, "num_test": 1, "C": 3, "k": 2, "seed": 7},
                {"num_train": 20, "num_test": 10, "C": 4, "k": 5, "seed": 1},
                {"num_train": 6, "num_test": 4, "C": 3, "k": 1, "seed": 3})
VOTES_DRAWN = st.fixed_dictionaries({"num_train": st.integers(1, 20), "num_test": st.integers(1, 8),
                                     "C": st.integers(2, 5), "k": st.integers(1, 7), "seed": st.integers(0, 2 ** 16)})


def make_votes_valid(p):
    return make_votes(dict(p, k=min(p["k"], p["num_train"])))


def predict_labels(plan, inputs):
    return plan.method(trained(plan, inputs), "predict_labels", inputs["dists"], k=inputs["k"])


def labels_hints(inputs):
    def larger_label(s, e):
        return "on a tie, choose the SMALLER label (np.argmax of np.bincount does this)" \
            if np.any(s > e) and np.all(s >= e) else None
    return [larger_label]


def possible_labels(d, y, k):
    """Every label a correct vote can give for one test point: the neighbours strictly closer than the k-th
    distance are fixed; any k − (their number) of those tied at it may complete the k (CS231n fixes only that a
    tied VOTE goes to the smaller label, not which of several equidistant points is nearer)."""
    kth = np.sort(d)[k - 1]
    fixed = np.bincount(y[d < kth], minlength=int(y.max()) + 1)
    tied = np.bincount(y[d == kth], minlength=len(fixed))
    found = set()

    def pick(label, need, counts):
        if label == len(tied):
            if need == 0:
                found.add(int(np.argmax(counts)))   # argmax: the smaller label on a tied vote
            return
        for take in range(min(need, tied[label]) + 1):
            counts[label] += take
            pick(label + 1, need - take, counts)
            counts[label] -= take
    pick(0, k - int(fixed.sum()), fixed.copy())
    return found


def any_tied_neighbours(ctx, inputs, student, expected):
    """The expected labels, with each one a different choice among equidistant neighbours gives in its place
    where that is the student's label."""
    (s,), (e,) = student, expected
    if type(s) is not np.ndarray or s.shape != e.shape or s.dtype.kind not in "iuf" or not np.all(np.isfinite(s)):
        return expected
    out = e.copy()
    for i in range(len(e)):
        if s[i] == np.round(s[i]) and int(s[i]) in possible_labels(inputs["dists"][i], inputs["y_train"],
                                                                   inputs["k"]):
            out[i] = s[i]
    return [out]


def exact_points(inputs):
    """Integer-valued training points with distinct first coordinates: ‖a‖² − 2a·b + ‖b‖² is then exact in
    float64, so distances of a point to itself are exactly 0 without any clamp (CS231n asks for none)."""
    X = inputs["X_train"]
    rng = np.random.default_rng(X.shape[0] * 31 + X.shape[1])
    exact = np.round(X * 2)
    exact[:, 0] = rng.permutation(np.arange(-50, 50))[:X.shape[0]]
    return dict(inputs, X_train=exact)


def predict(plan, inputs):
    return plan.method(trained(plan, inputs), "predict", inputs["X"], k=inputs.get("k", 3), num_loops=0)


def self_distances(ctx, inputs):
    """Distances of the training set to itself are symmetric with a zero diagonal (tiny negatives before the
    square root only where the course asks for a clamp: profile convention sqrt_clamp)."""
    if not ctx.profile["sqrt_clamp"]:
        inputs = exact_points(inputs)
    plan = ctx.plan()
    clf = plan.new(KNN)
    plan.method(clf, "train", inputs["X_train"], inputs["y_train"])
    plan.returns(plan.method(clf, NONE, inputs["X_train"]))
    (d,) = ctx.run_student(plan)
    n = inputs["X_train"].shape[0]
    check_value(d, np.zeros((n, n)), "dists", np.inf)
    if not np.allclose(d, d.T, atol=1e-6):
        raise Fail("the distances of X_train to itself are not symmetric", "not symmetric")
    if np.max(np.abs(np.diag(d))) > 1e-5:
        i = int(np.argmax(np.abs(np.diag(d))))
        raise Fail("the distance of a point to itself should be 0; dists[%d, %d] = %.3g" % (i, i, d[i, i]),
                   "non-zero diagonal")


def one_nn_memorizes(ctx, inputs):
    """With k=1, predicting the training set returns the training labels (distinct points)."""
    if not ctx.profile["sqrt_clamp"]:
        inputs = exact_points(inputs)
    plan = ctx.plan()
    clf = plan.new(KNN)
    plan.method(clf, "train", inputs["X_train"], inputs["y_train"])
    plan.returns(plan.method(clf, "predict", inputs["X_train"], k=1, num_loops=0))
    (pred,) = ctx.run_student(plan)
    check_value(pred, inputs["y_train"], "predict(X_train, k=1)", 0, exact=True)


def speed_setup(plan, inputs):
    clf = plan.new(KNN, name="speed_clf")
    plan.method(clf, "train", inputs["X_train"], inputs["y_train"])
    plan.let(inputs["X"], name="speed_X")


def make_cv(p):
    rng = np.random.default_rng(p["seed"])
    centers = rng.standard_normal((p["C"], p["D"])) * 2
    y = rng.integers(0, p["C"], size=p["N"])
    return {"X": centers[y] + rng.standard_normal((p["N"], p["D"])), "y": y, "k_choices": [1, 3, 5, 8],
            "num_folds": p["folds"]}


CHECKS = (
    distance_checks(TWO, 2, 2, (ONE, NONE)) + distance_checks(ONE, 2, 1, (TWO, NONE))
    + distance_checks(NONE, 2, 0, (TWO, ONE)) + [
        Speed("distances.speed", 1, (KNN,),
              make=lambda rng: make_case({"num_train": 200, "num_test": 100, "D": 100, "C": 10,
                                          "seed": int(rng.integers(1 << 16))}),
              setup=speed_setup, slow=lambda plan: plan.method(Ref("speed_clf"), TWO, Ref("speed_X")),
              fast=lambda plan: plan.method(Ref("speed_clf"), NONE, Ref("speed_X")), min_ratio=10,
              requires=("distances_two_loops.values", "distances_no_loops.values"),
              description="no-loop distances at least 10× faster than your two-loop version (100×200, D=100)"),
        Property("distances.self_symmetric", 1, (KNN,), cases=Cases(make_case, PUBLIC[:2], DRAWN),
                 body=self_distances, examples=6, rests_on=("distances_no_loops.values",),
                 description="distances of X_train to itself: symmetric, zero diagonal (no NaN from sqrt of "
                             "tiny negatives)"),
        Compare("predict_labels.values", 2, (KNN,), cases=Cases(make_votes_valid, VOTES_PUBLIC, VOTES_DRAWN),
                build=predict_labels, labels=("y_pred",), exact=True, hints=labels_hints, examples=6,
                accept=any_tied_neighbours,
                description="majority vote of the k nearest (any choice among points tied at the k-th distance), "
                            "a tied vote to the smaller label"),
        Compare("predict_labels.hidden", 1, (KNN,), HIDDEN, cases=Cases(make_votes_valid, (), VOTES_DRAWN),
                build=predict_labels, labels=("y_pred",), exact=True, hints=labels_hints, examples=10,
                accept=any_tied_neighbours),
        Compare("predict.values", 1, (KNN,), cases=Cases(make_case, PUBLIC[:2]), build=predict,
                labels=("y_pred",), exact=True, description="predict(X, k=3) uses the distances and the vote"),
        Property("predict.one_nn_memorizes", 1, (KNN,), cases=Cases(make_case, PUBLIC[:2], DRAWN),
                 body=one_nn_memorizes, examples=5, rests_on=("predict.values",),
                 description="with k=1, the training set is predicted as its own labels"),
        Compare("cross_validate_k.values", 2, ("cross_validate_k",),
                cases=Cases(make_cv, ({"N": 40, "D": 3, "C": 3, "folds": 5, "seed": 0},
                                      {"N": 23, "D": 2, "C": 2, "folds": 4, "seed": 1})),
                build=lambda plan, i: plan.call("cross_validate_k", i["X"], i["y"], i["k_choices"],
                                                num_folds=i["num_folds"]),
                labels=("k_to_accuracies",), tol=1e-9,
                description="accuracies per k and fold with consecutive np.array_split folds"),
        Compare("choose_best_k.values", 1, ("choose_best_k",),
                cases=Cases(lambda p: {"acc": p["acc"]}, ({"acc": {1: [0.5, 0.6], 3: [0.7, 0.6], 5: [0.65, 0.65]}},
                                                           {"acc": {1: [0.2], 2: [0.9], 4: [0.9]}})),
                build=lambda plan, i: plan.call("choose_best_k", i["acc"]), labels=("best_k",),
                description="the k with the best mean accuracy, smaller k on ties"),
    ])

ASSIGNMENT = Assignment(
    name="knn", title="k-nearest neighbours",
    symbols={KNN: ("k_nearest_neighbor",), "cross_validate_k": ("cross_validation",),
             "choose_best_k": ("cross_validation",)},
    checks=CHECKS, reference_modules=("k_nearest_neighbor", "cross_validation"), cs231n={KNN: 2016})
