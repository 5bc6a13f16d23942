"""Mutants of the two_layer_net reference (fc_net.py's TwoLayerNet, svm_loss and softmax_loss) and CS231n's
notebook numbers."""
import numpy as np
import pytest

from helpers import mutant_tree
from partial import graded


def tree(tmp_path, file, edits):
    """reference/two_layer_net with `edits`, beside the conv_pool reference it imports."""
    return mutant_tree(tmp_path, "two_layer_net", file, edits, ("conv_pool",))


NET, LAYERS = "fc_net.py", "layers.py"
MUTANTS = [
    ("reg_without_one_half", NET, [("loss += 0.5 * self.reg * (", "loss += self.reg * (")],
     "TwoLayerNet.loss", "this course uses 0.5·reg·ΣW²"),
    ("weight_scale_ignored", NET, [("self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)",
                                    "self.params['W1'] = np.random.randn(input_dim, hidden_dim)")],
     "TwoLayerNet.init", "standard deviation"),
    ("large_initial_weights", NET, [("weight_scale * np.random.randn(hidden_dim, num_classes)",
                                     "np.random.randn(hidden_dim, num_classes)"),
                                    ("weight_scale * np.random.randn(input_dim, hidden_dim)",
                                     "np.random.randn(input_dim, hidden_dim)")],
     "TwoLayerNet.loss_at_init", "ln(C)"),
    ("relu_mask_missing_in_backward", NET, [("affine_backward(relu_backward(dhidden, relu_cache), fc1_cache)",
                                             "affine_backward(dhidden, fc1_cache)")],
     "TwoLayerNet.numerical_gradient", "numerical gradient"),
    ("softmax_dx_not_averaged", LAYERS, [("    dx[np.arange(N), y] -= 1\n    return loss, dx / N",
                                          "    dx[np.arange(N), y] -= 1\n    return loss, dx")],
     "softmax_loss.values", "N="),
    ("svm_counts_the_correct_class", LAYERS, [("    margins[rows, y] = 0\n", "")], "svm_loss.values", "expected"),
    ("svm_dx_sign", LAYERS, [("    return loss, dx / N\n\n\ndef softmax_loss", "    return loss, -dx / N\n\n\ndef softmax_loss")],
     "svm_loss.numerical_gradient", "numerical gradient"),
]


@pytest.mark.parametrize("name,file,edits,check,says", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, says):
    result = graded(tree(tmp_path, file, edits), "two_layer_net", (check,))
    assert result[check].status == "failed", (check, result[check].output)
    assert says in result[check].output, result[check].output


def test_the_reference_gives_the_notebooks_numbers():
    from grader.suites.two_layer_net import make_two_layer
    from reference.two_layer_net.fc_net import TwoLayerNet
    case = make_two_layer({"notebook": True, "reg": 0.0})
    model = TwoLayerNet(input_dim=5, hidden_dim=50, num_classes=7)
    model.params.update({k: case[k] for k in ("W1", "b1", "W2", "b2")})
    correct_scores = np.asarray(
        [[11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
         [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
         [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319]])
    assert np.abs(model.loss(case["X"]) - correct_scores).sum() < 1e-6
    assert abs(model.loss(case["X"], case["y"])[0] - 3.4702243556) < 1e-10
    model.reg = 1.0
    assert abs(model.loss(case["X"], case["y"])[0] - 26.5948426952) < 1e-10
