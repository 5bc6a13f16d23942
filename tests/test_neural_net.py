"""Mutants of the neural_net reference (CS231n assignment 1's TwoLayerNet with its own train and predict), the
2016 convention (0.5·reg), and CS231n's notebook numbers."""
import numpy as np
import pytest

from grader.course import Course
from helpers import mutant
from partial import graded

NN = "neural_net.py"
MUTANTS = [
    ("reg_scale_ignored", [("loss += REG_SCALE * reg * (", "loss += 0.5 * reg * ("),
                           ("2 * REG_SCALE * reg * W2", "reg * W2"), ("2 * REG_SCALE * reg * W1", "reg * W1")],
     "TwoLayerNet.loss", "the loss has 0.5·reg·ΣW²; this course uses 1·reg·ΣW²"),
    ("regularization_gradient_missing", [("+ 2 * REG_SCALE * reg * W2", "")],
     "TwoLayerNet.loss", "the regularization gradient (2·reg·W2) is missing from dW2"),
    ("no_relu", [("hidden = np.maximum(0, X.dot(W1) + b1)", "hidden = X.dot(W1) + b1"),
                 ("* (hidden > 0)", "")], "TwoLayerNet.scores", "differs"),
    ("relu_mask_missing_in_backward", [("dhidden = dscores.dot(W2.T) * (hidden > 0)", "dhidden = dscores.dot(W2.T)")],
     "TwoLayerNet.numerical_gradient", "numerical gradient"),
    ("predict_over_the_wrong_axis", [("return np.argmax(self.loss(X), axis=1)", "return np.argmax(self.loss(X), axis=0)")],
     "TwoLayerNet.predict", "shape"),
    ("biases_start_random", [("self.params['b1'] = np.zeros(hidden_size)",
                              "self.params['b1'] = std * np.random.randn(hidden_size)")], "TwoLayerNet.init", "all zeros"),
    ("update_uphill", [("self.params[name] -= learning_rate * grads[name]", "self.params[name] += learning_rate * grads[name]")],
     "TwoLayerNet.train_step", "expected"),
    ("learning_rate_never_decayed", [("learning_rate *= learning_rate_decay", "pass")], "TwoLayerNet.train_step", "expected"),
    ("trains_on_the_whole_set", [("X_batch, y_batch = X[idx], y[idx]", "X_batch, y_batch = X, y")],
     "TwoLayerNet.train_contract", "minibatch"),
    ("sampled_with_pythons_random", [("idx = np.random.choice(num_train, batch_size)",
                                      "idx = __import__('random').sample(range(num_train), batch_size)")],
     "TwoLayerNet.train_contract", "different loss histories"),
]


@pytest.mark.parametrize("name,edits,check,says", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, edits, check, says):
    from helpers import mutant_edits
    result = graded(mutant_edits(tmp_path, "neural_net", NN, edits), "neural_net", (check,))
    assert result[check].status == "failed", (check, result[check].output)
    assert says in result[check].output, result[check].output


def test_the_2016_convention_is_half_the_regularization(tmp_path):
    """A 2016 student's `0.5 * reg` is right under cs231n-2016 and wrong in 2017, where the message says which
    factor the course expects; the provided constructor is not graded in CS231n's years."""
    path = mutant(tmp_path, "neural_net", NN, "REG_SCALE = 1.0", "REG_SCALE = 0.5  # the student's own copy")
    checks = ("TwoLayerNet.loss",)
    # the grader sets REG_SCALE to the course's value: a student who kept the constant is right in every year
    assert graded(path, "neural_net", checks, Course(profile="cs231n-2016"))["TwoLayerNet.loss"].status == "passed"
    fixed = mutant(tmp_path / "fixed", "neural_net", NN, "REG_SCALE * reg", "0.5 * reg")
    out = graded(fixed, "neural_net", checks, Course(profile="cs231n-2018"))["TwoLayerNet.loss"]
    assert out.status == "failed" and "this course uses 1·reg·ΣW²" in out.output, out.output
    assert graded(fixed, "neural_net", checks, Course(profile="cs231n-2016"))["TwoLayerNet.loss"].status == "passed"
    assert "TwoLayerNet.init" not in graded(fixed, "neural_net", ("TwoLayerNet.init",), Course(profile="cs231n-2018"))


def test_the_reference_gives_the_notebooks_numbers():
    from reference.neural_net import neural_net
    np.random.seed(0)
    net = neural_net.TwoLayerNet(4, 10, 3, std=1e-1)
    np.random.seed(1)
    X, y = 10 * np.random.randn(5, 4), np.array([0, 1, 2, 2, 1])
    correct_scores = np.asarray([[-0.81233741, -1.27654624, -0.70335995], [-0.17129677, -1.18803311, -0.47310444],
                                 [-0.51590475, -1.01354314, -0.8504215], [-0.15419291, -0.48629638, -0.52901952],
                                 [-0.00618733, -0.12435261, -0.15226949]])
    assert np.sum(np.abs(net.loss(X) - correct_scores)) < 1e-7
    assert abs(net.loss(X, y, reg=0.05)[0] - 1.30378789133) < 1e-12          # 2017–2020
    old = neural_net.REG_SCALE
    try:
        neural_net.REG_SCALE = 0.5
        assert abs(net.loss(X, y, reg=0.1)[0] - 1.30378789133) < 1e-12       # 2016: 0.5·reg, reg=0.1
    finally:
        neural_net.REG_SCALE = old
