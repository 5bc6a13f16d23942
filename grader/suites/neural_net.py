"""Checks of CS231n assignment 1's two-layer net (`neural_net.py`, 2016–2020): TwoLayerNet(input_size,
hidden_size, output_size, std=1e-4) with loss(X, y=None, reg=0.0), train(...) and predict(X).

- Values are judged on weights the parent chooses (written into `params`), against the reference: scores,
  (loss, grads), predictions — CS231n's notebook toy model (loss 1.30378789133) first.
- Gradients against centred differences of the student's own loss (directional derivatives and probes).
- The student's initialisation is judged by itself (seeded): names, shapes, zero biases, N(0, std²) weights,
  loss ≈ ln C.
- train: one exact trajectory (a dataset of identical rows, so any minibatch sampling gives the same batch),
  compared with the reference; and the contract on a separable problem (minibatches of batch_size, loss
  decreasing, reproducible from np.random.seed).
Course setting REG_SCALE (the loss's factor of reg·(ΣW1² + ΣW2²)): 1.0 (CS231n 2017–2020), 0.5 (2016).
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, as_scalar, describe
from ..spec import HIDDEN, Assignment, Setting
from . import nets

NET = "TwoLayerNet"
NAMES = ("W1", "b1", "W2", "b2")
TWO_LAYER = nets.Net(NET, ctor=lambda plan, i: ((i["D"], i["H"], i["C"]), {"std": i.get("std", 1e-4)}),
                     names=lambda i: NAMES, loss_args=lambda i: (i["reg"],))


# ---------------------------------------------------------------- inputs

def make_net(p):
    """Weights (biases nonzero, so that their use is checked), X (N, D), y, reg. `notebook`: CS231n's toy model
    (np.random.seed(0); TwoLayerNet(4, 10, 3, std=1e-1); np.random.seed(1); X = 10 * randn(5, 4))."""
    if p.get("notebook"):
        init = np.random.RandomState(0)
        W1 = 1e-1 * init.randn(4, 10)
        W2 = 1e-1 * init.randn(10, 3)
        return {"D": 4, "H": 10, "C": 3, "W1": W1, "b1": np.zeros(10), "W2": W2, "b2": np.zeros(3),
                "X": 10 * np.random.RandomState(1).randn(5, 4), "y": np.array([0, 1, 2, 2, 1]), "reg": p["reg"]}
    rng = np.random.default_rng(p["seed"])
    D, H, C, N = p["D"], p["H"], p["C"], p["N"]
    return {"D": D, "H": H, "C": C, "W1": rng.standard_normal((D, H)) * 0.5, "b1": rng.standard_normal(H) * 0.1,
            "W2": rng.standard_normal((H, C)) * 0.5, "b2": rng.standard_normal(C) * 0.1,
            "X": rng.standard_normal((N, D)), "y": rng.integers(0, C, size=N), "reg": p["reg"]}


PUBLIC = ({"notebook": True, "reg": 0.05}, {"notebook": True, "reg": 0.0},
          {"D": 7, "H": 6, "C": 5, "N": 9, "reg": 0.3, "seed": 1})
DRAWN = st.fixed_dictionaries({"D": st.integers(1, 8), "H": st.integers(1, 8), "C": st.integers(2, 6),
                               "N": st.integers(1, 10), "reg": st.sampled_from([0.0, 0.05, 0.5]),
                               "seed": st.integers(0, 2 ** 16)})
CASES = Cases(make_net, PUBLIC, DRAWN)
GRADIENT = Cases(make_net, ({"notebook": True, "reg": 0.05}, {"D": 6, "H": 5, "C": 4, "N": 7, "reg": 0.3, "seed": 3}))


def hints(inputs, settings=None):
    """Diagnoses of a wrong loss or gradient; `settings` (the course settings in force) gives REG_SCALE."""
    scale = (settings or {}).get("REG_SCALE", 1.0)
    return nets.reg_hints(inputs, scale, ("W1", "W2")) + [nets.averaging_hint(inputs)]


# ---------------------------------------------------------------- initialisation

INIT = {"input_size": 100, "hidden_size": 50, "output_size": 10, "std": 0.1}


def init_body(ctx, i):
    D, H, C = i["input_size"], i["hidden_size"], i["output_size"]
    expected = nets.Expected({"W1": ((D, H), "weight"), "b1": ((H,), "zeros"), "W2": ((H, C), "weight"),
                              "b2": ((C,), "zeros")}, scale=i["std"])
    nets.init_check(ctx, TWO_LAYER, {"D": D, "H": H, "C": C, "std": i["std"]}, expected)


def at_init_body(ctx, inputs):
    nets.loss_at_init(ctx, TWO_LAYER, dict(inputs, std=1e-4, reg=0.0), tol=1e-3)


def make_at_init(p):
    rng = np.random.default_rng(p["seed"])
    return {"D": 20, "H": 15, "C": p["C"], "X": rng.standard_normal((12, 20)), "y": rng.integers(0, p["C"], 12)}


# ---------------------------------------------------------------- train

def identical_rows(p):
    """N copies of one example: every minibatch (with or without replacement, any batch size up to N) is the
    same, so one training run has one right trajectory. batch_size = N: an epoch is one iteration."""
    case = make_net(dict(p, N=1))
    N = p["batch"]
    return dict(case, X=np.repeat(case["X"], N, axis=0), y=np.repeat(case["y"], N), X_val=case["X"],
                y_val=case["y"], lr=p["lr"], decay=0.95, iters=p["iters"], batch=N)


TRAJECTORY = Cases(identical_rows, ({"D": 5, "H": 4, "C": 3, "reg": 0.1, "seed": 4, "lr": 0.5, "iters": 4, "batch": 6},
                                    {"D": 3, "H": 6, "C": 4, "reg": 0.0, "seed": 5, "lr": 1.0, "iters": 3, "batch": 2}))


def trajectory(plan, i):
    model = nets.build(plan, TWO_LAYER, i)
    stats = plan.method(model, "train", i["X"], i["y"], i["X_val"], i["y_val"], learning_rate=i["lr"],
                        learning_rate_decay=i["decay"], reg=i["reg"], num_iters=i["iters"], batch_size=i["batch"],
                        verbose=False)
    return stats, nets.params_of(plan, model)


BLOBS = Cases(nets.blobs, ({"C": 3, "D": 5, "N": 60, "seed": 0},), nets.blob_params())


def train_contract(ctx, i):
    """Minibatches of batch_size from X (not the whole set), a loss per iteration, decreasing on a separable
    problem, the same run again after the same np.random.seed."""
    rng = np.random.default_rng(i["seed"])
    D, C, H = i["D"], i["C"], 10
    start = {"W1": rng.standard_normal((D, H)) * 0.1, "b1": np.zeros(H), "W2": rng.standard_normal((H, C)) * 0.1,
             "b2": np.zeros(C)}
    kwargs = dict(learning_rate=0.5, learning_rate_decay=0.95, reg=1e-3, num_iters=50, batch_size=10, verbose=False)
    plan = ctx.plan()
    runs = []
    for _ in range(2):
        nets.seed(plan, 7)
        model = plan.new(NET, D, H, C, std=0.1)
        plan.method(nets.params_of(plan, model), "update", {k: v.copy() for k, v in start.items()})
        runs.append(plan.method(model, "train", i["X"], i["y"], i["X_val"], i["y_val"], **kwargs))
    full = plan.new(NET, D, H, C, std=0.1)
    plan.method(nets.params_of(plan, full), "update", start)
    plan.returns(*runs, plan.method(full, "loss", i["X"], i["y"], 1e-3))
    first, second, whole = ctx.run_student(plan)
    if not isinstance(whole, (tuple, list)) or not whole:
        raise Fail("loss(X, y, reg) should return (loss, grads), returned %s" % describe(whole), "wrong return value")
    # the reference ends below 0.06 of its first loss on every such problem (any sampling): 0.5 is generous
    nets.check_training(history(first, kwargs["num_iters"]), history(second, kwargs["num_iters"]),
                        as_scalar(whole[0], "the loss"), "train on a separable problem (50 iterations, batch 10, "
                                                         "learning rate 0.5)")


def history(stats, num_iters):
    if not isinstance(stats, dict):
        raise Fail("train should return a dict with 'loss_history', 'train_acc_history' and 'val_acc_history', "
                   "returned %s" % describe(stats), "wrong return value")
    for key in ("loss_history", "train_acc_history", "val_acc_history"):
        if key not in stats:
            raise Fail("the dict train returns has no %r" % key, "wrong return value",
                       hint="return {'loss_history': ..., 'train_acc_history': ..., 'val_acc_history': ...}")
    return nets.check_history(stats["loss_history"], num_iters)


# ---------------------------------------------------------------- the checks

def compare(name, points, cases, build, labels, visibility="visible", examples=0, exact=False, **kw):
    return Compare(name, points, (NET,), visibility, cases=cases, build=build, labels=labels, tol=1e-7,
                   hints=hints, examples=examples, exact=exact, **kw)


CHECKS = [
    Property(NET + ".init", 1, (NET,), cases=Cases(lambda p: p, (INIT,)), body=init_body, when="own_init",
             description="W1 (D, H), b1 (H,), W2 (H, C), b2 (C,): weights std·N(0, 1), biases 0"),
    Property(NET + ".loss_at_init", 1, (NET,), cases=Cases(make_at_init, ({"C": 10, "seed": 0},)),
             body=at_init_body, description="with std=1e-4 and reg=0 the loss is ln(C) (every class equally likely)"),
    compare(NET + ".scores", 2, CASES, nets.scores(TWO_LAYER), ("scores",), examples=3,
            description="loss(X) returns the scores (N, C) of fixed weights; CS231n's toy model first"),
    compare(NET + ".loss", 3, CASES, nets.loss(TWO_LAYER), ("loss", "grads"), examples=3,
            description="loss(X, y, reg) returns (loss, grads) equal to the reference's: the notebook's 1.30378789133 "
                        "(reg 0.05), then drawn shapes"),
    compare(NET + ".hidden", 1, Cases(make_net, (), DRAWN), nets.loss(TWO_LAYER), ("loss", "grads"), HIDDEN,
            examples=8, description="the same on hidden inputs"),
    Gradient(NET + ".numerical_gradient", 2, (NET,), cases=GRADIENT, forward=nets.forward(TWO_LAYER),
             analytic=nets.analytic(TWO_LAYER), wrt=NAMES, directions=3, probes=2,
             description="grads match centred differences of your own loss (directions and single entries)"),
    Compare(NET + ".predict", 1, (NET,), cases=CASES,
            build=lambda plan, i: plan.method(nets.build(plan, TWO_LAYER, i), "predict", i["X"]),
            labels=("y_pred",), exact=True, examples=3, description="the class of the highest score"),
    Compare(NET + ".train_step", 2, (NET,), cases=TRAJECTORY, build=trajectory, labels=("stats", "params"),
            tol=1e-7, description="train on a set of identical rows (every minibatch is the same): the loss "
                                  "history, accuracies and final weights equal the reference's (SGD, the learning "
                                  "rate decayed once per epoch)"),
    Property(NET + ".train_contract", 2, (NET,), cases=BLOBS, body=train_contract, examples=2, requires=(NET + ".loss",),
             description="minibatches of batch_size, one loss per iteration, the loss falls on a separable problem, "
                         "and np.random.seed makes a run reproducible"),
]

SETTINGS = (Setting("REG_SCALE", 1.0, (1.0, 0.5), ((NET, "REG_SCALE", None),),
                    "the loss's factor of reg·(ΣW1² + ΣW2²): 1.0 (CS231n 2017–2020), 0.5 (2016)",
                    convention="neural_net_reg_scale"),)

ASSIGNMENT = Assignment(
    name="neural_net", title="A two-layer net with its own training loop (CS231n assignment 1, neural_net.py)",
    symbols={NET: ("neural_net",)}, checks=CHECKS, reference_modules=("neural_net",), course_settings=SETTINGS,
    cs231n={NET: (2016, 2020)})
