"""Checks of CS231n fc_net.py's TwoLayerNet (assignment 2 until 2020, assignment 1 from 2021) and the loss layers
it uses, svm_loss and softmax_loss (layers.py: provided until 2020, a TODO of assignment 1 from 2021).

TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0) with loss(X, y=None): judged on
weights the parent chooses (CS231n's notebook case first: 3.4702243556 at reg 0, 26.5948426952 at reg 1.0),
against the reference and against centred differences of the student's own loss; its own initialisation
(seeded) by itself. The regularization is 0.5·reg·(ΣW1² + ΣW2²) in every CS231n year.
Model checks are built by grader/suites/nets.py (shared with the models assignment).
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..spec import HIDDEN, Assignment
from . import nets

TWO = "TwoLayerNet"
LOSSES = ("softmax_loss", "svm_loss")
NET = nets.Net(TWO, ctor=lambda plan, i: ((), {"input_dim": i["D"], "hidden_dim": i["H"], "num_classes": i["C"],
                                                "weight_scale": i.get("ws", 1e-3), "reg": i["reg"]}),
               names=lambda i: ("W1", "b1", "W2", "b2"))


# ---------------------------------------------------------------- the loss layers

def make_scores(p):
    """CS231n's notebook: x = 0.001 * randn(N, C) (loss ≈ ln C for softmax, ≈ C - 1 for the SVM), or scores of
    order 1 (the SVM's gradient case has no margin within 1e-3 of its hinge: tests/reference checks it)."""
    rng = np.random.default_rng(p["seed"])
    x = rng.standard_normal((p["N"], p["C"])) * p.get("scale", 1.0)
    return {"x": x, "y": rng.integers(0, p["C"], p["N"])}


LOSS_PUBLIC = ({"N": 50, "C": 10, "scale": 0.001, "seed": 231}, {"N": 7, "C": 4, "seed": 1},
               {"N": 1, "C": 2, "seed": 2})
LOSS_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 20), "C": st.integers(2, 8),
                                    "scale": st.sampled_from([0.001, 1.0, 10.0]), "seed": st.integers(0, 2 ** 16)})


def loss_checks(name, points, when=None):
    """Values (public, drawn, hidden) and the gradient of one loss layer (x, y) -> (loss, dx)."""
    build = lambda plan, i: plan.call(name, i["x"], i["y"])   # noqa: E731
    return [
        Compare(name + ".values", points, (name,), cases=Cases(make_scores, LOSS_PUBLIC, LOSS_DRAWN), build=build,
                labels=("loss", "dx"), tol=1e-8, hints=lambda i: [nets.averaging_hint({"X": i["x"]})], examples=4,
                when=when,
                description="(loss, dx) equal the reference's, both averaged over N; CS231n's notebook case first"),
        Compare(name + ".hidden", 1, (name,), HIDDEN, cases=Cases(make_scores, (), LOSS_DRAWN), build=build,
                labels=("loss", "dx"), tol=1e-8, examples=8, when=when, description="the same on hidden inputs"),
        Gradient(name + ".numerical_gradient", 1, (name,), cases=Cases(make_scores, LOSS_PUBLIC[1:2]),
                 forward=lambda plan, i: plan.call(name, i["x"], i["y"])[0],
                 analytic=lambda plan, i: [plan.call(name, i["x"], i["y"])[1]], wrt=("x",), tol=1e-6, when=when,
                 description="dx matches centred differences of your own loss"),
    ]


# ---------------------------------------------------------------- TwoLayerNet

def make_two_layer(p):
    """CS231n's notebook case (linspace weights and data) or drawn weights; the biases are nonzero."""
    if p.get("notebook"):
        N, D, H, C = 3, 5, 50, 7
        return {"D": D, "H": H, "C": C, "reg": p["reg"],
                "W1": np.linspace(-0.7, 0.3, num=D * H).reshape(D, H), "b1": np.linspace(-0.1, 0.9, num=H),
                "W2": np.linspace(-0.3, 0.4, num=H * C).reshape(H, C), "b2": np.linspace(-0.9, 0.1, num=C),
                "X": np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T, "y": np.asarray([0, 5, 1])}
    rng = np.random.default_rng(p["seed"])
    D, H, C, N = p["D"], p["H"], p["C"], p["N"]
    return {"D": D, "H": H, "C": C, "reg": p["reg"], "W1": rng.standard_normal((D, H)) / np.sqrt(D),
            "b1": rng.standard_normal(H) * 0.1, "W2": rng.standard_normal((H, C)) / np.sqrt(H),
            "b2": rng.standard_normal(C) * 0.1, "X": rng.standard_normal((N, D)), "y": rng.integers(0, C, N)}


TWO_PUBLIC = ({"notebook": True, "reg": 0.0}, {"notebook": True, "reg": 1.0},
              {"D": 6, "H": 5, "C": 4, "N": 7, "reg": 0.3, "seed": 1})
TWO_DRAWN = st.fixed_dictionaries({"D": st.integers(1, 8), "H": st.integers(1, 8), "C": st.integers(2, 6),
                                   "N": st.integers(1, 8), "reg": st.sampled_from([0.0, 0.1, 1.0]),
                                   "seed": st.integers(0, 2 ** 16)})


INIT = {"input_dim": 60, "hidden_dim": 40, "num_classes": 10, "weight_scale": 0.1}


def two_layer_init(ctx, i):
    D, H, C, scale = i["input_dim"], i["hidden_dim"], i["num_classes"], i["weight_scale"]
    nets.init_check(ctx, NET, {"D": D, "H": H, "C": C, "ws": scale, "reg": 0.0},
                    nets.Expected({"W1": ((D, H), "weight"), "b1": ((H,), "zeros"), "W2": ((H, C), "weight"),
                                   "b2": ((C,), "zeros")}, scale))



CHECKS = (
    loss_checks("softmax_loss", 2) + loss_checks("svm_loss", 1)
    + [Property(TWO + ".init", 1, (TWO,), cases=Cases(lambda p: p, (INIT,)), body=two_layer_init,
                description="W1 (D, H), b1, W2 (H, C), b2: weights weight_scale·N(0, 1), biases 0"),
       nets.at_init_check(NET, {"D": 20, "H": 15, "C": 10, "N": 12, "input_dim": (20,), "reg": 0.0, "ws": 1e-3,
                                "seed": 0})]
    + nets.model_checks(NET, make_two_layer, TWO_PUBLIC, TWO_DRAWN, TWO_PUBLIC[2], 2)
)

ASSIGNMENT = Assignment(
    name="two_layer_net", title="A two-layer net of layers and the loss layers (CS231n fc_net.py's TwoLayerNet, layers.py)",
    symbols={TWO: ("fc_net",), "softmax_loss": ("layers",), "svm_loss": ("layers",)}, checks=CHECKS,
    reference_modules=("fc_net", "layers"),
    # TwoLayerNet: assignment 2 until 2020, assignment 1 from 2021; the loss layers were provided until 2020,
    # and assignment 1 lost svm_loss in 2025
    cs231n={TWO: 2016, "softmax_loss": 2021, "svm_loss": (2021, 2024)})
