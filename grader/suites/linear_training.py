"""Checks of CS231n's LinearClassifier (linear_classifier.py): train (minibatch SGD, loss history) and predict,
with the LinearSVM and Softmax subclasses, which call the student's own vectorized losses (linear_svm.py,
softmax.py beside it; the losses themselves are graded by the linear_classifiers assignment).

- predict: argmax of X·W for a W the parent sets, against the reference;
- one exact trajectory: a training set of identical rows makes every minibatch the same whatever the sampling
  (with or without replacement), so (loss_history, W) after a few steps must equal the reference's (reg 0:
  the course's regularization factor is the losses' business); reg reaches the loss: the first loss grows by
  reg·ΣW² (or 0.5·reg·ΣW²) when reg is added;
- the contract on a separable problem (nets.check_training): one loss per iteration, minibatches of
  batch_size (the first loss is not the whole set's), the loss falls, np.random.seed makes a run repeat,
  and the trained classifier predicts its training set;
- the lazy initialisation: W is 0.001·N(0, 1) of shape (D, max(y) + 1), made on the first train call.
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.prop import Property
from ..checks.validate import Fail, as_scalar, check_value
from ..spec import HIDDEN, Assignment
from . import nets

BASE, SVM, SOFTMAX = "LinearClassifier", "LinearSVM", "Softmax"
SYMBOLS = {BASE: ("linear_classifier",), SVM: ("linear_classifier",), SOFTMAX: ("linear_classifier",)}


def with_weights(plan, cls, W):
    """A classifier of class `cls` whose W the parent set (object.__setattr__ on the student's object)."""
    clf = plan.new(cls)
    plan.method(clf, "__setattr__", "W", W)
    return clf


def make_case(p):
    """X (N, D) with a bias column of ones, y, and a W of order 1."""
    rng = np.random.default_rng(p["seed"])
    X = rng.standard_normal((p["N"], p["D"]))
    X[:, -1] = 1.0
    return {"X": X, "y": rng.integers(0, p["C"], p["N"]), "W": rng.standard_normal((p["D"], p["C"]))}


def identical_rows(p):
    """N copies of one example (every minibatch of any size up to N is the same), a preset W."""
    case = make_case(dict(p, N=1))
    return dict(case, X=np.repeat(case["X"], p["N"], axis=0), y=np.repeat(case["y"], p["N"]), lr=p["lr"],
                reg=p["reg"], iters=p["iters"], batch=min(p["batch"], p["N"]))   # without replacement works too


TRAJECTORY = ({"D": 5, "C": 3, "N": 8, "batch": 8, "lr": 0.1, "reg": 0.0, "iters": 4, "seed": 1},
              {"D": 4, "C": 4, "N": 6, "batch": 3, "lr": 0.5, "reg": 0.0, "iters": 3, "seed": 2})
TRAJECTORY_DRAWN = st.fixed_dictionaries({
    "D": st.integers(1, 6), "C": st.integers(2, 5), "N": st.integers(1, 8), "batch": st.integers(1, 8),
    "lr": st.sampled_from([0.01, 0.1, 1.0]), "reg": st.just(0.0), "iters": st.integers(1, 4),
    "seed": st.integers(0, 2 ** 16)})


def trajectory(cls):
    def build(plan, i):
        clf = with_weights(plan, cls, i["W"])
        history = plan.method(clf, "train", i["X"], i["y"], learning_rate=i["lr"], reg=i["reg"],
                              num_iters=i["iters"], batch_size=i["batch"], verbose=False)
        return history, plan.library("builtins.getattr", clf, "W")
    return build


def reg_reaches_loss(ctx, i):
    """The first loss of train with reg = 2 minus the one with reg = 0 (same W, identical rows): reg·ΣW² or
    0.5·reg·ΣW² (the course's convention is the losses' business)."""
    plan = ctx.plan()
    firsts = []
    for reg in (0.0, 2.0):
        clf = with_weights(plan, SOFTMAX, i["W"])
        firsts.append(plan.method(clf, "train", i["X"], i["y"], learning_rate=0.1, reg=reg, num_iters=1,
                                  batch_size=i["batch"]))
    plan.returns(*firsts)
    without, with_reg = (nets.check_history(h, 1)[0] for h in ctx.run_student(plan))
    term = 2.0 * float(np.sum(i["W"] ** 2))
    if not any(abs(with_reg - without - s * term) < 1e-8 * max(1.0, term) for s in (1.0, 0.5)):
        raise Fail("train(..., reg=2) should add reg·ΣW² = %.6g (or half of it) to the first loss; it added %.6g"
                   % (term, with_reg - without), "reg not passed to the loss",
                   hint="loss, grad = self.loss(X_batch, y_batch, reg)")


def contract(cls):
    """`cls` trained twice from np.random.seed(3) (W made lazily) on a separable problem."""
    return lambda ctx, i: train_contract(ctx, i, cls)


def train_contract(ctx, i, cls):
    kwargs = dict(learning_rate=0.3, reg=1e-3, num_iters=50, batch_size=10, verbose=False)
    plan = ctx.plan()
    runs, models = [], []
    for _ in range(2):
        nets.seed(plan, 3)
        clf = plan.new(cls)
        models.append(clf)
        runs.append(plan.method(clf, "train", i["X"], i["y"], **kwargs))
    nets.seed(plan, 3)
    start = plan.new(cls)
    plan.method(start, "train", i["X"], i["y"], **dict(kwargs, num_iters=1, learning_rate=0.0))
    whole = plan.method(start, "loss", i["X"], i["y"], kwargs["reg"])
    plan.returns(*runs, whole, plan.method(models[0], "predict", i["X"]))
    first, second, whole, predicted = ctx.run_student(plan)
    what = "%s.train on a separable problem (50 iterations, batch 10, learning rate 0.3)" % cls
    if not isinstance(whole, (tuple, list)) or len(whole) != 2:
        raise Fail("%s.loss should return (loss, grad)" % cls, "wrong return value")
    nets.check_training(nets.check_history(first, 50), nets.check_history(second, 50),
                        as_scalar(whole[0], "the loss"), what)
    check_value(predicted, np.zeros(len(i["y"])), "predict(X)", np.inf)   # type and shape only
    accuracy = float(np.mean(np.asarray(predicted) == i["y"]))
    if accuracy < 0.9:
        raise Fail("%s: after training, predict gets %.0f%% of the (separable) training set right; a correct "
                   "classifier gets above 90%%" % (what, 100 * accuracy), "does not learn",
                   hint="predict the class with the highest score X.dot(W)")


def lazy_init(ctx, i):
    """train with learning_rate 0 on y in 0..C-1: W is 0.001·N(0, 1) of shape (D, C)."""
    rng = np.random.default_rng(0)
    D, C = i["D"], i["C"]
    X, y = rng.standard_normal((30, D)), np.arange(30) % C
    plan = ctx.plan()
    nets.seed(plan, 0)
    clf = plan.new(SOFTMAX)
    plan.method(clf, "train", X, y, learning_rate=0.0, reg=0.0, num_iters=1, batch_size=5)
    plan.returns(plan.library("builtins.getattr", clf, "W"))
    (W,) = ctx.run_student(plan)
    nets.check_init({"W": W}, nets.Expected({"W": ((D, C), "weight")}, 0.001), "LinearClassifier")


CHECKS = [
    Compare(BASE + ".predict", 1, (SOFTMAX,), cases=Cases(make_case, ({"N": 9, "D": 5, "C": 4, "seed": 0},
                                                                      {"N": 1, "D": 3, "C": 2, "seed": 1})),
            build=lambda plan, i: plan.method(with_weights(plan, SOFTMAX, i["W"]), "predict", i["X"]),
            labels=("y_pred",), exact=True, description="the class with the highest score X.dot(W)"),
    Property(BASE + ".init", 1, (SOFTMAX,), cases=Cases(lambda p: p, ({"D": 100, "C": 10},)), body=lazy_init,
             when="own_init",
             description="the first train call makes W = 0.001·N(0, 1) of shape (D, max(y) + 1)"),
] + [
    Compare(cls + ".train_step", 1 if cls == SVM else 2, (cls,), cases=Cases(identical_rows, TRAJECTORY),
            build=trajectory(cls), labels=("loss_history", "W"), tol=1e-7,
            description="train on a set of identical rows (every minibatch is the same): the loss history and W "
                        "after it equal the reference's (W -= learning_rate · grad)")
    for cls in (SVM, SOFTMAX)
] + [
    Compare(SOFTMAX + ".hidden", 1, (SOFTMAX,), HIDDEN, cases=Cases(identical_rows, (), TRAJECTORY_DRAWN),
            build=trajectory(SOFTMAX), labels=("loss_history", "W"), tol=1e-7, examples=6,
            description="the same trajectory on hidden shapes, batch sizes and learning rates"),
    Property(BASE + ".train_reg", 1, (SOFTMAX,), cases=Cases(identical_rows, TRAJECTORY[:1]), body=reg_reaches_loss,
             requires=(SOFTMAX + ".train_step",), description="train passes reg to the loss"),
] + [
    Property(cls + ".train_contract", 1, (cls,), cases=Cases(nets.blobs, ({"C": 3, "D": 4, "N": 60, "seed": 0},),
                                                             nets.blob_params()),
             body=contract(cls), examples=1, requires=(cls + ".train_step",),
             description="one loss per iteration on minibatches of batch_size, falling on a separable problem, "
                         "repeatable from np.random.seed; predict then gets the training set right")
    for cls in (SVM, SOFTMAX)
]

ASSIGNMENT = Assignment(
    name="linear_training", title="Training a linear classifier with minibatch SGD (CS231n linear_classifier.py)",
    symbols=SYMBOLS, checks=CHECKS, reference_modules=("linear_classifier",),
    # LinearSVM's loss file was removed in 2025
    cs231n={BASE: 2016, SVM: (2016, 2024), SOFTMAX: 2016})
